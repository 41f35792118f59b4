import { Module } from '@nestjs/common';
import { AllocationsModule } from '../allocations/allocations.module';
import { CommitteeDigest } from './committee-digest';
import { InvitationAnswersController } from './invitation-answers.controller';
import { InvitationAnswers } from './invitation-answers.service';
import { InvitationDeadlines } from './invitation-deadlines';
import { SpeakersRepository } from './speakers.repository';

/** The speaker's side of an invitation: answering by link, the deadlines, and the committee's digest. */
@Module({
  imports: [AllocationsModule],
  controllers: [InvitationAnswersController],
  providers: [InvitationAnswers, InvitationDeadlines, CommitteeDigest, SpeakersRepository],
  exports: [InvitationDeadlines, CommitteeDigest],
})
export class SpeakersModule {}
