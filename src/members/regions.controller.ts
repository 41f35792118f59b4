import { Body, Controller, Get, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, ANY_ROLE, CurrentActor, Roles } from '../auth/actor';
import { CreateRegionDto, RegionDataQualityView, RegionView, UpdateRegionDto } from './regions.dto';
import { RegionsService } from './regions.service';

@ApiTags('regions')
@ApiBearerAuth()
@Controller('regions')
export class RegionsController {
  constructor(private readonly regions: RegionsService) {}

  @Get()
  @Roles(...ANY_ROLE)
  @ApiOperation({ summary: 'The region scheme, in reporting order' })
  list(): Promise<RegionView[]> {
    return this.regions.list();
  }

  @Get('data-quality')
  @Roles('admin', 'committee')
  @ApiOperation({ summary: 'Countries of institutes that fall in no region, with institute and member counts' })
  dataQuality(): Promise<RegionDataQualityView> {
    return this.regions.dataQuality();
  }

  @Get(':code')
  @Roles(...ANY_ROLE)
  get(@Param('code') code: string): Promise<RegionView> {
    return this.regions.get(code);
  }

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Add a region; listed countries move to it from their current region' })
  create(@Body() dto: CreateRegionDto, @CurrentActor() actor: Actor): Promise<RegionView> {
    return this.regions.create(dto, actor);
  }

  @Put(':code')
  @Roles('admin')
  @ApiOperation({ summary: 'Rename a region or replace its countries (moves and unassignments are audited)' })
  update(@Param('code') code: string, @Body() dto: UpdateRegionDto, @CurrentActor() actor: Actor): Promise<RegionView> {
    return this.regions.update(code, dto, actor);
  }
}
