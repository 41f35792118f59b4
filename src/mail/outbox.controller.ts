import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '../auth/actor';
import { ApiProblem } from '../common/openapi';
import { OutboxMailView, OutboxPage, OutboxQuery } from './outbox.dto';
import { Outbox } from './outbox.service';

@ApiTags('mail')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No valid bearer token (application/problem+json)' })
@ApiForbiddenResponse({ description: 'Not an admin (application/problem+json)' })
@Controller('outbox')
export class OutboxController {
  constructor(private readonly outbox: Outbox) {}

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'Every mail the service wrote, newest first; without SMTP_URL this is where mail stays' })
  @ApiOkResponse({ type: OutboxPage })
  @ApiBadRequestResponse({ description: 'Unknown filter or value (application/problem+json)' })
  list(@Query() query: OutboxQuery) {
    return this.outbox.list(query);
  }

  @Get(':id')
  @Roles('admin')
  @ApiOperation({ summary: 'One mail with its body and attachments' })
  @ApiOkResponse({ type: OutboxMailView })
  @ApiNotFoundResponse({ description: 'No such mail (application/problem+json)' })
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.outbox.get(id);
  }

  @Post(':id/send')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary: 'Send a held mail (kept while SMTP_URL was unset) or one whose delivery gave up; audited',
    description:
      'Nothing held is sent on its own once SMTP_URL is set: an old reminder would only confuse. The mail is queued ' +
      'for the delivery worker, with its retries, and answers with its new status.',
  })
  @ApiOkResponse({ type: OutboxMailView })
  @ApiNotFoundResponse({ description: 'No such mail (application/problem+json)' })
  @ApiProblem(409, 'The mail is already sent or on its way, or SMTP_URL is unset')
  @ApiProblem(400, 'The id is not a UUID')
  send(@Param('id', ParseUUIDPipe) id: string, @CurrentActor() actor: Actor) {
    return this.outbox.send(id, actor);
  }
}
