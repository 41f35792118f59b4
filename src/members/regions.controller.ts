import { Body, Controller, Get, Param, Post, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, ANY_ROLE, CurrentActor, Roles } from '../auth/actor';
import { Created, ReferenceData } from '../common/http';
import { ApiProblem, ApiProblems, ApiSecured } from '../common/openapi';
import { CreateRegionDto, RegionDataQualityView, RegionView, UpdateRegionDto } from './regions.dto';
import { RegionsService } from './regions.service';

@ApiTags('regions')
@ApiSecured()
@Controller('regions')
export class RegionsController {
  constructor(private readonly regions: RegionsService) {}

  @Get()
  @Roles(...ANY_ROLE)
  @ApiOperation({ summary: 'The region scheme, in reporting order' })
  @ApiOkResponse({ type: [RegionView] })
  @ReferenceData()
  list(): Promise<RegionView[]> {
    return this.regions.list();
  }

  @Get('data-quality')
  @Roles('admin', 'committee')
  @ApiOperation({ summary: 'Countries of institutes that fall in no region, with institute and member counts' })
  @ApiOkResponse({ type: RegionDataQualityView })
  dataQuality(): Promise<RegionDataQualityView> {
    return this.regions.dataQuality();
  }

  @Get(':code')
  @Roles(...ANY_ROLE)
  @ApiOperation({ summary: 'One region with its countries and the institutes placed in it by override' })
  @ApiOkResponse({ type: RegionView })
  @ApiProblems(404)
  @ReferenceData()
  get(@Param('code') code: string): Promise<RegionView> {
    return this.regions.get(code);
  }

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Add a region; listed countries move to it from their current region' })
  @Created(RegionView, (region) => `regions/${region.code}`)
  @ApiProblems(400, 413, 415)
  @ApiProblem(409, 'A region with that code already exists')
  create(@Body() dto: CreateRegionDto, @CurrentActor() actor: Actor): Promise<RegionView> {
    return this.regions.create(dto, actor);
  }

  @Put(':code')
  @Roles('admin')
  @ApiOperation({ summary: 'Rename a region or replace its countries (moves and unassignments are audited)' })
  @ApiOkResponse({ type: RegionView })
  @ApiProblems(400, 404, 413, 415)
  @ApiProblem(409, 'Another region already has that name')
  @ApiProblem(422, 'UNASSIGNED cannot be given countries')
  update(@Param('code') code: string, @Body() dto: UpdateRegionDto, @CurrentActor() actor: Actor): Promise<RegionView> {
    return this.regions.update(code, dto, actor);
  }
}
