import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Created } from '../common/http';
import { ApiPage, ApiProblems, ApiSecured } from '../common/openapi';
import { PageQuery } from '../common/pagination';
import { Actor, CurrentActor, ANY_ROLE, Roles } from './actor';
import { CreatedUserView, CreateUserDto, CurrentUserView, UpdateUserDto, UserView } from './users.dto';
import { LAST_ADMIN_RULE, MEMBER_ROLE_RULE, UsersService } from './users.service';

@ApiTags('users')
@ApiSecured()
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Add a user; the answer carries the token, shown this once (only its hash is stored)' })
  @Created(CreatedUserView, (user) => `users/${user.id}`)
  @ApiProblems(400, 413, 415)
  @ApiResponse({ status: 422, description: `${MEMBER_ROLE_RULE} (rule: member-role-needs-member); memberId unknown` })
  @ApiResponse({ status: 409, description: 'The e-mail is taken, or the member record is already linked to another account' })
  create(@Body() dto: CreateUserDto, @CurrentActor() actor: Actor): Promise<CreatedUserView> {
    return this.users.create(dto, actor);
  }

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'Users, oldest first, disabled ones included; never their tokens' })
  @ApiPage(UserView)
  @ApiProblems(400)
  list(@Query() page: PageQuery) {
    return this.users.list(page.limit, page.offset);
  }

  // Declared before :id, so "me" is not read as an id.
  @Get('me')
  @Roles(...ANY_ROLE)
  @ApiOperation({ summary: 'Who the token (or sign-in) belongs to, with the roles it carries now and its member record' })
  @ApiResponse({ status: 200, type: CurrentUserView })
  async me(@CurrentActor() actor: Actor): Promise<CurrentUserView> {
    const { memberId } = await this.users.get(actor.id);
    return { id: actor.id, name: actor.name, roles: actor.roles, memberId };
  }

  @Get(':id')
  @Roles('admin')
  @ApiOperation({ summary: 'One user' })
  @ApiResponse({ status: 200, type: UserView })
  @ApiResponse({ status: 404, description: 'No such user' })
  @ApiProblems(400)
  get(@Param('id', ParseUUIDPipe) id: string): Promise<UserView> {
    return this.users.get(id);
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOperation({
    summary: 'Rename a user, replace their roles, or disable / enable the account',
    description:
      "Applies from the user's next request: a disabled user's token answers 401, new roles decide 403. " +
      `${LAST_ADMIN_RULE}: disabling the last enabled admin, or taking its admin role, answers 422.`,
  })
  @ApiResponse({ status: 200, type: UserView })
  @ApiResponse({ status: 404, description: 'No such user' })
  @ApiProblems(400, 413, 415)
  @ApiResponse({
    status: 422,
    description:
      `${LAST_ADMIN_RULE} (rule: last-enabled-admin); roles of an identity-provider account (rule: roles-follow-groups); ` +
      `${MEMBER_ROLE_RULE} (rule: member-role-needs-member); memberId unknown`,
  })
  @ApiResponse({ status: 409, description: 'The member record is already linked to another account' })
  update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateUserDto, @CurrentActor() actor: Actor): Promise<UserView> {
    return this.users.update(id, dto, actor);
  }

  @Post(':id/tokens')
  @Roles('admin')
  @ApiOperation({
    summary: "Rotate the user's token: the answer carries the new one, shown this once; the old one is refused at once",
    description:
      "A disabled user's new token works once the account is enabled again. The bootstrap admin's token " +
      'is set from ADMIN_TOKEN again at the next start while that variable is set.',
  })
  @Created(CreatedUserView, (user) => `users/${user.id}`, 'The user with the new token')
  @ApiResponse({ status: 404, description: 'No such user' })
  @ApiProblems(400)
  @ApiResponse({ status: 422, description: 'An account of the identity provider (rule: identity-accounts-have-no-token)' })
  rotateToken(@Param('id', ParseUUIDPipe) id: string, @CurrentActor() actor: Actor): Promise<CreatedUserView> {
    return this.users.rotateToken(id, actor);
  }
}
