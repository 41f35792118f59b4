import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '../auth/actor';
import {
  ChangeNominationStatusDto, CreateNominationDto, NominationPage, NominationQuery, NominationView,
} from './nominations.dto';
import { NominationsService } from './nominations.service';

@ApiTags('nominations')
@ApiBearerAuth()
@Controller('nominations')
export class NominationsController {
  constructor(private readonly nominations: NominationsService) {}

  @Post()
  @Roles('nominator', 'committee')
  @ApiCreatedResponse({ type: NominationView })
  create(@Body() dto: CreateNominationDto, @CurrentActor() actor: Actor): Promise<NominationView> {
    return this.nominations.create(dto, actor);
  }

  @Get()
  @Roles('nominator', 'committee')
  @ApiOkResponse({ type: NominationPage, description: 'Nominators see only their own' })
  list(@Query() query: NominationQuery, @CurrentActor() actor: Actor): Promise<NominationPage> {
    return this.nominations.list(query, actor);
  }

  @Get(':id')
  @Roles('nominator', 'committee')
  @ApiOkResponse({ type: NominationView })
  get(@Param('id', ParseUUIDPipe) id: string, @CurrentActor() actor: Actor): Promise<NominationView> {
    return this.nominations.get(id, actor);
  }

  @Patch(':id')
  @Roles('nominator', 'committee')
  @ApiOkResponse({ type: NominationView })
  changeStatus(
    @Param('id', ParseUUIDPipe) id: string, @Body() dto: ChangeNominationStatusDto, @CurrentActor() actor: Actor,
  ): Promise<NominationView> {
    return this.nominations.changeStatus(id, dto, actor);
  }
}
