import { Module } from '@nestjs/common';
import { AllocationsModule } from '../allocations/allocations.module';
import { RankingModule } from '../ranking/ranking.module';
import { SlatesController } from './slates.controller';
import { SlatesRepository } from './slates.repository';
import { SlatesService } from './slates.service';

/** Slate suggestions: the optimiser's proposed programme for a conference, replayable and acceptable as a whole. */
@Module({
  imports: [RankingModule, AllocationsModule],
  controllers: [SlatesController],
  providers: [SlatesService, SlatesRepository],
})
export class SlatesModule {}
