import { Module } from '@nestjs/common';
import { NominationsModule } from '../nominations/nominations.module';
import { RankingModule } from '../ranking/ranking.module';
import { AllocationLifecycle } from './allocation-lifecycle';
import { AllocationNotices } from './allocation-notices';
import { InvitationLinks } from './invitation-links';
import { AllocationsController } from './allocations.controller';
import { AllocationsService } from './allocations.service';
import { ProgrammeController } from './programme.controller';
import { ProgrammeService } from './programme.service';

/** Invitations of nominees to slots, their lifecycle, and the programme they add up to. */
@Module({
  imports: [RankingModule, NominationsModule],
  controllers: [AllocationsController, ProgrammeController],
  providers: [AllocationsService, ProgrammeService, AllocationLifecycle, AllocationNotices, InvitationLinks],
  exports: [AllocationsService, AllocationLifecycle, AllocationNotices, InvitationLinks],
})
export class AllocationsModule {}
