import { Module } from '@nestjs/common';
import { RankingService } from './ranking.service';

/** Rank policies and eligibility. Depends on no other feature module (allocations import it). */
@Module({
  providers: [RankingService],
  exports: [RankingService],
})
export class RankingModule {}
