import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/actor';
import {
  CandidateView, EligibilityQuery, EligibilityView, PolicyVersionQuery, RankingsQuery, RankingsView,
} from './ranking.dto';
import { Candidate, RankingService } from './ranking.service';

@ApiTags('ranking')
@ApiBearerAuth()
@Controller()
export class RankingController {
  constructor(private readonly ranking: RankingService) {}

  @Get('members/:id/eligibility')
  @Roles('committee', 'admin')
  @ApiOkResponse({ type: EligibilityView, description: 'The score with each counted talk, the bonus and the policy version' })
  eligibility(@Param('id', ParseUUIDPipe) id: string, @Query() query: EligibilityQuery): Promise<EligibilityView> {
    return this.ranking.memberEligibility(id, query);
  }

  @Get('slots/:id/candidates')
  @Roles('committee')
  @ApiOkResponse({ type: [CandidateView], description: 'Active nominees, best first, as of the conference start' })
  candidates(@Param('id', ParseUUIDPipe) id: string, @Query() query: PolicyVersionQuery): Promise<Candidate[]> {
    return this.ranking.candidatesForSlot(id, { policyVersion: query.policyVersion });
  }

  @Get('rankings')
  @Roles('committee', 'admin')
  @ApiOkResponse({ type: RankingsView })
  rankings(@Query() query: RankingsQuery): Promise<RankingsView> {
    return this.ranking.rankings(query);
  }
}
