import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '../auth/actor';
import { Created } from '../common/http';
import { ApiProblems, ApiSecured } from '../common/openapi';
import {
  CreateSlateSuggestionDto,
  SlateAcceptanceView,
  SlateReplayView,
  SlateSuggestionPage,
  SlateSuggestionQuery,
  SlateSuggestionView,
} from './slates.dto';
import { SlatesService } from './slates.service';

@ApiTags('slate suggestions')
@ApiSecured()
@Controller()
export class SlatesController {
  constructor(private readonly slates: SlatesService) {}

  @Post('conferences/:id/slate-suggestions')
  @Roles('committee')
  @ApiOperation({ summary: "Solve for the best slate of speakers that meets the committee's targets" })
  @Created(
    SlateSuggestionView,
    (suggestion) => `slate-suggestions/${suggestion.id}`,
    'The best slate meeting the targets, stored for replay and acceptance',
  )
  @ApiProblems(400, 413, 415)
  @ApiForbiddenResponse({
    description: 'A gender target from a committee member who is not also an admin: refused before anything is solved or stored',
  })
  @ApiUnprocessableEntityResponse({
    description:
      'No slate meets the targets: `conflictingTargets` names a minimal conflicting set (with the gender target in it, ' +
      'the fixed choices as one entry, `fixedChoices`, naming nobody)',
  })
  @ApiNotFoundResponse({ description: 'No such conference' })
  suggest(@Param('id', ParseUUIDPipe) id: string, @Body() dto: CreateSlateSuggestionDto, @CurrentActor() actor: Actor) {
    return this.slates.suggest(id, dto, actor);
  }

  @Get('conferences/:id/slate-suggestions')
  @Roles('committee', 'admin')
  @ApiOperation({ summary: "A conference's stored slate suggestions" })
  @ApiOkResponse({
    type: SlateSuggestionPage,
    description: 'Newest first; for non-admins only the suggestions made without a gender target',
  })
  @ApiProblems(400, 404)
  list(@Param('id', ParseUUIDPipe) id: string, @Query() query: SlateSuggestionQuery, @CurrentActor() actor: Actor) {
    return this.slates.list(id, query, actor);
  }

  @Get('slate-suggestions/:id')
  @Roles('committee', 'admin')
  @ApiOperation({ summary: 'One stored slate suggestion' })
  @ApiOkResponse({ type: SlateSuggestionView })
  @ApiProblems(400, 404)
  @ApiForbiddenResponse({ description: 'A suggestion made with a gender target, to anyone but an admin' })
  get(@Param('id', ParseUUIDPipe) id: string, @CurrentActor() actor: Actor) {
    return this.slates.get(id, actor);
  }

  @Post('slate-suggestions/:id/replay')
  @Roles('committee', 'admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Solve a stored suggestion again and compare' })
  @ApiOkResponse({ type: SlateReplayView, description: 'Re-solved from the stored inputs and compared with the stored slate' })
  @ApiProblems(400, 404)
  @ApiForbiddenResponse({ description: 'A suggestion made with a gender target, to anyone but an admin' })
  replay(@Param('id', ParseUUIDPipe) id: string, @CurrentActor() actor: Actor): Promise<SlateReplayView> {
    return this.slates.replay(id, actor);
  }

  @Post('slate-suggestions/:id/accept')
  @Roles('committee')
  @ApiOperation({ summary: 'Accept a suggestion: invite its speakers in one transaction' })
  @Created(
    SlateAcceptanceView,
    (acceptance) => `allocations?conferenceId=${acceptance.conferenceId}`,
    "One invitation per suggested speaker not already allocated, in one transaction; Location lists the conference's allocations",
  )
  @ApiProblems(400, 404)
  @ApiForbiddenResponse({ description: 'A suggestion made with a gender target, to a committee member who is not also an admin' })
  @ApiConflictResponse({
    description: 'Already accepted, allocations changed since, a nomination closed, or a seat taken: nothing written',
  })
  accept(@Param('id', ParseUUIDPipe) id: string, @CurrentActor() actor: Actor): Promise<SlateAcceptanceView> {
    return this.slates.accept(id, actor);
  }
}
