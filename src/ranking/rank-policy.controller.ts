import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '../auth/actor';
import { Created, ReferenceData } from '../common/http';
import { ApiProblems, ApiSecured } from '../common/openapi';
import { RankPolicyService, toView } from './rank-policy.service';
import { RankPolicyDto, RankPolicyView } from './ranking.dto';

@ApiTags('rank policy')
@ApiSecured()
@Controller('rank-policy')
export class RankPolicyController {
  constructor(private readonly policies: RankPolicyService) {}

  @Get()
  @Roles('committee', 'admin', 'monitor')
  @ApiOperation({ summary: 'The rank policy in force' })
  @ApiOkResponse({ type: RankPolicyView, description: 'The version in force (the latest)' })
  @ReferenceData()
  async latest(): Promise<RankPolicyView> {
    return toView(await this.policies.latest());
  }

  @Get('versions')
  @Roles('committee', 'admin', 'monitor')
  @ApiOperation({ summary: 'Every version of the rank policy' })
  @ApiOkResponse({ type: [RankPolicyView], description: 'Every version, newest first' })
  @ReferenceData()
  versions(): Promise<RankPolicyView[]> {
    return this.policies.versions();
  }

  @Get(':version')
  @Roles('committee', 'admin', 'monitor')
  @ApiOperation({ summary: 'One version of the rank policy' })
  @ApiOkResponse({ type: RankPolicyView })
  @ApiProblems(400, 404)
  @ReferenceData()
  async get(@Param('version', ParseIntPipe) version: number): Promise<RankPolicyView> {
    return toView(await this.policies.get(version));
  }

  /** Creates version n+1; earlier versions are kept and stay readable (answers can be replayed). */
  @Put()
  @HttpCode(201)
  @Roles('admin')
  @ApiOperation({ summary: 'Put a new rank policy in force as the next version; earlier ones stay readable' })
  @Created(RankPolicyView, (policy) => `rank-policy/${policy.version}`)
  @ApiProblems(400, 413, 415)
  create(@Body() dto: RankPolicyDto, @CurrentActor() actor: Actor): Promise<RankPolicyView> {
    return this.policies.create(dto, actor);
  }
}
