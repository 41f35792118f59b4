import { Module } from '@nestjs/common';
import { DiversityOfficeController } from './diversity-office.controller';
import { DiversityOfficeService } from './diversity-office.service';
import { IncidentKeyring, IncidentReportingConfigured } from './incident-keyring';
import { IncidentLifecycle } from './incident-lifecycle';
import { IncidentsController } from './incidents.controller';
import { IncidentsRepository } from './incidents.repository';
import { IncidentsService } from './incidents.service';

@Module({
  controllers: [IncidentsController, DiversityOfficeController],
  providers: [
    IncidentKeyring,
    IncidentReportingConfigured,
    IncidentsService,
    IncidentsRepository,
    IncidentLifecycle,
    DiversityOfficeService,
  ],
  // The mentorship programme seals consented identity groups with the same key.
  exports: [IncidentKeyring],
})
export class IncidentsModule {}
