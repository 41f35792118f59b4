import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { PageQuery } from '../common/pagination';
import { Actor, CurrentActor, ANY_ROLE, Roles } from './actor';
import { CreatedUserView, CreateUserDto, UserView } from './users.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @Roles('admin')
  create(@Body() dto: CreateUserDto, @CurrentActor() actor: Actor): Promise<CreatedUserView> {
    return this.users.create(dto, actor);
  }

  @Get()
  @Roles('admin')
  list(@Query() page: PageQuery) {
    return this.users.list(page.limit, page.offset);
  }

  @Get('me')
  @Roles(...ANY_ROLE)
  me(@CurrentActor() actor: Actor): Omit<UserView, 'email'> {
    return { id: actor.id, name: actor.name, roles: actor.roles };
  }
}
