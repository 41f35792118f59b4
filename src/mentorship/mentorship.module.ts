import { Module } from '@nestjs/common';
import { IncidentsModule } from '../incidents/incidents.module';
import { MentorshipController, MentorshipReportController, MyMentorshipController } from './mentorship.controller';
import { MentorshipRepository } from './mentorship.repository';
import { MentorshipService } from './mentorship.service';

/** The mentorship programme: rounds, sign-ups, the matching (HiGHS) and its publication, the round's report. */
@Module({
  imports: [IncidentsModule],
  controllers: [MentorshipController, MentorshipReportController, MyMentorshipController],
  providers: [MentorshipService, MentorshipRepository],
})
export class MentorshipModule {}
