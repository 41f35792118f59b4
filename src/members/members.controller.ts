import { Body, Controller, Delete, Get, Headers, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiExcludeEndpoint,
  ApiExtraModels,
  ApiOperation,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Actor, CurrentActor, hasRole, Roles } from '../auth/actor';
import { Created, IfMatchHeader, precondition, underPrecondition, withETag } from '../common/http';
import { ApiCsv, ApiPage, ApiProblem, ApiProblems, ApiSecured, ETAG_HEADER } from '../common/openapi';
import { Page } from '../common/pagination';
import { ProblemException } from '../common/problem';
import {
  CreateMemberDto,
  MemberFilterQuery,
  MemberHistoryView,
  MemberImportRecord,
  MemberImportResult,
  MemberQuery,
  MemberView,
  UpdateMemberDto,
} from './members.dto';
import { MembersService } from './members.service';

@ApiTags('members')
@ApiSecured()
@ApiExtraModels(MemberImportRecord)
@Controller('members')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Add a member; the first career-stage and affiliation entries start on joinedOn' })
  @Created(MemberView, (member) => `members/${member.id}`)
  @ApiProblems(400, 413, 415)
  @ApiProblem(422, 'An unknown institute, or joinedOn in the future')
  @ApiProblem(409, 'A member with that externalId or email already exists')
  create(@Body() dto: CreateMemberDto, @CurrentActor() actor: Actor): Promise<MemberView> {
    return this.members.create(dto, actor);
  }

  // Nominators look people up to nominate them; like the committee, they never see gender.
  @Get()
  @Roles('admin', 'committee', 'nominator')
  @ApiOperation({ summary: 'Members with filters; gender appears for admins only' })
  @ApiPage(MemberView)
  @ApiProblems(400)
  list(@Query() query: MemberQuery, @CurrentActor() actor: Actor): Promise<Page<MemberView>> {
    return this.members.list(query, hasRole(actor, 'admin'));
  }

  @Post('import')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary: 'Upsert members by externalId from a JSON array or text/csv (up to 100,000 rows), all or nothing',
    description:
      'Columns: externalId,name,email,institute,country,careerStage,gender[,joinedOn]. Institutes are matched by ' +
      'name (case-insensitive) and created when missing if a country is given. Empty email/gender cells keep what is ' +
      'stored. A changed careerStage or institute adds a history entry dated today. Any bad row: 422 listing every bad ' +
      'row (row = 1-based data row) and nothing is written.',
  })
  @ApiConsumes('application/json', 'text/csv')
  @ApiBody({ schema: { type: 'array', items: { $ref: getSchemaPath(MemberImportRecord) } } })
  @ApiResponse({ status: 200, type: MemberImportResult })
  @ApiProblems(400, 413, 415)
  @ApiProblem(422, 'Bad rows: errors[{row, field, message}], nothing written')
  import(@Body() body: unknown, @CurrentActor() actor: Actor): Promise<MemberImportResult> {
    return this.members.importMembers(body, actor);
  }

  @Get('export')
  @Roles('admin')
  @ApiOperation({ summary: "Members as CSV in the import's columns (gender included), ready to edit and re-import" })
  @ApiCsv('externalId,name,email,institute,country,careerStage,gender,joinedOn: one line per member, formula-safe')
  @ApiProblems(400)
  async export(@Query() filter: MemberFilterQuery, @Res() res: Response): Promise<void> {
    const csv = await this.members.exportCsv(filter);
    const today = new Date().toISOString().slice(0, 10);
    res
      .status(200)
      .type('text/csv; charset=utf-8')
      .setHeader('Content-Disposition', `attachment; filename="members-${today}.csv"`)
      .send(csv);
  }

  @Get(':id')
  @Roles('admin', 'committee', 'nominator')
  @ApiOperation({ summary: 'One member; gender for admins only' })
  @ApiResponse({ status: 200, type: MemberView, description: 'ETag carries the version, for If-Match on PATCH', headers: ETAG_HEADER })
  @ApiProblems(400, 404)
  async get(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) res: Response,
  ): Promise<MemberView> {
    return withETag(res, await this.members.get(id, hasRole(actor, 'admin')));
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOperation({
    summary: 'Change a member; a new careerStage or instituteId is added to the history from effectiveFrom (default today)',
    description:
      'leftOn records leaving the collaboration (null to rejoin). Send If-Match (the ETag: a stale one answers 412) ' +
      "or `version` (a stale one answers 409) rather than overwrite someone else's change. Members are never deleted " +
      '(DELETE answers 405): talks and nominations refer to them.',
  })
  @IfMatchHeader()
  @ApiResponse({ status: 200, type: MemberView, headers: ETAG_HEADER })
  @ApiProblems(400, 404, 412, 413, 415)
  @ApiProblem(409, "The body's version is stale, or the change collides with another member (externalId, email)")
  @ApiProblem(422, 'An unknown institute, or effectiveFrom in the future or before the member joined')
  async update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateMemberDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) res: Response,
  ): Promise<MemberView> {
    const { version, ...change } = dto;
    const member = await underPrecondition(precondition(ifMatch, version), (expected) =>
      this.members.update(id, change, expected === undefined ? [] : [expected], actor),
    );
    return withETag(res, member);
  }

  @Get(':id/history')
  @Roles('admin', 'committee')
  @ApiOperation({ summary: 'Career stages and affiliations with the dates they started' })
  @ApiResponse({ status: 200, type: MemberHistoryView })
  @ApiProblems(400, 404)
  history(@Param('id', ParseUUIDPipe) id: string): Promise<MemberHistoryView> {
    return this.members.history(id);
  }

  @Delete(':id')
  @Roles('admin')
  // Answers 405 only: documented under PATCH, which is what to do instead, so no client grows a delete call.
  @ApiExcludeEndpoint()
  remove(@Param('id', ParseUUIDPipe) _id: string, @Res({ passthrough: true }) res: Response): never {
    res.setHeader('Allow', 'GET, PATCH');
    throw new ProblemException(405, 'Members are never deleted; record leaving the collaboration with PATCH { "leftOn": "YYYY-MM-DD" }');
  }
}
