import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../auth/actor';
import { Page } from '../common/pagination';
import { conflict, notFound, staleVersion } from '../common/problem';
import { CreatePositionDto, PositionQuery, PositionView, UpdatePositionDto } from './positions.dto';
import { PositionField, PositionsRepository } from './positions.repository';

const DEFAULTS = { mandate: '', requirements: '', seats: 1, allocatesResources: false };

/** What the audit log keeps of a position: every field (nothing in it is personal). */
function audited(view: PositionView) {
  const { holdersToday: _holders, createdAt: _created, updatedAt: _updated, ...fields } = view;
  return fields;
}

@Injectable()
export class PositionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly positions: PositionsRepository,
    private readonly audit: AuditService,
  ) {}

  async create(dto: CreatePositionDto, actor: Actor): Promise<PositionView> {
    // Fields left out arrive as undefined properties: they must not hide the defaults.
    const given = Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined));
    const values = { ...DEFAULTS, ...given } as CreatePositionDto & typeof DEFAULTS;
    return this.dataSource.transaction(async (manager) => {
      const id = await this.positions.insertPosition(manager, values);
      const view = (await this.positions.position(id, manager))!;
      await this.audit.record(manager, actor, {
        action: 'leadership-position.create',
        entity: 'leadership_position',
        entityId: id,
        after: audited(view),
      });
      return view;
    });
  }

  async list(q: PositionQuery): Promise<Page<PositionView>> {
    const { items, total } = await this.positions.positions(q);
    return { items, total, limit: q.limit, offset: q.offset };
  }

  async get(id: string): Promise<PositionView> {
    const view = await this.positions.position(id);
    if (!view) throw notFound('Position', id);
    return view;
  }

  async update(
    id: string,
    dto: Omit<UpdatePositionDto, 'version'>,
    expectedVersion: number | undefined,
    actor: Actor,
  ): Promise<PositionView> {
    return this.dataSource.transaction(async (manager) => {
      const current = await this.positions.lockPosition(manager, id);
      if (!current) throw notFound('Position', id);
      if (expectedVersion !== undefined && expectedVersion !== current.version) {
        throw staleVersion(
          `Position ${id} changed since version ${expectedVersion} (now version ${current.version}); read it again`,
          current.version,
        );
      }
      const before = audited((await this.positions.position(id, manager))!);
      const fields = (Object.keys(dto) as PositionField[]).filter((f) => dto[f] !== undefined);
      if (fields.length) {
        await this.positions.updatePosition(manager, id, Object.fromEntries(fields.map((f) => [f, dto[f]])));
      }
      const view = (await this.positions.position(id, manager))!;
      if (fields.length) {
        await this.audit.record(manager, actor, {
          action: 'leadership-position.update',
          entity: 'leadership_position',
          entityId: id,
          before: Object.fromEntries(fields.map((f) => [f, before[f]]).concat([['version', before.version]])),
          after: Object.fromEntries(fields.map((f) => [f, audited(view)[f]]).concat([['version', view.version]])),
        });
      }
      return view;
    });
  }

  /** Only a position nobody ever held and no call was opened for: history is never removed. */
  async remove(id: string, expectedVersion: number | undefined, actor: Actor): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const current = await this.positions.lockPositionWithHistory(manager, id);
      if (!current) throw notFound('Position', id);
      if (expectedVersion !== undefined && expectedVersion !== current.version) {
        throw staleVersion(
          `Position ${id} changed since version ${expectedVersion} (now version ${current.version}); read it again`,
          current.version,
        );
      }
      if (current.held || current.called) {
        throw conflict('The position has appointments or calls on record and stays, so that its history does');
      }
      const before = audited((await this.positions.position(id, manager))!);
      await this.positions.deletePosition(manager, id);
      await this.audit.record(manager, actor, {
        action: 'leadership-position.delete',
        entity: 'leadership_position',
        entityId: id,
        before,
      });
    });
  }
}
