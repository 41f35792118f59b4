import { Controller, Get, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/actor';
import type { Response } from 'express';
import { sendJsonArray } from '../common/http';
import { ApiProblems, ApiSecured } from '../common/openapi';
import { CandidateView, EligibilityQuery, EligibilityView, PolicyVersionQuery, RankingsQuery, RankingsView } from './ranking.dto';
import { RankingService } from './ranking.service';

@ApiTags('ranking')
@ApiSecured()
@Controller()
export class RankingController {
  constructor(private readonly ranking: RankingService) {}

  @Get('members/:id/eligibility')
  @Roles('committee', 'admin')
  @ApiOperation({ summary: "A member's eligibility score with its breakdown, replayable by asOf, policyVersion and knownAt" })
  @ApiProblems(400, 404)
  @ApiOkResponse({ type: EligibilityView, description: 'The score with each counted talk, the bonus and the policy version' })
  eligibility(@Param('id', ParseUUIDPipe) id: string, @Query() query: EligibilityQuery): Promise<EligibilityView> {
    return this.ranking.memberEligibility(id, query);
  }

  @Get('slots/:id/candidates')
  @Roles('committee')
  @ApiOperation({ summary: "A slot's active nominees ranked, best first" })
  @ApiProblems(400, 404)
  @ApiOkResponse({ type: [CandidateView], description: 'Active nominees, best first, as of the conference start' })
  async candidates(@Param('id', ParseUUIDPipe) id: string, @Query() query: PolicyVersionQuery, @Res() res: Response): Promise<void> {
    sendJsonArray(res, await this.ranking.candidatesForSlot(id, { policyVersion: query.policyVersion }));
  }

  @Get('rankings')
  @Roles('committee', 'admin')
  @ApiOperation({ summary: 'The whole collaboration ranked, with the rank within the selection' })
  @ApiProblems(400, 404)
  @ApiOkResponse({ type: RankingsView })
  rankings(@Query() query: RankingsQuery): Promise<RankingsView> {
    return this.ranking.rankings(query);
  }
}
