import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Actor, ANY_ROLE, CurrentActor, Roles } from '../auth/actor';
import { Created } from '../common/http';
import { ApiPage, ApiProblem, ApiProblems, ApiSecured } from '../common/openapi';
import { Page } from '../common/pagination';
import { CallDecisionDto, CallNominationDto, CallNominationView, CallQuery, CallView, CreateCallDto } from './calls.dto';
import { CallsService } from './calls.service';

@ApiTags('leadership')
@ApiSecured()
@Controller('leadership/calls')
export class CallsController {
  constructor(private readonly calls: CallsService) {}

  @Post()
  @Roles('admin', 'committee')
  @ApiOperation({ summary: 'Open a call for a position: nominations until the deadline, the term from termStartsOn' })
  @Created(CallView, (call) => `leadership/calls/${call.id}`)
  @ApiProblems(400, 413, 415)
  @ApiProblem(422, 'An unknown position, a deadline in the past, or a term that starts before the deadline')
  create(@Body() dto: CreateCallDto, @CurrentActor() actor: Actor): Promise<CallView> {
    return this.calls.create(dto, actor);
  }

  @Get()
  @Roles(...ANY_ROLE)
  @ApiOperation({ summary: "Calls, latest deadline first, each with its position's mandate" })
  @ApiPage(CallView)
  @ApiProblems(400)
  list(@Query() query: CallQuery, @CurrentActor() actor: Actor): Promise<Page<CallView>> {
    return this.calls.list(query, actor);
  }

  @Get(':id')
  @Roles(...ANY_ROLE)
  @ApiOperation({ summary: "One call, with the position's mandate and, once decided, the appointee" })
  @ApiResponse({ status: 200, type: CallView })
  @ApiProblems(400, 404)
  get(@Param('id', ParseUUIDPipe) id: string, @CurrentActor() actor: Actor): Promise<CallView> {
    return this.calls.get(id, actor);
  }

  @Post(':id/nominations')
  @Roles('nominator', 'committee', 'member')
  @ApiOperation({ summary: 'Nominate a member for the call (self-nominations welcome; a member nominates only themselves)' })
  @Created(CallNominationView, (n) => `leadership/calls/${n.callId}/nominations`)
  @ApiProblems(400, 404, 413, 415)
  @ApiProblem(409, 'The member is already nominated for the call')
  @ApiProblem(422, 'The deadline has passed or the call is closed (rule), or an unknown member or one who has left')
  nominate(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CallNominationDto,
    @CurrentActor() actor: Actor,
  ): Promise<CallNominationView> {
    return this.calls.nominate(id, dto, actor);
  }

  @Get(':id/nominations')
  @Roles('nominator', 'committee', 'member', 'admin')
  @ApiOperation({ summary: "The call's nominations (the committee and admins: all; anyone else: their own)" })
  @ApiResponse({ status: 200, type: [CallNominationView] })
  @ApiProblems(400, 404)
  nominations(@Param('id', ParseUUIDPipe) id: string, @CurrentActor() actor: Actor): Promise<CallNominationView[]> {
    return this.calls.nominations(id, actor);
  }

  @Post(':id/nominations/:nominationId/withdraw')
  @HttpCode(200)
  @Roles('nominator', 'committee', 'member')
  @ApiOperation({ summary: 'Withdraw a nomination while the call is open (its nominator, the nominee, or the committee)' })
  @ApiResponse({ status: 200, type: CallNominationView })
  @ApiProblems(400, 404)
  @ApiProblem(409, 'The nomination is no longer submitted, or the call is no longer open')
  withdraw(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('nominationId', ParseUUIDPipe) nominationId: string,
    @CurrentActor() actor: Actor,
  ): Promise<CallNominationView> {
    return this.calls.withdraw(id, nominationId, actor);
  }

  @Post(':id/decision')
  @HttpCode(200)
  @Roles('committee')
  @ApiOperation({
    summary: "Record the committee's choice with its rationale: appoints the nominee and tells every nominee and nominator by mail",
  })
  @ApiResponse({ status: 200, type: CallView })
  @ApiProblems(400, 404, 413, 415)
  @ApiProblem(409, 'The call is already decided or cancelled')
  @ApiProblem(422, 'The deadline has not passed, the member was not nominated, or a term rule is broken (rule)')
  decide(@Param('id', ParseUUIDPipe) id: string, @Body() dto: CallDecisionDto, @CurrentActor() actor: Actor): Promise<CallView> {
    return this.calls.decide(id, dto, actor);
  }
}
