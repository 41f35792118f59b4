import { Module } from '@nestjs/common';
import { ReportsModule } from '../reports/reports.module';
import { AppointmentLifecycle } from './appointment-lifecycle';
import { AppointmentsController } from './appointments.controller';
import { AppointmentsRepository } from './appointments.repository';
import { AppointmentsService } from './appointments.service';
import { CallsController } from './calls.controller';
import { CallsRepository } from './calls.repository';
import { CallsService } from './calls.service';
import { LeadershipReportsController } from './leadership-reports.controller';
import { LeadershipReportsRepository } from './leadership-reports.repository';
import { LeadershipReportsService } from './leadership-reports.service';
import { PositionsController } from './positions.controller';
import { PositionsRepository } from './positions.repository';
import { PositionsService } from './positions.service';

/** Leadership positions, who held them, open calls, and the proportionality review (issue 21). */
@Module({
  imports: [ReportsModule],
  controllers: [PositionsController, AppointmentsController, CallsController, LeadershipReportsController],
  providers: [
    PositionsService,
    PositionsRepository,
    AppointmentsService,
    AppointmentsRepository,
    AppointmentLifecycle,
    CallsService,
    CallsRepository,
    LeadershipReportsService,
    LeadershipReportsRepository,
  ],
})
export class LeadershipModule {}
