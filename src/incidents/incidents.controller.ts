import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Actor, ANY_ROLE, CurrentActor, Roles } from '../auth/actor';
import { PageQuery } from '../common/pagination';
import { IncidentReportingConfigured } from './incident-keyring';
import {
  AddInformationDto, ChangeIncidentStatusDto, FiledIncidentView, FileIncidentDto, FollowUpNoteDto, IncidentEntryCreatedView,
  IncidentListQuery, IncidentSummaryView, IncidentView,
} from './incidents.dto';
import { IncidentsService } from './incidents.service';

// Nothing here logs: the request logger records method, url and status only, never who asked.
@ApiTags('incidents')
@ApiBearerAuth()
@ApiResponse({ status: 503, description: 'Incident reporting is not configured (INCIDENT_KEY missing or invalid)' })
@UseGuards(IncidentReportingConfigured)
@Controller('incidents')
export class IncidentsController {
  constructor(private readonly incidents: IncidentsService) {}

  @Post()
  @Roles(...ANY_ROLE)
  @ApiOperation({ summary: 'File a harassment report about a conference, optionally anonymously' })
  file(@Body() dto: FileIncidentDto, @CurrentActor() actor: Actor): Promise<FiledIncidentView> {
    return this.incidents.file(dto, actor);
  }

  @Post(':id/additions')
  @Roles(...ANY_ROLE)
  @ApiOperation({ summary: 'Add information to a report with its follow-up code' })
  addInformation(@Param('id', ParseUUIDPipe) id: string, @Body() dto: AddInformationDto): Promise<IncidentEntryCreatedView> {
    return this.incidents.addInformation(id, dto);
  }

  @Get('mine')
  @Roles(...ANY_ROLE)
  @ApiOperation({ summary: 'The status of your own named (not anonymous) reports' })
  mine(@Query() page: PageQuery, @CurrentActor() actor: Actor) {
    return this.incidents.mine(actor, page.limit, page.offset);
  }

  @Get()
  @Roles('contact')
  @ApiOperation({ summary: 'Reports, newest first, without their content (contact only)' })
  list(@Query() query: IncidentListQuery) {
    return this.incidents.list(query);
  }

  @Get(':id')
  @Roles('contact')
  @ApiOperation({ summary: 'Open a report: decrypted text, additions, notes and history (contact only)' })
  read(@Param('id', ParseUUIDPipe) id: string, @CurrentActor() actor: Actor): Promise<IncidentView> {
    return this.incidents.read(id, actor);
  }

  @Post(':id/notes')
  @Roles('contact')
  @ApiOperation({ summary: 'Add a follow-up note (contact only)' })
  addNote(
    @Param('id', ParseUUIDPipe) id: string, @Body() dto: FollowUpNoteDto, @CurrentActor() actor: Actor,
  ): Promise<IncidentEntryCreatedView> {
    return this.incidents.addNote(id, dto, actor);
  }

  @Patch(':id')
  @HttpCode(200)
  @Roles('contact')
  @ApiOperation({ summary: 'Move a report along received -> in_follow_up -> action_recommended/action_taken -> closed (contact only)' })
  changeStatus(
    @Param('id', ParseUUIDPipe) id: string, @Body() dto: ChangeIncidentStatusDto, @CurrentActor() actor: Actor,
  ): Promise<IncidentSummaryView> {
    return this.incidents.changeStatus(id, dto, actor);
  }
}
