import { Body, Controller, Get, Headers, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Actor, CurrentActor, Roles } from '../auth/actor';
import { badRequest } from '../common/problem';
import {
  AllocationAnswer, AllocationPage, AllocationQuery, CreateAllocationDto, UpdateAllocationDto,
} from './allocations.dto';
import { AllocationsService } from './allocations.service';

@ApiTags('allocations')
@ApiBearerAuth()
@Controller()
export class AllocationsController {
  constructor(private readonly allocations: AllocationsService) {}

  @Post('slots/:id/allocations')
  @Roles('committee')
  @ApiCreatedResponse({ type: AllocationAnswer, description: 'Invited; the nomination becomes allocated. ETag carries the version.' })
  @ApiNotFoundResponse({ description: 'No such slot' })
  @ApiConflictResponse({ description: 'Every seat of the slot is taken' })
  @ApiUnprocessableEntityResponse({
    description: 'Not an active nominee of the slot, or a better-ranked available nominee passed over without a rationale (`passedOver` names them)',
  })
  async allocate(
    @Param('id', ParseUUIDPipe) slotId: string,
    @Body() dto: CreateAllocationDto,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AllocationAnswer> {
    return withETag(res, await this.allocations.allocate(slotId, dto, actor));
  }

  @Get('slots/:id/allocations')
  @Roles('committee')
  @ApiOkResponse({ type: AllocationPage })
  listForSlot(@Param('id', ParseUUIDPipe) slotId: string, @Query() query: AllocationQuery) {
    return this.allocations.listForSlot(slotId, query);
  }

  @Get('allocations')
  @Roles('committee')
  @ApiOkResponse({ type: AllocationPage, description: 'Oldest first; filters conferenceId, slotId, memberId, status' })
  list(@Query() query: AllocationQuery) {
    return this.allocations.list(query);
  }

  @Get('allocations/:id')
  @Roles('committee')
  @ApiOkResponse({ type: AllocationAnswer, description: 'balancePreview compares the speakers without and with this allocation' })
  async get(@Param('id', ParseUUIDPipe) id: string, @Res({ passthrough: true }) res: Response): Promise<AllocationAnswer> {
    return withETag(res, await this.allocations.get(id));
  }

  @Patch('allocations/:id')
  @Roles('committee')
  @ApiHeader({ name: 'If-Match', required: false, description: 'The version the change is based on, e.g. "3"' })
  @ApiOkResponse({ type: AllocationAnswer, description: 'After a decline or withdrawal, nextCandidates offers the freed seat' })
  @ApiConflictResponse({ description: 'Stale version, or a change the status machine does not allow' })
  async update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateAllocationDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AllocationAnswer> {
    const expected = expectedVersion(ifMatch, dto.version);
    return withETag(res, await this.allocations.transition(id, dto, expected, actor));
  }
}

function withETag<T extends { version: number }>(res: Response, answer: T): T {
  res.setHeader('ETag', `"${answer.version}"`);
  return answer;
}

/** The version a change is based on: If-Match ("3", W/"3" or * for any) or the body's `version`. */
export function expectedVersion(ifMatch: string | undefined, bodyVersion: number | undefined): number | undefined {
  const header = ifMatch?.trim();
  if (!header || header === '*') return bodyVersion;
  const match = /^(?:W\/)?"?(\d{1,10})"?$/.exec(header);
  if (!match) throw badRequest('If-Match must carry one allocation version, e.g. "3"', [{ field: 'If-Match', message: 'not a version' }]);
  const version = Number(match[1]);
  if (bodyVersion !== undefined && bodyVersion !== version) {
    throw badRequest('If-Match and the body\'s version disagree', [{ field: 'version', message: 'differs from If-Match' }]);
  }
  return version;
}
