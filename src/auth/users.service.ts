import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { ChangeFeed, TableCache } from '../changes/change-feed';
import { Role } from '../common/enums';
import { Page } from '../common/pagination';
import { conflict, notFound, unprocessable } from '../common/problem';
import { Actor } from './actor';
import { AuthRepository } from './auth.repository';
import { hashToken, newToken } from './tokens';
import { User } from './user.entity';
import { CreatedUserView, CreateUserDto, UpdateUserDto, UserView } from './users.dto';
import { ServiceConfig } from '../config/service-config';

export const LAST_ADMIN_RULE = 'At least one enabled admin must remain';

@Injectable()
export class UsersService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Users');
  /**
   * Users by token hash, while app_user is unchanged (see ChangeFeed): every request authenticates,
   * and a new user, a role change, a disabled user or a rotated token empties it the moment the change
   * commits in this process (a moment later in the others). Only statements naming app_user change it,
   * so other writes leave it be; failed lookups are not kept.
   */
  private readonly byTokenHash: TableCache<User | null>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly accounts: AuthRepository,
    private readonly audit: AuditService,
    feed: ChangeFeed,
    private readonly config: ServiceConfig,
  ) {
    this.byTokenHash = new TableCache(feed, ['app_user'], { capacity: 1024, ownWrites: false, keep: (user) => user !== null });
  }

  /** The user holding this token, disabled or not (the guard tells the two apart). */
  async findByToken(token: string): Promise<User | null> {
    const tokenHash = hashToken(token);
    return this.byTokenHash.get(tokenHash, async () => {
      const user = await this.accounts.userByTokenHash(tokenHash);
      return user && Object.freeze(user);
    });
  }

  async create(dto: CreateUserDto, actor: Actor | null): Promise<CreatedUserView> {
    const token = newToken();
    return this.dataSource.transaction(async (manager) => {
      await this.checkMemberLink(manager, dto.roles, dto.memberId ?? null, null);
      const user = await this.accounts.insertUser(manager, {
        ...dto,
        memberId: dto.memberId ?? null,
        email: dto.email.trim(),
        tokenHash: hashToken(token),
      });
      const view = toView(user);
      await this.audit.record(manager, actor, { action: 'user.create', entity: 'user', entityId: user.id, after: view });
      return { ...view, token };
    });
  }

  async list(limit: number, offset: number): Promise<Page<UserView>> {
    const [users, total] = await this.accounts.usersPage(limit, offset);
    return { items: users.map(toView), total, limit, offset };
  }

  async get(id: string): Promise<UserView> {
    const user = await this.accounts.user(id);
    if (!user) throw notFound('User', id);
    return toView(user);
  }

  /** Name, roles, enabled or not; never takes away the last admin who can sign in. */
  async update(id: string, dto: UpdateUserDto, actor: Actor): Promise<UserView> {
    return this.dataSource.transaction(async (manager) => {
      // Changes that may take an admin away wait for each other: two cannot each see another admin left.
      if (dto.roles !== undefined || dto.disabled !== undefined) await this.accounts.queueAdminSetChange(manager);
      const current = await this.accounts.lockedUser(manager, id);
      if (!current) throw notFound('User', id);
      const before = toView(current);
      const signedIn = current.identitySubject !== null;
      if (signedIn && dto.roles !== undefined) {
        throw unprocessable(
          `${current.name} signs in through the identity provider: the roles follow the groups there (OIDC_ROLE_MAP) and the member link`,
          [{ field: 'roles', message: 'not set by hand for an account of the identity provider' }],
          { rule: 'roles-follow-groups' },
        );
      }
      const memberId = dto.memberId === undefined ? current.memberId : dto.memberId;
      const roles = signedIn ? withMemberRole(current.roles, memberId !== null) : (dto.roles ?? current.roles);
      if (memberId !== current.memberId || dto.roles !== undefined) await this.checkMemberLink(manager, roles, memberId, id);
      const change = {
        name: dto.name ?? current.name,
        roles,
        disabled: dto.disabled ?? current.disabled,
        memberId,
      };
      if (
        change.name === current.name &&
        change.disabled === current.disabled &&
        sameRoles(change.roles, current.roles) &&
        change.memberId === current.memberId
      ) {
        return before;
      }
      const wasAdmin = current.roles.includes('admin') && !current.disabled;
      const staysAdmin = change.roles.includes('admin') && !change.disabled;
      if (wasAdmin && !staysAdmin) {
        if ((await this.accounts.otherActiveAdmins(manager, id)) === 0) {
          const field = change.disabled ? 'disabled' : 'roles';
          throw unprocessable(
            `${LAST_ADMIN_RULE}: ${current.name} is the last one, so the account cannot be disabled or lose the admin role. ` +
              'Give another user the admin role first.',
            [{ field, message: `${LAST_ADMIN_RULE}; this is the last` }],
            { rule: 'last-enabled-admin' },
          );
        }
      }
      await this.accounts.updateUser(manager, id, change);
      const after: UserView = { ...before, ...change };
      await this.audit.record(manager, actor, { action: 'user.update', entity: 'user', entityId: id, before, after });
      return after;
    });
  }

  /** A new token for the user; the old one is refused from the moment this commits. */
  async rotateToken(id: string, actor: Actor): Promise<CreatedUserView> {
    const token = newToken();
    return this.dataSource.transaction(async (manager) => {
      const user = await this.accounts.lockedUser(manager, id);
      if (!user) throw notFound('User', id);
      if (user.identitySubject) {
        // Its roles follow the provider's groups at each sign-in; a token of its own would keep yesterday's.
        throw unprocessable(
          `${user.name} signs in through the identity provider and gets no service token`,
          [{ field: 'id', message: 'an account of the identity provider' }],
          { rule: 'identity-accounts-have-no-token' },
        );
      }
      await this.accounts.updateUser(manager, id, { tokenHash: hashToken(token) });
      await this.audit.record(manager, actor, { action: 'user.token-rotate', entity: 'user', entityId: id });
      return { ...toView(user), token };
    });
  }

  /**
   * ADMIN_TOKEN set: that token belongs to an enabled admin afterwards, the bootstrap admin (an earlier
   * value's holder keeps its account and gets the new token). ADMIN_TOKEN unset: the bootstrap admin is
   * disabled and its token retired, so removing the variable really revokes it; then, if no admin can
   * sign in any more, one is created and its token printed once.
   */
  async onApplicationBootstrap(): Promise<void> {
    const configured = this.config.auth.adminToken || undefined;
    const printOnce = await this.dataSource.transaction(async (manager) => {
      // Two instances starting at once on one database must not both create an admin.
      await this.accounts.queueAdminSetChange(manager);
      const marked = await this.accounts.adminTokenAccounts(manager);
      const holderId = configured ? await this.adoptAdminToken(manager, hashToken(configured), marked[0]?.id) : null;
      for (const user of marked) {
        if (user.id !== holderId && (user.hasToken || !user.disabled)) await this.retireAdminToken(manager, user.id);
      }
      if (configured) return null;

      if (await this.accounts.anyActiveAdmin(manager)) return null;
      const token = newToken();
      const taken = await this.accounts.emailInUse(manager, 'admin@bootstrap.local');
      const user = await this.accounts.insertUser(manager, {
        name: 'Administrator',
        email: taken ? `admin-${Date.now()}@bootstrap.local` : 'admin@bootstrap.local',
        roles: ['admin'],
        tokenHash: hashToken(token),
      });
      await this.audit.record(manager, null, {
        action: 'user.bootstrap-admin',
        entity: 'user',
        entityId: user.id,
        after: toView(user),
      });
      return token;
    });
    // Printed once, on purpose, after the commit: this is the only way to learn that admin's token.
    if (printOnce) this.logger.warn(`No admin existed, so one was created. Admin token (shown once): ${printOnce}`);
  }

  /** Makes the holder of this token (or else the earlier bootstrap admin, or a new user) the enabled bootstrap admin. */
  private async adoptAdminToken(manager: EntityManager, tokenHash: string, earlierId: string | undefined): Promise<string> {
    const holder = await this.accounts.userByTokenHash(tokenHash, manager);
    const user = holder ?? (earlierId ? await this.accounts.user(earlierId, manager) : null);
    if (!user) {
      const created = await this.accounts.insertUser(manager, {
        name: 'Administrator',
        email: `admin+${Date.now()}@bootstrap.local`,
        roles: ['admin'],
        tokenHash,
        fromAdminToken: true,
      });
      await this.audit.record(manager, null, {
        action: 'user.bootstrap-admin',
        entity: 'user',
        entityId: created.id,
        after: toView(created),
      });
      return created.id;
    }
    const roles: Role[] = user.roles.includes('admin') ? user.roles : [...user.roles, 'admin'];
    const tokenChanged = !holder;
    if (!tokenChanged && user.fromAdminToken && !user.disabled && roles === user.roles) return user.id;
    await this.accounts.updateUser(manager, user.id, {
      roles,
      disabled: false,
      fromAdminToken: true,
      ...(tokenChanged ? { tokenHash } : {}),
    });
    await this.audit.record(manager, null, {
      action: tokenChanged ? 'user.bootstrap-admin-token-change' : 'user.bootstrap-admin-update',
      entity: 'user',
      entityId: user.id,
      before: toView(user),
      after: { ...toView(user), roles, disabled: false, fromAdminToken: true },
    });
    return user.id;
  }

  private async retireAdminToken(manager: EntityManager, id: string): Promise<void> {
    const before = (await this.accounts.user(id, manager))!;
    await this.accounts.retireToken(manager, id);
    await this.audit.record(manager, null, {
      action: 'user.bootstrap-admin-retire',
      entity: 'user',
      entityId: id,
      before: toView(before),
      after: { ...toView(before), disabled: true },
    });
  }

  /** The role `member` needs a member record, which exists and is no other account's. */
  private async checkMemberLink(
    manager: EntityManager,
    roles: readonly Role[],
    memberId: string | null,
    userId: string | null,
  ): Promise<void> {
    if (roles.includes('member') && memberId === null) {
      throw unprocessable(`${MEMBER_ROLE_RULE}: give memberId`, [{ field: 'memberId', message: 'required for the role member' }], {
        rule: 'member-role-needs-member',
      });
    }
    if (memberId === null) return;
    const member = await this.accounts.lockedMemberLink(manager, memberId, userId);
    if (!member) throw unprocessable(`Member ${memberId} does not exist`, [{ field: 'memberId', message: 'does not exist' }]);
    if (member.linkedTo)
      throw conflict(`Member ${memberId} is already linked to another account; unlink it there first`, { userId: member.linkedTo });
  }
}

function sameRoles(a: readonly Role[], b: readonly Role[]): boolean {
  return a.length === b.length && a.every((role) => b.includes(role));
}

function toView(user: User): UserView {
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    roles: user.roles,
    disabled: user.disabled,
    fromAdminToken: user.fromAdminToken,
    memberId: user.memberId ?? null,
    signsInWith: user.identitySubject ? 'identity-provider' : 'token',
    createdAt: user.createdAt,
  };
}

export const MEMBER_ROLE_RULE = 'The role member belongs to an account linked to a member record';

function withMemberRole(roles: readonly Role[], linked: boolean): Role[] {
  const others = roles.filter((role) => role !== 'member');
  return linked ? [...others, 'member'] : others;
}
