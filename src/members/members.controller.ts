import { Body, Controller, Delete, Get, Headers, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth, ApiBody, ApiConsumes, ApiExtraModels, ApiHeader, ApiOperation, ApiProduces, ApiResponse, ApiTags, getSchemaPath,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Actor, CurrentActor, hasRole, Roles } from '../auth/actor';
import { Page } from '../common/pagination';
import { badRequest, ProblemException } from '../common/problem';
import {
  CreateMemberDto, MemberFilterQuery, MemberHistoryView, MemberImportRecord, MemberImportResult, MemberQuery, MemberView,
  UpdateMemberDto,
} from './members.dto';
import { MembersService } from './members.service';

@ApiTags('members')
@ApiBearerAuth()
@ApiExtraModels(MemberImportRecord)
@Controller('members')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Add a member; the first career-stage and affiliation entries start on joinedOn' })
  create(@Body() dto: CreateMemberDto, @CurrentActor() actor: Actor): Promise<MemberView> {
    return this.members.create(dto, actor);
  }

  // Nominators look people up to nominate them; like the committee, they never see gender.
  @Get()
  @Roles('admin', 'committee', 'nominator')
  @ApiOperation({ summary: 'Members with filters; gender appears for admins only' })
  list(@Query() query: MemberQuery, @CurrentActor() actor: Actor): Promise<Page<MemberView>> {
    return this.members.list(query, hasRole(actor, 'admin'));
  }

  @Post('import')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary: 'Upsert members by externalId from a JSON array or text/csv (up to 100,000 rows), all or nothing',
    description: 'Columns: externalId,name,email,institute,country,careerStage,gender[,joinedOn]. Institutes are matched by '
      + 'name (case-insensitive) and created when missing if a country is given. Empty email/gender cells keep what is '
      + 'stored. A changed careerStage or institute adds a history entry dated today. Any bad row: 422 listing every bad '
      + 'row (row = 1-based data row) and nothing is written.',
  })
  @ApiConsumes('application/json', 'text/csv')
  @ApiBody({ schema: { type: 'array', items: { $ref: getSchemaPath(MemberImportRecord) } } })
  @ApiResponse({ status: 200, type: MemberImportResult })
  @ApiResponse({ status: 422, description: 'Bad rows: errors[{row, field, message}], nothing written' })
  import(@Body() body: unknown, @CurrentActor() actor: Actor): Promise<MemberImportResult> {
    return this.members.importMembers(body, actor);
  }

  @Get('export')
  @Roles('admin')
  @ApiOperation({ summary: 'Members as CSV in the import\'s columns (gender included), ready to edit and re-import' })
  @ApiProduces('text/csv')
  async export(@Query() filter: MemberFilterQuery, @Res() res: Response): Promise<void> {
    const csv = await this.members.exportCsv(filter);
    const today = new Date().toISOString().slice(0, 10);
    res.status(200)
      .type('text/csv; charset=utf-8')
      .setHeader('Content-Disposition', `attachment; filename="members-${today}.csv"`)
      .send(csv);
  }

  @Get(':id')
  @Roles('admin', 'committee', 'nominator')
  @ApiResponse({ status: 200, type: MemberView, description: 'ETag carries the version, for If-Match on PATCH' })
  async get(
    @Param('id', ParseUUIDPipe) id: string, @CurrentActor() actor: Actor, @Res({ passthrough: true }) res: Response,
  ): Promise<MemberView> {
    const member = await this.members.get(id, hasRole(actor, 'admin'));
    res.setHeader('ETag', `W/"${member.version}"`);
    return member;
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOperation({
    summary: 'Change a member; a new careerStage or instituteId is added to the history from effectiveFrom (default today)',
    description: 'leftOn records leaving the collaboration (null to rejoin). Send If-Match (the ETag) or `version` to get 409 '
      + 'instead of overwriting someone else\'s change.',
  })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The ETag of GET /members/:id, e.g. W/"3"' })
  async update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateMemberDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) res: Response,
  ): Promise<MemberView> {
    const { version, ...change } = dto;
    const expected = [...parseIfMatch(ifMatch), ...(version === undefined ? [] : [version])];
    const member = await this.members.update(id, change, expected, actor);
    res.setHeader('ETag', `W/"${member.version}"`);
    return member;
  }

  @Get(':id/history')
  @Roles('admin', 'committee')
  @ApiOperation({ summary: 'Career stages and affiliations with the dates they started' })
  history(@Param('id', ParseUUIDPipe) id: string): Promise<MemberHistoryView> {
    return this.members.history(id);
  }

  @Delete(':id')
  @Roles('admin')
  @ApiOperation({ summary: 'Not allowed: members are never deleted (talks and nominations refer to them). PATCH leftOn instead.' })
  @ApiResponse({ status: 405 })
  remove(@Param('id', ParseUUIDPipe) _id: string, @Res({ passthrough: true }) res: Response): never {
    res.setHeader('Allow', 'GET, PATCH');
    throw new ProblemException(405, 'Members are never deleted; record leaving the collaboration with PATCH { "leftOn": "YYYY-MM-DD" }');
  }
}

/** If-Match: W/"3", "3", 3 or * (which matches any version). */
function parseIfMatch(header: string | undefined): number[] {
  if (header === undefined || header.trim() === '*') return [];
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!match) throw badRequest('If-Match must be the ETag of the member, e.g. W/"3"');
  return [Number(match[1])];
}
