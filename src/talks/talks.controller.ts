import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse, ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiExtraModels, ApiOkResponse,
  ApiProduces, ApiTags, ApiUnprocessableEntityResponse, getSchemaPath,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Actor, CurrentActor, Roles } from '../auth/actor';
import { BULK_BODY_LIMIT, CSV_TYPES, withRequestText } from '../common/request-body';
import { TalkImportService } from './talk-import.service';
import { TALK_IMPORT_COLUMNS } from './talk-import';
import {
  CreateTalkDto, NestedTalkQuery, TalkFilter, TalkImportResult, TalkImportRowDoc, TalkPage, TalkQuery, TalkView,
} from './talks.dto';
import { TalksService } from './talks.service';

/** The talk history: recorded by hand, imported in bulk, or written when an allocation is accepted. */
@ApiTags('talks')
@ApiBearerAuth()
@ApiExtraModels(TalkImportRowDoc)
@Controller()
export class TalksController {
  constructor(
    private readonly talks: TalksService,
    private readonly imports: TalkImportService,
  ) {}

  @Post('talks')
  @Roles('committee', 'admin')
  @ApiCreatedResponse({ type: TalkView, description: "Stores the speaker's career stage and institute on the talk's date" })
  @ApiUnprocessableEntityResponse({ description: 'Unknown memberId or conferenceId' })
  create(@Body() dto: CreateTalkDto, @CurrentActor() actor: Actor): Promise<TalkView> {
    return this.talks.create(dto, actor);
  }

  @Post('talks/import')
  @HttpCode(200)
  @Roles('committee', 'admin')
  @ApiConsumes('application/json', 'text/csv')
  @ApiBody({
    description: `A JSON array of rows, or CSV with a header naming the columns (${TALK_IMPORT_COLUMNS.join(', ')}). `
      + 'Members by externalId; conferences by name (any case) and year, created when unknown and the row gives a tier.',
    schema: { type: 'array', items: { $ref: getSchemaPath(TalkImportRowDoc) } },
  })
  @ApiOkResponse({ type: TalkImportResult })
  @ApiBadRequestResponse({ description: 'Not a JSON array or readable CSV; unknown or missing columns' })
  @ApiUnprocessableEntityResponse({ description: 'Bad rows: errors[{row, field, message}], nothing written' })
  import(@Body() body: unknown, @Req() req: Request, @CurrentActor() actor: Actor): Promise<TalkImportResult> {
    // CSV is left unread by the body parsers (app.setup.ts) and read here as it arrives.
    if (req.is(CSV_TYPES)) return withRequestText(req, BULK_BODY_LIMIT, (text) => this.imports.importCsv(text, actor));
    return this.imports.import(body, actor);
  }

  @Get('talks')
  @Roles('committee', 'admin')
  @ApiOkResponse({ type: TalkPage, description: 'Most recent first' })
  list(@Query() query: TalkQuery) {
    const { limit, offset, ...filter } = query;
    return this.talks.list(filter, { limit, offset });
  }

  @Get('talks/export')
  @Roles('committee', 'admin')
  @ApiProduces('text/csv')
  @ApiOkResponse({
    description: 'CSV, oldest first: memberExternalId, memberName, conference, year, tier, talkType, date, title, careerStage, institute',
  })
  export(@Query() filter: TalkFilter, @Res() res: Response): Promise<void> {
    return this.talks.exportCsv(filter, res);
  }

  @Get('talks/:id')
  @Roles('committee', 'admin')
  @ApiOkResponse({ type: TalkView })
  get(@Param('id', ParseUUIDPipe) id: string): Promise<TalkView> {
    return this.talks.get(id);
  }

  @Get('members/:id/talks')
  @Roles('committee', 'admin')
  @ApiOkResponse({ type: TalkPage, description: "A member's talks, most recent first" })
  listForMember(@Param('id', ParseUUIDPipe) id: string, @Query() query: NestedTalkQuery) {
    const { limit, offset, ...filter } = query;
    return this.talks.listForMember(id, filter, { limit, offset });
  }

  @Get('conferences/:id/talks')
  @Roles('committee', 'admin')
  @ApiOkResponse({ type: TalkPage, description: "A conference's talks, most recent first" })
  listForConference(@Param('id', ParseUUIDPipe) id: string, @Query() query: NestedTalkQuery) {
    const { limit, offset, ...filter } = query;
    return this.talks.listForConference(id, filter, { limit, offset });
  }
}
