import { Body, Controller, Get, Param, ParseUUIDPipe, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '../auth/actor';
import { CONFERENCE_READERS } from './conferences.controller';
import { SlotView, UpdateSlotDto } from './conferences.dto';
import { SlotsService } from './slots.service';

@ApiTags('conferences')
@ApiBearerAuth()
@Controller('slots')
export class SlotsController {
  constructor(private readonly slots: SlotsService) {}

  @Get(':id')
  @Roles(...CONFERENCE_READERS)
  @ApiOkResponse({ type: SlotView })
  get(@Param('id', ParseUUIDPipe) id: string): Promise<SlotView> {
    return this.slots.get(id);
  }

  @Patch(':id')
  @Roles('committee')
  @ApiOkResponse({ type: SlotView })
  @ApiConflictResponse({ description: 'seats below the seats already taken' })
  update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateSlotDto, @CurrentActor() actor: Actor): Promise<SlotView> {
    return this.slots.update(id, dto, actor);
  }
}
