import { Module } from '@nestjs/common';
import { AllocationsModule } from '../allocations/allocations.module';
import { MembersModule } from '../members/members.module';
import { RankingModule } from '../ranking/ranking.module';
import { MeController, NominationDisclosureController } from './me.controller';
import { MeRepository } from './me.repository';
import { MeService } from './me.service';

/** A member's own page: their record, history, eligibility, nominations and invitations. */
@Module({
  imports: [MembersModule, RankingModule, AllocationsModule],
  controllers: [MeController, NominationDisclosureController],
  providers: [MeService, MeRepository],
})
export class MeModule {}
