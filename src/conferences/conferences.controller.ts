import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '../auth/actor';
import { Created } from '../common/http';
import { ApiProblems, ApiSecured } from '../common/openapi';
import {
  ConferencePage,
  ConferenceQuery,
  ConferenceView,
  ConferenceWithSlotsView,
  CreateConferenceDto,
  CreateSlotDto,
  SlotView,
  UpdateConferenceDto,
} from './conferences.dto';
import { ConferencesService } from './conferences.service';
import { SlotsService } from './slots.service';

/** Who may look at conferences and slots: nominators too, since they nominate for slots. */
export const CONFERENCE_READERS = ['committee', 'admin', 'monitor', 'nominator'] as const;

@ApiTags('conferences')
@ApiSecured()
@Controller('conferences')
export class ConferencesController {
  constructor(
    private readonly conferences: ConferencesService,
    private readonly slots: SlotsService,
  ) {}

  @Post()
  @Roles('committee')
  @ApiOperation({ summary: 'Add a conference' })
  @Created(ConferenceView, (conference) => `conferences/${conference.id}`)
  @ApiProblems(400, 413, 415)
  @ApiUnprocessableEntityResponse({ description: 'endDate before startDate' })
  @ApiConflictResponse({ description: 'A conference of that name already exists in that year' })
  create(@Body() dto: CreateConferenceDto, @CurrentActor() actor: Actor): Promise<ConferenceView> {
    return this.conferences.create(dto, actor);
  }

  @Get()
  @Roles(...CONFERENCE_READERS)
  @ApiOperation({ summary: 'Conferences, filtered by period, tier and part of the name' })
  @ApiOkResponse({ type: ConferencePage, description: 'Newest first' })
  @ApiProblems(400)
  list(@Query() query: ConferenceQuery) {
    return this.conferences.list(query);
  }

  @Get(':id')
  @Roles(...CONFERENCE_READERS)
  @ApiOperation({ summary: 'One conference with its slots' })
  @ApiOkResponse({ type: ConferenceWithSlotsView })
  @ApiProblems(400, 404)
  get(@Param('id', ParseUUIDPipe) id: string): Promise<ConferenceWithSlotsView> {
    return this.conferences.get(id);
  }

  @Patch(':id')
  @Roles('committee')
  @ApiOperation({ summary: 'Change a conference' })
  @ApiOkResponse({ type: ConferenceView })
  @ApiProblems(400, 404, 409, 413, 415, 422)
  update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateConferenceDto, @CurrentActor() actor: Actor) {
    return this.conferences.update(id, dto, actor);
  }

  @Post(':id/slots')
  @Roles('committee')
  @ApiOperation({ summary: 'Add a talk slot to a conference' })
  @Created(SlotView, (slot) => `slots/${slot.id}`)
  @ApiProblems(400, 404, 413, 415)
  createSlot(@Param('id', ParseUUIDPipe) id: string, @Body() dto: CreateSlotDto, @CurrentActor() actor: Actor) {
    return this.slots.create(id, dto, actor);
  }

  @Get(':id/slots')
  @Roles(...CONFERENCE_READERS)
  @ApiOperation({ summary: "A conference's slots" })
  @ApiOkResponse({ type: [SlotView] })
  @ApiProblems(400, 404)
  async listSlots(@Param('id', ParseUUIDPipe) id: string): Promise<SlotView[]> {
    await this.conferences.mustExist(id);
    return this.slots.listForConference(id);
  }
}
