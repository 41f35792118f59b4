import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { PageQuery } from '../common/pagination';
import { Actor, CurrentActor, ANY_ROLE, Roles } from './actor';
import { CreatedUserView, CreateUserDto, UpdateUserDto, UserView } from './users.dto';
import { LAST_ADMIN_RULE, UsersService } from './users.service';

@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Add a user; the answer carries the token, shown this once (only its hash is stored)' })
  @ApiResponse({ status: 201, type: CreatedUserView })
  create(@Body() dto: CreateUserDto, @CurrentActor() actor: Actor): Promise<CreatedUserView> {
    return this.users.create(dto, actor);
  }

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'Users, oldest first, disabled ones included; never their tokens' })
  list(@Query() page: PageQuery) {
    return this.users.list(page.limit, page.offset);
  }

  // Declared before :id, so "me" is not read as an id.
  @Get('me')
  @Roles(...ANY_ROLE)
  @ApiOperation({ summary: 'Who the token belongs to, with the roles it carries now' })
  me(@CurrentActor() actor: Actor): Pick<UserView, 'id' | 'name' | 'roles'> {
    return { id: actor.id, name: actor.name, roles: actor.roles };
  }

  @Get(':id')
  @Roles('admin')
  @ApiResponse({ status: 200, type: UserView })
  @ApiResponse({ status: 404, description: 'No such user' })
  get(@Param('id', ParseUUIDPipe) id: string): Promise<UserView> {
    return this.users.get(id);
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOperation({
    summary: 'Rename a user, replace their roles, or disable / enable the account',
    description: 'Applies from the user\'s next request: a disabled user\'s token answers 401, new roles decide 403. '
      + `${LAST_ADMIN_RULE}: disabling the last enabled admin, or taking its admin role, answers 422.`,
  })
  @ApiResponse({ status: 200, type: UserView })
  @ApiResponse({ status: 404, description: 'No such user' })
  @ApiResponse({ status: 422, description: `${LAST_ADMIN_RULE} (rule: last-enabled-admin)` })
  update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateUserDto, @CurrentActor() actor: Actor): Promise<UserView> {
    return this.users.update(id, dto, actor);
  }

  @Post(':id/tokens')
  @Roles('admin')
  @ApiOperation({
    summary: 'Rotate the user\'s token: the answer carries the new one, shown this once; the old one is refused at once',
    description: 'A disabled user\'s new token works once the account is enabled again. The bootstrap admin\'s token '
      + 'is set from ADMIN_TOKEN again at the next start while that variable is set.',
  })
  @ApiResponse({ status: 201, type: CreatedUserView })
  @ApiResponse({ status: 404, description: 'No such user' })
  rotateToken(@Param('id', ParseUUIDPipe) id: string, @CurrentActor() actor: Actor): Promise<CreatedUserView> {
    return this.users.rotateToken(id, actor);
  }
}
