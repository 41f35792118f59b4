import { Module } from '@nestjs/common';
import { IncidentKeyring, IncidentReportingConfigured } from './incident-keyring';
import { IncidentsController } from './incidents.controller';
import { IncidentsService } from './incidents.service';

@Module({
  controllers: [IncidentsController],
  providers: [IncidentKeyring, IncidentReportingConfigured, IncidentsService],
})
export class IncidentsModule {}
