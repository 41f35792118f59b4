import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '../auth/actor';
import { Page } from '../common/pagination';
import { CreateInstituteDto, InstituteQuery, InstituteView, UpdateInstituteDto } from './institutes.dto';
import { InstitutesService } from './institutes.service';

@ApiTags('institutes')
@ApiBearerAuth()
@Controller('institutes')
export class InstitutesController {
  constructor(private readonly institutes: InstitutesService) {}

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Add an institute; its region comes from its country unless `region` overrides it' })
  create(@Body() dto: CreateInstituteDto, @CurrentActor() actor: Actor): Promise<InstituteView> {
    return this.institutes.create(dto, actor);
  }

  @Get()
  @Roles('admin', 'committee')
  list(@Query() query: InstituteQuery): Promise<Page<InstituteView>> {
    return this.institutes.list(query);
  }

  @Get(':id')
  @Roles('admin', 'committee')
  get(@Param('id', ParseUUIDPipe) id: string): Promise<InstituteView> {
    return this.institutes.get(id);
  }

  @Patch(':id')
  @Roles('admin')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateInstituteDto, @CurrentActor() actor: Actor): Promise<InstituteView> {
    return this.institutes.update(id, dto, actor);
  }
}
