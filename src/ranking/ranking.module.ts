import { Module } from '@nestjs/common';
import { RankPolicyController } from './rank-policy.controller';
import { RankPolicyService } from './rank-policy.service';
import { RankingController } from './ranking.controller';
import { RankingRepository } from './ranking.repository';
import { RankingService } from './ranking.service';

/** Rank policies and eligibility. Imports no other feature module, so allocations can import it freely. */
@Module({
  controllers: [RankPolicyController, RankingController],
  providers: [RankingRepository, RankingService, RankPolicyService],
  exports: [RankingService, RankPolicyService],
})
export class RankingModule {}
