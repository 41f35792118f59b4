import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse,
  ApiTags, ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '../auth/actor';
import {
  CreateSlateSuggestionDto, SlateAcceptanceView, SlateReplayView, SlateSuggestionPage, SlateSuggestionQuery,
  SlateSuggestionView,
} from './slates.dto';
import { SlatesService } from './slates.service';

@ApiTags('slate suggestions')
@ApiBearerAuth()
@Controller()
export class SlatesController {
  constructor(private readonly slates: SlatesService) {}

  @Post('conferences/:id/slate-suggestions')
  @Roles('committee')
  @ApiCreatedResponse({ type: SlateSuggestionView, description: 'The best slate meeting the targets, stored for replay and acceptance' })
  @ApiForbiddenResponse({ description: 'A gender target from a committee member who is not also an admin: refused before anything is solved or stored' })
  @ApiUnprocessableEntityResponse({
    description: 'No slate meets the targets: `conflictingTargets` names a minimal conflicting set (with the gender target in it, '
      + 'the fixed choices as one entry, `fixedChoices`, naming nobody)',
  })
  @ApiNotFoundResponse({ description: 'No such conference' })
  suggest(@Param('id', ParseUUIDPipe) id: string, @Body() dto: CreateSlateSuggestionDto, @CurrentActor() actor: Actor) {
    return this.slates.suggest(id, dto, actor);
  }

  @Get('conferences/:id/slate-suggestions')
  @Roles('committee', 'admin')
  @ApiOkResponse({ type: SlateSuggestionPage, description: 'Newest first; for non-admins only the suggestions made without a gender target' })
  list(@Param('id', ParseUUIDPipe) id: string, @Query() query: SlateSuggestionQuery, @CurrentActor() actor: Actor) {
    return this.slates.list(id, query, actor);
  }

  @Get('slate-suggestions/:id')
  @Roles('committee', 'admin')
  @ApiOkResponse({ type: SlateSuggestionView })
  @ApiForbiddenResponse({ description: 'A suggestion made with a gender target, to anyone but an admin' })
  get(@Param('id', ParseUUIDPipe) id: string, @CurrentActor() actor: Actor) {
    return this.slates.get(id, actor);
  }

  @Post('slate-suggestions/:id/replay')
  @Roles('committee', 'admin')
  @HttpCode(200)
  @ApiOkResponse({ type: SlateReplayView, description: 'Re-solved from the stored inputs and compared with the stored slate' })
  @ApiForbiddenResponse({ description: 'A suggestion made with a gender target, to anyone but an admin' })
  replay(@Param('id', ParseUUIDPipe) id: string, @CurrentActor() actor: Actor): Promise<SlateReplayView> {
    return this.slates.replay(id, actor);
  }

  @Post('slate-suggestions/:id/accept')
  @Roles('committee')
  @ApiCreatedResponse({ type: SlateAcceptanceView, description: 'One invitation per suggested speaker not already allocated, in one transaction' })
  @ApiForbiddenResponse({ description: 'A suggestion made with a gender target, to a committee member who is not also an admin' })
  @ApiConflictResponse({ description: 'Already accepted, allocations changed since, a nomination closed, or a seat taken: nothing written' })
  accept(@Param('id', ParseUUIDPipe) id: string, @CurrentActor() actor: Actor): Promise<SlateAcceptanceView> {
    return this.slates.accept(id, actor);
  }
}
