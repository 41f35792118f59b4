import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '../auth/actor';
import { Created } from '../common/http';
import { ApiPage, ApiProblem, ApiProblems, ApiSecured } from '../common/openapi';
import { Page } from '../common/pagination';
import { CreateInstituteDto, InstituteQuery, InstituteView, UpdateInstituteDto } from './institutes.dto';
import { InstitutesService } from './institutes.service';

@ApiTags('institutes')
@ApiSecured()
@Controller('institutes')
export class InstitutesController {
  constructor(private readonly institutes: InstitutesService) {}

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Add an institute; its region comes from its country unless `region` overrides it' })
  @Created(InstituteView, (institute) => `institutes/${institute.id}`)
  @ApiProblems(400, 413, 415)
  @ApiProblem(409, 'An institute of that name (any case) already exists')
  @ApiProblem(422, 'An unknown region code')
  create(@Body() dto: CreateInstituteDto, @CurrentActor() actor: Actor): Promise<InstituteView> {
    return this.institutes.create(dto, actor);
  }

  @Get()
  @Roles('admin', 'committee')
  @ApiOperation({ summary: 'Institutes, filtered by country, region or part of the name' })
  @ApiPage(InstituteView)
  @ApiProblems(400)
  list(@Query() query: InstituteQuery): Promise<Page<InstituteView>> {
    return this.institutes.list(query);
  }

  @Get(':id')
  @Roles('admin', 'committee')
  @ApiOperation({ summary: 'One institute with its region and current member count' })
  @ApiOkResponse({ type: InstituteView })
  @ApiProblems(400, 404)
  get(@Param('id', ParseUUIDPipe) id: string): Promise<InstituteView> {
    return this.institutes.get(id);
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOperation({ summary: "Rename an institute, change its country or its region override (null: the country's region)" })
  @ApiOkResponse({ type: InstituteView })
  @ApiProblems(400, 404, 413, 415)
  @ApiProblem(409, 'An institute of that name (any case) already exists')
  @ApiProblem(422, 'An unknown region code')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateInstituteDto, @CurrentActor() actor: Actor): Promise<InstituteView> {
    return this.institutes.update(id, dto, actor);
  }
}
