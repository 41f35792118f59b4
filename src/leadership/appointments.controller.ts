import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiResponse, ApiTags, getSchemaPath, ApiExtraModels } from '@nestjs/swagger';
import type { Response } from 'express';
import { Actor, ANY_ROLE, CurrentActor, Roles } from '../auth/actor';
import { Created, IfMatchHeader, precondition, underPrecondition, withETag } from '../common/http';
import { ApiPage, ApiProblem, ApiProblems, ApiSecured, ETAG_HEADER } from '../common/openapi';
import { Page } from '../common/pagination';
import {
  AppointmentImportRecord,
  AppointmentImportResult,
  AppointmentQuery,
  AppointmentView,
  CreateAppointmentDto,
  EndAppointmentDto,
} from './appointments.dto';
import { AppointmentsService } from './appointments.service';

@ApiTags('leadership')
@ApiSecured()
@Controller('leadership/appointments')
export class AppointmentsController {
  constructor(private readonly appointments: AppointmentsService) {}

  @Post()
  @Roles('admin', 'committee')
  @ApiOperation({
    summary: 'Appoint a member to a position from a day (and, for a past term, to a day)',
    description:
      "The holder's career stage, institute and region on startsOn are recorded with the appointment. The term " +
      'rules (seats-full, max-consecutive-terms, term-length) answer 422 naming the rule unless override: { reason } is ' +
      'given, which is recorded; already-holding and not-a-member are never overridden.',
  })
  @Created(AppointmentView, (a) => `leadership/appointments/${a.id}`, undefined, ETAG_HEADER)
  @ApiProblems(400, 413, 415)
  @ApiProblem(422, 'An unknown position or member, a member not in the collaboration on startsOn, or a term rule (rule, rules)')
  async create(
    @Body() dto: CreateAppointmentDto,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AppointmentView> {
    return withETag(res, await this.appointments.create(dto, actor));
  }

  @Post('import')
  @HttpCode(200)
  @Roles('admin', 'committee')
  @ApiOperation({
    summary: 'Import the historical record of appointments from a JSON array or text/csv, all or nothing',
    description:
      'Columns: position (title) or positionId, externalId or memberId, startsOn, endsOn, overrideReason. Rows ' +
      'are checked in order of startsOn against the record and each other. Any bad row: 422 listing every bad row ' +
      '(row = 1-based data row) and nothing is written.',
  })
  @ApiConsumes('application/json', 'text/csv')
  @ApiExtraModels(AppointmentImportRecord)
  @ApiBody({ schema: { type: 'array', items: { $ref: getSchemaPath(AppointmentImportRecord) } } })
  @ApiResponse({ status: 200, type: AppointmentImportResult })
  @ApiProblems(400, 413, 415)
  @ApiProblem(422, 'Bad rows: errors[{row, field, message}], nothing written')
  importHistory(@Body() body: unknown, @CurrentActor() actor: Actor): Promise<AppointmentImportResult> {
    return this.appointments.importHistory(body, actor);
  }

  @Get()
  @Roles(...ANY_ROLE)
  @ApiOperation({ summary: 'Who held which position from when to when, newest first (gender: admins only)' })
  @ApiPage(AppointmentView)
  @ApiProblems(400)
  list(@Query() query: AppointmentQuery, @CurrentActor() actor: Actor): Promise<Page<AppointmentView>> {
    return this.appointments.list(query, actor);
  }

  @Get(':id')
  @Roles(...ANY_ROLE)
  @ApiOperation({ summary: 'One appointment (gender: admins only)' })
  @ApiResponse({ status: 200, type: AppointmentView, headers: ETAG_HEADER })
  @ApiProblems(400, 404)
  async get(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AppointmentView> {
    return withETag(res, await this.appointments.get(id, actor));
  }

  @Post(':id/end')
  @HttpCode(200)
  @Roles('admin', 'committee')
  @ApiOperation({ summary: 'End an appointment: sets endsOn, once (the record is otherwise never changed)' })
  @IfMatchHeader()
  @ApiResponse({ status: 200, type: AppointmentView, headers: ETAG_HEADER })
  @ApiProblems(400, 404, 412, 413, 415)
  @ApiProblem(409, "The appointment has already ended, or the body's version is stale")
  @ApiProblem(422, 'endsOn is not after startsOn')
  async end(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: EndAppointmentDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AppointmentView> {
    const { version, ...change } = dto;
    return withETag(
      res,
      await underPrecondition(precondition(ifMatch, version), (expected) => this.appointments.end(id, change, expected, actor)),
    );
  }
}
