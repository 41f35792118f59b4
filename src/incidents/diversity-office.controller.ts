import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Actor, ANY_ROLE, CurrentActor, Roles } from '../auth/actor';
import { ApiProblem, ApiProblems, ApiSecured } from '../common/openapi';
import {
  ChangeDiversityOfficeMessageDto,
  DiversityOfficeMessagePage,
  DiversityOfficeMessageQuery,
  DiversityOfficeMessageReceivedView,
  DiversityOfficeMessageView,
  SendDiversityOfficeMessageDto,
} from './diversity-office.dto';
import { DiversityOfficeService } from './diversity-office.service';
import { IncidentReportingConfigured } from './incident-keyring';

// Nothing here logs: the request logger records method, url and status only, never who asked.
@ApiTags('diversity office')
@ApiSecured()
@ApiProblem(503, 'The box needs INCIDENT_KEY (its messages are encrypted with it), or the database is unavailable')
@UseGuards(IncidentReportingConfigured)
@Controller('diversity-office/messages')
export class DiversityOfficeController {
  constructor(private readonly box: DiversityOfficeService) {}

  @Post()
  // 202, not 201: the message is taken but nothing is created that its sender could read back or be found by.
  @HttpCode(202)
  @Roles(...ANY_ROLE)
  @ApiOperation({
    summary: "Write to the diversity office's anonymous box (read by the DO co-chairs only)",
    description:
      'Always anonymous: your account is not stored, not even encrypted, and only the day is kept. To be answered, ' +
      'say in the text how to reach you, or file a named report with the contact person (POST /incidents).',
  })
  @ApiResponse({ status: 202, type: DiversityOfficeMessageReceivedView, description: 'Received; only the day is kept' })
  @ApiProblems(400, 413, 415)
  @ApiProblem(422, 'The conference does not exist')
  send(@Body() dto: SendDiversityOfficeMessageDto): Promise<DiversityOfficeMessageReceivedView> {
    return this.box.send(dto);
  }

  @Get()
  @Roles('do-chair')
  @ApiOperation({ summary: 'The box, newest day first, decrypted (do-chair only; the reading is audited)' })
  @ApiOkResponse({ type: DiversityOfficeMessagePage })
  @ApiProblems(400)
  list(@Query() query: DiversityOfficeMessageQuery, @CurrentActor() actor: Actor): Promise<DiversityOfficeMessagePage> {
    return this.box.list(query, actor);
  }

  @Patch(':id')
  @HttpCode(200)
  @Roles('do-chair')
  @ApiOperation({ summary: 'Mark a message dealt with, or new again (do-chair only)' })
  @ApiOkResponse({ type: DiversityOfficeMessageView })
  @ApiProblems(400, 413, 415)
  @ApiProblem(404, 'No such message')
  @ApiProblem(409, 'Already in that status, or changed since the version you sent')
  changeStatus(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ChangeDiversityOfficeMessageDto,
    @CurrentActor() actor: Actor,
  ): Promise<DiversityOfficeMessageView> {
    return this.box.changeStatus(id, dto, actor);
  }
}
