import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Actor, CurrentActor, Roles } from '../auth/actor';
import { Created } from '../common/http';
import { ApiCsv, ApiProblem, ApiProblems, ApiSecured } from '../common/openapi';
import { BULK_BODY_LIMIT, CSV_TYPES, withRequestText } from '../common/request-body';
import { ShutdownRefusal, TalkImportService } from './talk-import.service';
import { TALK_IMPORT_COLUMNS } from './talk-import';
import { CreateTalkDto, NestedTalkQuery, TalkFilter, TalkImportResult, TalkImportRowDoc, TalkPage, TalkQuery, TalkView } from './talks.dto';
import { TalksService } from './talks.service';

/** The talk history: recorded by hand, imported in bulk, or written when an allocation is accepted. */
@ApiTags('talks')
@ApiSecured()
@ApiExtraModels(TalkImportRowDoc)
@Controller()
export class TalksController {
  constructor(
    private readonly talks: TalksService,
    private readonly imports: TalkImportService,
  ) {}

  @Post('talks')
  @Roles('committee', 'admin')
  @ApiOperation({ summary: 'Record a past talk (the history ranks are built from)' })
  @Created(TalkView, (talk) => `talks/${talk.id}`, "Stores the speaker's career stage and institute on the talk's date")
  @ApiProblems(400, 413, 415)
  @ApiProblem(422, 'Unknown memberId or conferenceId')
  create(@Body() dto: CreateTalkDto, @CurrentActor() actor: Actor): Promise<TalkView> {
    return this.talks.create(dto, actor);
  }

  @Post('talks/import')
  @HttpCode(200)
  @Roles('committee', 'admin')
  @ApiOperation({ summary: 'Import talks from a JSON array or text/csv (up to 2,000,000 rows), all or nothing' })
  @ApiConsumes('application/json', 'text/csv')
  @ApiBody({
    description:
      `A JSON array of rows, or CSV with a header naming the columns (${TALK_IMPORT_COLUMNS.join(', ')}). ` +
      'Members by externalId; conferences by name (any case) and year, created when unknown and the row gives a tier.',
    schema: { type: 'array', items: { $ref: getSchemaPath(TalkImportRowDoc) } },
  })
  @ApiOkResponse({ type: TalkImportResult })
  @ApiBadRequestResponse({ description: 'Not a JSON array or readable CSV; unknown or missing columns' })
  @ApiProblems(413, 415)
  @ApiUnprocessableEntityResponse({ description: 'Bad rows: errors[{row, field, message}], nothing written' })
  @ApiServiceUnavailableResponse({
    description: 'The service began shutting down and a CSV upload did not finish within its grace period; nothing written',
  })
  import(@Body() body: unknown, @Req() req: Request, @CurrentActor() actor: Actor): Promise<TalkImportResult> {
    // CSV is left unread by the body parsers (app.setup.ts) and read here as it arrives.
    if (req.is(CSV_TYPES)) {
      return withRequestText(req, BULK_BODY_LIMIT, (text) => this.imports.importCsv(text, actor)).catch((error: unknown) => {
        // Refused because the service is stopping: the client is not to send anything more on this connection.
        if (error instanceof ShutdownRefusal) req.res?.setHeader('Connection', 'close');
        throw error;
      });
    }
    return this.imports.import(body, actor);
  }

  @Get('talks')
  @Roles('committee', 'admin')
  @ApiOperation({ summary: 'Talks, most recent first, filtered by member, conference, type, tier and period' })
  @ApiOkResponse({ type: TalkPage, description: 'Most recent first' })
  @ApiProblems(400)
  list(@Query() query: TalkQuery) {
    const { limit, offset, ...filter } = query;
    return this.talks.list(filter, { limit, offset });
  }

  @Get('talks/export')
  @Roles('committee', 'admin')
  @ApiOperation({ summary: 'The talks as CSV, with the same filters' })
  @ApiCsv('oldest first: memberExternalId, memberName, conference, year, tier, talkType, date, title, careerStage, institute')
  @ApiProblems(400)
  export(@Query() filter: TalkFilter, @Res() res: Response): Promise<void> {
    return this.talks.exportCsv(filter, res);
  }

  @Get('talks/:id')
  @Roles('committee', 'admin')
  @ApiOperation({ summary: 'One talk' })
  @ApiOkResponse({ type: TalkView })
  @ApiProblems(400, 404)
  get(@Param('id', ParseUUIDPipe) id: string): Promise<TalkView> {
    return this.talks.get(id);
  }

  @Get('members/:id/talks')
  @Roles('committee', 'admin')
  @ApiOperation({ summary: "A member's talks" })
  @ApiOkResponse({ type: TalkPage, description: "A member's talks, most recent first" })
  @ApiProblems(400, 404)
  listForMember(@Param('id', ParseUUIDPipe) id: string, @Query() query: NestedTalkQuery) {
    const { limit, offset, ...filter } = query;
    return this.talks.listForMember(id, filter, { limit, offset });
  }

  @Get('conferences/:id/talks')
  @Roles('committee', 'admin')
  @ApiOperation({ summary: "A conference's talks" })
  @ApiOkResponse({ type: TalkPage, description: "A conference's talks, most recent first" })
  @ApiProblems(400, 404)
  listForConference(@Param('id', ParseUUIDPipe) id: string, @Query() query: NestedTalkQuery) {
    const { limit, offset, ...filter } = query;
    return this.talks.listForConference(id, filter, { limit, offset });
  }
}
