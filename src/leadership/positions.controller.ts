import { Body, Controller, Delete, Get, Headers, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Actor, ANY_ROLE, CurrentActor, Roles } from '../auth/actor';
import { Created, IfMatchHeader, precondition, underPrecondition, withETag } from '../common/http';
import { ApiPage, ApiProblem, ApiProblems, ApiSecured, ETAG_HEADER } from '../common/openapi';
import { Page } from '../common/pagination';
import { CreatePositionDto, PositionQuery, PositionView, UpdatePositionDto } from './positions.dto';
import { PositionsService } from './positions.service';

@ApiTags('leadership')
@ApiSecured()
@Controller('leadership/positions')
export class PositionsController {
  constructor(private readonly positions: PositionsService) {}

  @Post()
  @Roles('admin', 'committee')
  @ApiOperation({ summary: 'Create a leadership position (title, level, area, kind, mandate, term rules)' })
  @Created(PositionView, (position) => `leadership/positions/${position.id}`)
  @ApiProblems(400, 413, 415)
  @ApiProblem(409, 'A position with this title (any case) exists')
  async create(
    @Body() dto: CreatePositionDto,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PositionView> {
    return withETag(res, await this.positions.create(dto, actor));
  }

  @Get()
  @Roles(...ANY_ROLE)
  @ApiOperation({ summary: 'Leadership positions, by level, area and title' })
  @ApiPage(PositionView)
  @ApiProblems(400)
  list(@Query() query: PositionQuery): Promise<Page<PositionView>> {
    return this.positions.list(query);
  }

  @Get(':id')
  @Roles(...ANY_ROLE)
  @ApiOperation({ summary: 'One leadership position' })
  @ApiResponse({ status: 200, type: PositionView, headers: ETAG_HEADER })
  @ApiProblems(400, 404)
  async get(@Param('id', ParseUUIDPipe) id: string, @Res({ passthrough: true }) res: Response): Promise<PositionView> {
    return withETag(res, await this.positions.get(id));
  }

  @Patch(':id')
  @Roles('admin', 'committee')
  @ApiOperation({ summary: 'Change a position; appointments already made keep the rules they were made under' })
  @IfMatchHeader()
  @ApiResponse({ status: 200, type: PositionView, headers: ETAG_HEADER })
  @ApiProblems(400, 404, 412, 413, 415)
  @ApiProblem(409, "The body's version is stale, or the new title is taken")
  async update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdatePositionDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PositionView> {
    const { version, ...change } = dto;
    return withETag(
      res,
      await underPrecondition(precondition(ifMatch, version), (expected) => this.positions.update(id, change, expected, actor)),
    );
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('admin', 'committee')
  @ApiOperation({ summary: 'Delete a position that was never held and never called for' })
  @IfMatchHeader()
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(400, 404, 412)
  @ApiProblem(409, 'The position has appointments or calls on record (their history stays), or If-Match is stale')
  async remove(
    @Param('id', ParseUUIDPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentActor() actor: Actor,
  ): Promise<void> {
    await underPrecondition(precondition(ifMatch, undefined), (expected) => this.positions.remove(id, expected, actor));
  }
}
