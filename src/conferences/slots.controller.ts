import { Body, Controller, Get, Param, ParseUUIDPipe, Patch } from '@nestjs/common';
import { ApiConflictResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '../auth/actor';
import { ApiProblems, ApiSecured } from '../common/openapi';
import { CONFERENCE_READERS } from './conferences.controller';
import { SlotView, UpdateSlotDto } from './conferences.dto';
import { SlotsService } from './slots.service';

@ApiTags('conferences')
@ApiSecured()
@Controller('slots')
export class SlotsController {
  constructor(private readonly slots: SlotsService) {}

  @Get(':id')
  @Roles(...CONFERENCE_READERS)
  @ApiOperation({ summary: 'One slot' })
  @ApiOkResponse({ type: SlotView })
  @ApiProblems(400, 404)
  get(@Param('id', ParseUUIDPipe) id: string): Promise<SlotView> {
    return this.slots.get(id);
  }

  @Patch(':id')
  @Roles('committee')
  @ApiOperation({ summary: 'Change a slot' })
  @ApiOkResponse({ type: SlotView })
  @ApiProblems(400, 404, 413, 415, 422)
  @ApiConflictResponse({ description: 'seats below the seats already taken' })
  update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateSlotDto, @CurrentActor() actor: Actor): Promise<SlotView> {
    return this.slots.update(id, dto, actor);
  }
}
