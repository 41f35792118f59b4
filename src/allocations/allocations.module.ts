import { Module } from '@nestjs/common';
import { NominationsModule } from '../nominations/nominations.module';
import { RankingModule } from '../ranking/ranking.module';
import { AllocationLifecycle } from './allocation-lifecycle';
import { AllocationNotices } from './allocation-notices';
import { InvitationLinks } from './invitation-links';
import { AllocationsController } from './allocations.controller';
import { AllocationsRepository } from './allocations.repository';
import { AllocationsService } from './allocations.service';
import { ProgrammeController } from './programme.controller';
import { ProgrammeService } from './programme.service';

/** Invitations of nominees to slots, their lifecycle, and the programme they add up to. */
@Module({
  imports: [RankingModule, NominationsModule],
  controllers: [AllocationsController, ProgrammeController],
  providers: [AllocationsService, AllocationsRepository, ProgrammeService, AllocationLifecycle, AllocationNotices, InvitationLinks],
  exports: [AllocationsService, AllocationsRepository, AllocationLifecycle, AllocationNotices, InvitationLinks],
})
export class AllocationsModule {}
