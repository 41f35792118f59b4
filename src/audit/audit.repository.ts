// The audit log's SQL. Writes audit_event, always on the caller's transaction (the EntityManager given)
// so that an entry commits with the change it records; the admin's list reads it through the entity.
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../auth/actor';
import { Page } from '../common/pagination';
import { AuditEvent } from './audit-event.entity';

export interface AuditEntry {
  action: string;
  entity: string;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
}

export interface AuditFilter {
  entity?: string;
  entityId?: string;
  action?: string;
  actorId?: string;
  from?: string;
  to?: string;
}

@Injectable()
export class AuditRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insertEntry(manager: EntityManager, actor: Actor | null, entry: AuditEntry): Promise<void> {
    await manager.query(
      `INSERT INTO audit_event (actor_id, actor_roles, action, entity, entity_id, before, after, request_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        actor?.id ?? null,
        actor?.roles ?? [],
        entry.action,
        entry.entity,
        entry.entityId ?? null,
        entry.before === undefined ? null : JSON.stringify(entry.before),
        entry.after === undefined ? null : JSON.stringify(entry.after),
        actor?.requestId || null,
      ],
    );
  }

  /** All the entries in one statement. */
  async insertEntries(manager: EntityManager, actor: Actor | null, entries: AuditEntry[]): Promise<void> {
    await manager.query(
      `INSERT INTO audit_event (actor_id, actor_roles, action, entity, entity_id, before, after, request_id)
       SELECT $1, $2, e.action, e.entity, e.entity_id, e.before, e.after, $3
       FROM jsonb_to_recordset($4::jsonb) AS e(action text, entity text, entity_id text, before jsonb, after jsonb)`,
      [
        actor?.id ?? null,
        actor?.roles ?? [],
        actor?.requestId || null,
        JSON.stringify(
          entries.map((e) => ({
            action: e.action,
            entity: e.entity,
            entity_id: e.entityId ?? null,
            before: e.before ?? null,
            after: e.after ?? null,
          })),
        ),
      ],
    );
  }

  /** The entries that match every given filter, newest first; `to` includes its whole day. */
  async events(filter: AuditFilter, limit: number, offset: number): Promise<Page<AuditEvent>> {
    const qb = this.dataSource.getRepository(AuditEvent).createQueryBuilder('e');
    if (filter.entity) qb.andWhere('e.entity = :entity', { entity: filter.entity });
    if (filter.entityId) qb.andWhere('e.entity_id = :entityId', { entityId: filter.entityId });
    if (filter.action) qb.andWhere('e.action = :action', { action: filter.action });
    if (filter.actorId) qb.andWhere('e.actor_id = :actorId', { actorId: filter.actorId });
    if (filter.from) qb.andWhere('e.at >= :from', { from: filter.from });
    if (filter.to) qb.andWhere('e.at < (:to::date + 1)', { to: filter.to });
    const [items, total] = await qb.orderBy('e.id', 'DESC').take(limit).skip(offset).getManyAndCount();
    return { items, total, limit, offset };
  }
}
