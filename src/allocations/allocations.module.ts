import { Module } from '@nestjs/common';
import { RankingModule } from '../ranking/ranking.module';
import { AllocationsController } from './allocations.controller';
import { AllocationsService } from './allocations.service';
import { ProgrammeController } from './programme.controller';
import { ProgrammeService } from './programme.service';

/** Invitations of nominees to slots, their lifecycle, and the programme they add up to. */
@Module({
  imports: [RankingModule],
  controllers: [AllocationsController, ProgrammeController],
  providers: [AllocationsService, ProgrammeService],
  exports: [AllocationsService],
})
export class AllocationsModule {}
