import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '../auth/actor';
import { RankPolicyService, toView } from './rank-policy.service';
import { RankPolicyDto, RankPolicyView } from './ranking.dto';

@ApiTags('rank policy')
@ApiBearerAuth()
@Controller('rank-policy')
export class RankPolicyController {
  constructor(private readonly policies: RankPolicyService) {}

  @Get()
  @Roles('committee', 'admin', 'monitor')
  @ApiOkResponse({ type: RankPolicyView, description: 'The version in force (the latest)' })
  async latest(): Promise<RankPolicyView> {
    return toView(await this.policies.latest());
  }

  @Get('versions')
  @Roles('committee', 'admin', 'monitor')
  @ApiOkResponse({ type: [RankPolicyView], description: 'Every version, newest first' })
  versions(): Promise<RankPolicyView[]> {
    return this.policies.versions();
  }

  @Get(':version')
  @Roles('committee', 'admin', 'monitor')
  @ApiOkResponse({ type: RankPolicyView })
  async get(@Param('version', ParseIntPipe) version: number): Promise<RankPolicyView> {
    return toView(await this.policies.get(version));
  }

  /** Creates version n+1; earlier versions are kept and stay readable (answers can be replayed). */
  @Put()
  @HttpCode(201)
  @Roles('admin')
  @ApiCreatedResponse({ type: RankPolicyView })
  create(@Body() dto: RankPolicyDto, @CurrentActor() actor: Actor): Promise<RankPolicyView> {
    return this.policies.create(dto, actor);
  }
}
