import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse, ApiBearerAuth, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Roles } from '../auth/actor';
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
}
