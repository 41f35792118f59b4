import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Actor, ANY_ROLE, CurrentActor, Roles } from '../auth/actor';
import { Created } from '../common/http';
import { ApiPage, ApiProblem, ApiProblems, ApiSecured } from '../common/openapi';
import { PageQuery } from '../common/pagination';
import { IncidentReportingConfigured } from './incident-keyring';
import {
  AddInformationDto,
  ChangeIncidentStatusDto,
  FiledIncidentView,
  FileIncidentDto,
  FollowUpNoteDto,
  IncidentEntryCreatedView,
  IncidentListQuery,
  IncidentSummaryView,
  IncidentView,
  OwnIncidentView,
} from './incidents.dto';
import { IncidentsService } from './incidents.service';

// Nothing here logs: the request logger records method, url and status only, never who asked.
@ApiTags('incidents')
@ApiSecured()
@ApiResponse({ status: 503, description: 'Incident reporting is not configured (INCIDENT_KEY missing or invalid)' })
@UseGuards(IncidentReportingConfigured)
@Controller('incidents')
export class IncidentsController {
  constructor(private readonly incidents: IncidentsService) {}

  @Post()
  @Roles(...ANY_ROLE)
  @ApiOperation({ summary: 'File a harassment report about a conference, optionally anonymously' })
  @Created(FiledIncidentView, (filed) => `incidents/${filed.id}`, 'Filed; keep the followUpCode to add information later')
  @ApiProblems(400, 413, 415)
  @ApiProblem(422, 'An unknown conference')
  file(@Body() dto: FileIncidentDto, @CurrentActor() actor: Actor): Promise<FiledIncidentView> {
    return this.incidents.file(dto, actor);
  }

  @Post(':id/additions')
  @Roles(...ANY_ROLE)
  @ApiOperation({ summary: 'Add information to a report with its follow-up code' })
  @Created(IncidentEntryCreatedView, (entry) => `incidents/${entry.incidentId}`, 'Added to the report')
  @ApiProblems(400, 413, 415)
  @ApiProblem(404, 'No such report, or the follow-up code does not match it')
  @ApiProblem(409, 'The report is closed: file a new one')
  addInformation(@Param('id', ParseUUIDPipe) id: string, @Body() dto: AddInformationDto): Promise<IncidentEntryCreatedView> {
    return this.incidents.addInformation(id, dto);
  }

  @Get('mine')
  @Roles(...ANY_ROLE)
  @ApiOperation({ summary: 'The status of your own named (not anonymous) reports' })
  @ApiPage(OwnIncidentView)
  @ApiProblems(400)
  mine(@Query() page: PageQuery, @CurrentActor() actor: Actor) {
    return this.incidents.mine(actor, page.limit, page.offset);
  }

  @Get()
  @Roles('contact')
  @ApiOperation({ summary: 'Reports, newest first, without their content (contact only)' })
  @ApiPage(IncidentSummaryView)
  @ApiProblems(400)
  list(@Query() query: IncidentListQuery) {
    return this.incidents.list(query);
  }

  @Get(':id')
  @Roles('contact')
  @ApiOperation({ summary: 'Open a report: decrypted text, additions, notes and history (contact only)' })
  @ApiOkResponse({ type: IncidentView })
  @ApiProblems(400, 404)
  read(@Param('id', ParseUUIDPipe) id: string, @CurrentActor() actor: Actor): Promise<IncidentView> {
    return this.incidents.read(id, actor);
  }

  @Post(':id/notes')
  @Roles('contact')
  @ApiOperation({ summary: 'Add a follow-up note (contact only)' })
  @Created(IncidentEntryCreatedView, (entry) => `incidents/${entry.incidentId}`, 'Added to the report')
  @ApiProblems(400, 404, 413, 415)
  addNote(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: FollowUpNoteDto,
    @CurrentActor() actor: Actor,
  ): Promise<IncidentEntryCreatedView> {
    return this.incidents.addNote(id, dto, actor);
  }

  @Patch(':id')
  @HttpCode(200)
  @Roles('contact')
  @ApiOperation({ summary: 'Move a report along received -> in_follow_up -> action_recommended/action_taken -> closed (contact only)' })
  @ApiOkResponse({ type: IncidentSummaryView })
  @ApiProblems(400, 404, 413, 415)
  @ApiProblem(409, "The body's version is stale, or the lifecycle does not allow the move")
  @ApiProblem(422, 'action_recommended and action_taken need the action')
  changeStatus(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ChangeIncidentStatusDto,
    @CurrentActor() actor: Actor,
  ): Promise<IncidentSummaryView> {
    return this.incidents.changeStatus(id, dto, actor);
  }
}
