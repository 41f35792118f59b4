import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '../auth/actor';
import {
  ConferencePage, ConferenceQuery, ConferenceView, ConferenceWithSlotsView, CreateConferenceDto, CreateSlotDto,
  SlotView, UpdateConferenceDto,
} from './conferences.dto';
import { ConferencesService } from './conferences.service';
import { SlotsService } from './slots.service';

/** Who may look at conferences and slots: nominators too, since they nominate for slots. */
export const CONFERENCE_READERS = ['committee', 'admin', 'monitor', 'nominator'] as const;

@ApiTags('conferences')
@ApiBearerAuth()
@Controller('conferences')
export class ConferencesController {
  constructor(
    private readonly conferences: ConferencesService,
    private readonly slots: SlotsService,
  ) {}

  @Post()
  @Roles('committee')
  @ApiCreatedResponse({ type: ConferenceView })
  @ApiUnprocessableEntityResponse({ description: 'endDate before startDate' })
  @ApiConflictResponse({ description: 'A conference of that name already exists in that year' })
  create(@Body() dto: CreateConferenceDto, @CurrentActor() actor: Actor): Promise<ConferenceView> {
    return this.conferences.create(dto, actor);
  }

  @Get()
  @Roles(...CONFERENCE_READERS)
  @ApiOkResponse({ type: ConferencePage, description: 'Newest first' })
  list(@Query() query: ConferenceQuery) {
    return this.conferences.list(query);
  }

  @Get(':id')
  @Roles(...CONFERENCE_READERS)
  @ApiOkResponse({ type: ConferenceWithSlotsView })
  get(@Param('id', ParseUUIDPipe) id: string): Promise<ConferenceWithSlotsView> {
    return this.conferences.get(id);
  }

  @Patch(':id')
  @Roles('committee')
  @ApiOkResponse({ type: ConferenceView })
  update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateConferenceDto, @CurrentActor() actor: Actor) {
    return this.conferences.update(id, dto, actor);
  }

  @Post(':id/slots')
  @Roles('committee')
  @ApiCreatedResponse({ type: SlotView })
  createSlot(@Param('id', ParseUUIDPipe) id: string, @Body() dto: CreateSlotDto, @CurrentActor() actor: Actor) {
    return this.slots.create(id, dto, actor);
  }

  @Get(':id/slots')
  @Roles(...CONFERENCE_READERS)
  @ApiOkResponse({ type: [SlotView] })
  async listSlots(@Param('id', ParseUUIDPipe) id: string): Promise<SlotView[]> {
    await this.conferences.mustExist(id);
    return this.slots.listForConference(id);
  }
}
