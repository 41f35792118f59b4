import { Body, Controller, Get, Headers, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Actor, CurrentActor, Roles } from '../auth/actor';
import { Created, IfMatchHeader, precondition, underPrecondition, withETag } from '../common/http';
import { ApiProblems, ApiSecured, ETAG_HEADER } from '../common/openapi';
import { AllocationAnswer, AllocationPage, AllocationQuery, CreateAllocationDto, UpdateAllocationDto } from './allocations.dto';
import { AllocationsService } from './allocations.service';

@ApiTags('allocations')
@ApiSecured()
@Controller()
export class AllocationsController {
  constructor(private readonly allocations: AllocationsService) {}

  @Post('slots/:id/allocations')
  @Roles('committee')
  @ApiOperation({ summary: 'Invite a nominee of the slot' })
  @Created(
    AllocationAnswer,
    (allocation) => `allocations/${allocation.id}`,
    'Invited; the nomination becomes allocated. ETag carries the version.',
    ETAG_HEADER,
  )
  @ApiProblems(400, 413, 415)
  @ApiNotFoundResponse({ description: 'No such slot' })
  @ApiConflictResponse({ description: 'Every seat of the slot is taken' })
  @ApiUnprocessableEntityResponse({
    description:
      'Not an active nominee of the slot, or a better-ranked available nominee passed over without a rationale (`passedOver` names them)',
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
  @ApiOperation({ summary: "A slot's allocations" })
  @ApiOkResponse({ type: AllocationPage })
  @ApiProblems(400, 404)
  listForSlot(@Param('id', ParseUUIDPipe) slotId: string, @Query() query: AllocationQuery) {
    return this.allocations.listForSlot(slotId, query);
  }

  @Get('allocations')
  @Roles('committee')
  @ApiOperation({ summary: 'Allocations, oldest first' })
  @ApiOkResponse({ type: AllocationPage, description: 'Oldest first; filters conferenceId, slotId, memberId, status' })
  @ApiProblems(400)
  list(@Query() query: AllocationQuery) {
    return this.allocations.list(query);
  }

  @Get('allocations/:id')
  @Roles('committee')
  @ApiOperation({ summary: 'One allocation with its balance preview' })
  @ApiOkResponse({
    type: AllocationAnswer,
    description: 'balancePreview compares the speakers without and with this allocation',
    headers: ETAG_HEADER,
  })
  @ApiProblems(400, 404)
  async get(@Param('id', ParseUUIDPipe) id: string, @Res({ passthrough: true }) res: Response): Promise<AllocationAnswer> {
    return withETag(res, await this.allocations.get(id));
  }

  @Patch('allocations/:id')
  @Roles('committee')
  @ApiOperation({ summary: 'Record an acceptance, a decline or a withdrawal' })
  @IfMatchHeader()
  @ApiOkResponse({
    type: AllocationAnswer,
    description: 'After a decline or withdrawal, nextCandidates offers the freed seat',
    headers: ETAG_HEADER,
  })
  @ApiProblems(400, 404, 412, 413, 415)
  @ApiConflictResponse({ description: 'A stale body `version`, or a change the status machine does not allow' })
  async update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateAllocationDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AllocationAnswer> {
    return withETag(
      res,
      await underPrecondition(precondition(ifMatch, dto.version), (expected) => this.allocations.transition(id, dto, expected, actor)),
    );
  }
}

/** The version a change is based on, from If-Match or the body's `version` (see common/http.ts). */
export function expectedVersion(ifMatch: string | undefined, bodyVersion: number | undefined): number | undefined {
  return precondition(ifMatch, bodyVersion)?.version;
}
