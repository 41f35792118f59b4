import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '../auth/actor';
import { Created } from '../common/http';
import { ApiProblem, ApiProblems, ApiSecured } from '../common/openapi';
import { ChangeNominationStatusDto, CreateNominationDto, NominationPage, NominationQuery, NominationView } from './nominations.dto';
import { NominationsService } from './nominations.service';

@ApiTags('nominations')
@ApiSecured()
@Controller('nominations')
export class NominationsController {
  constructor(private readonly nominations: NominationsService) {}

  @Post()
  @Roles('nominator', 'committee')
  @ApiOperation({ summary: 'Nominate a member for a slot' })
  @Created(NominationView, (nomination) => `nominations/${nomination.id}`)
  @ApiProblems(400, 413, 415)
  @ApiProblem(409, 'The member already has an active nomination for the slot')
  @ApiProblem(422, 'An unknown member or slot, a member who has left, or a slot whose conference has begun')
  create(@Body() dto: CreateNominationDto, @CurrentActor() actor: Actor): Promise<NominationView> {
    return this.nominations.create(dto, actor);
  }

  @Get()
  @Roles('nominator', 'committee')
  @ApiOperation({ summary: "Nominations (a nominator's own only)" })
  @ApiOkResponse({ type: NominationPage, description: 'Nominators see only their own' })
  @ApiProblems(400)
  list(@Query() query: NominationQuery, @CurrentActor() actor: Actor): Promise<NominationPage> {
    return this.nominations.list(query, actor);
  }

  @Get(':id')
  @Roles('nominator', 'committee')
  @ApiOperation({ summary: 'One nomination (a nominator: their own only)' })
  @ApiOkResponse({ type: NominationView })
  @ApiProblems(400, 404)
  get(@Param('id', ParseUUIDPipe) id: string, @CurrentActor() actor: Actor): Promise<NominationView> {
    return this.nominations.get(id, actor);
  }

  @Patch(':id')
  @Roles('nominator', 'committee')
  @ApiOperation({ summary: 'Shortlist, reject or reconsider (committee), or withdraw (the nominator)' })
  @ApiOkResponse({ type: NominationView })
  @ApiProblems(400, 404, 413, 415)
  @ApiProblem(409, "The lifecycle does not allow the move (allowed names those that are), or the body's version is stale")
  changeStatus(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ChangeNominationStatusDto,
    @CurrentActor() actor: Actor,
  ): Promise<NominationView> {
    return this.nominations.changeStatus(id, dto, actor);
  }
}
