import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { ChangeFeed, TableCache } from '../changes/change-feed';
import { Page } from '../common/pagination';
import { Actor } from './actor';
import { hashToken, newToken } from './tokens';
import { User } from './user.entity';
import { CreatedUserView, CreateUserDto, UserView } from './users.dto';

@Injectable()
export class UsersService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Users');
  /**
   * Users by token hash, while app_user is unchanged (see ChangeFeed): every request authenticates,
   * and a new user, a role change or a revoked token empties it the moment the change commits. Only
   * statements naming app_user change it, so other writes leave it be; failed lookups are not kept.
   */
  private readonly byTokenHash: TableCache<User | null>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    feed: ChangeFeed,
  ) {
    this.byTokenHash = new TableCache(feed, ['app_user'], { capacity: 1024, ownWrites: false, keep: (user) => user !== null });
  }

  async findByToken(token: string): Promise<User | null> {
    const tokenHash = hashToken(token);
    return this.byTokenHash.get(tokenHash, async () => {
      const user = await this.dataSource.getRepository(User).findOne({ where: { tokenHash } });
      return user && Object.freeze(user);
    });
  }

  async create(dto: CreateUserDto, actor: Actor | null): Promise<CreatedUserView> {
    const token = newToken();
    return this.dataSource.transaction(async (manager) => {
      const user = await manager.getRepository(User).save(
        manager.getRepository(User).create({ ...dto, email: dto.email.trim(), tokenHash: hashToken(token) }),
      );
      const view = toView(user);
      await this.audit.record(manager, actor, { action: 'user.create', entity: 'user', entityId: user.id, after: view });
      return { ...view, token };
    });
  }

  async list(limit: number, offset: number): Promise<Page<UserView>> {
    const [users, total] = await this.dataSource.getRepository(User).findAndCount({
      order: { createdAt: 'ASC' }, take: limit, skip: offset,
    });
    return { items: users.map(toView), total, limit, offset };
  }

  /**
   * ADMIN_TOKEN set: that token belongs to an admin afterwards. Unset and no admin yet: create one
   * and print its token once.
   */
  async onApplicationBootstrap(): Promise<void> {
    const configured = process.env.ADMIN_TOKEN;
    await this.dataSource.transaction(async (manager) => {
      // Two instances starting at once on one database must not both create an admin.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('bootstrap-admin'))`);
      const repo = manager.getRepository(User);
      if (configured) {
        const existing = await repo.findOne({ where: { tokenHash: hashToken(configured) } });
        if (existing) {
          if (!existing.roles.includes('admin')) {
            await repo.update(existing.id, { roles: [...existing.roles, 'admin'] });
            await this.audit.record(manager, null, { action: 'user.grant-admin', entity: 'user', entityId: existing.id });
          }
          return;
        }
        const user = await repo.save(repo.create({
          name: 'Administrator', email: `admin+${Date.now()}@bootstrap.local`, roles: ['admin'], tokenHash: hashToken(configured),
        }));
        await this.audit.record(manager, null, { action: 'user.bootstrap-admin', entity: 'user', entityId: user.id });
        return;
      }
      const admins = await manager.query(`SELECT 1 FROM app_user WHERE 'admin' = ANY (roles) LIMIT 1`);
      if (admins.length > 0) return;
      const token = newToken();
      const user = await repo.save(repo.create({
        name: 'Administrator', email: 'admin@bootstrap.local', roles: ['admin'], tokenHash: hashToken(token),
      }));
      await this.audit.record(manager, null, { action: 'user.bootstrap-admin', entity: 'user', entityId: user.id });
      // Printed once, on purpose: this is the only way to learn the first admin's token.
      this.logger.warn(`No admin existed, so one was created. Admin token (shown once): ${token}`);
    });
  }
}

function toView(user: User): UserView {
  return { id: user.id, name: user.name, email: user.email, roles: user.roles };
}
