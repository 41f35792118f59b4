import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../auth/actor';
import { Page } from '../common/pagination';
import { conflict, notFound, staleVersion } from '../common/problem';
import { CreatePositionDto, PositionQuery, PositionView, UpdatePositionDto } from './positions.dto';
import { POSITION_COLUMNS, POSITION_FIELDS, PositionField, positionView } from './positions.repository';

const DEFAULTS = { mandate: '', requirements: '', seats: 1, allocatesResources: false };

/** What the audit log keeps of a position: every field (nothing in it is personal). */
function audited(view: PositionView) {
  const { holdersToday: _holders, createdAt: _created, updatedAt: _updated, ...fields } = view;
  return fields;
}

@Injectable()
export class PositionsService {
  constructor(private readonly dataSource: DataSource, private readonly audit: AuditService) {}

  async create(dto: CreatePositionDto, actor: Actor): Promise<PositionView> {
    // Fields left out arrive as undefined properties: they must not hide the defaults.
    const given = Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined));
    const values = { ...DEFAULTS, ...given } as CreatePositionDto & typeof DEFAULTS;
    const fields = Object.keys(POSITION_FIELDS) as PositionField[];
    return this.dataSource.transaction(async (manager) => {
      const [{ id }] = await manager.query(
        `INSERT INTO leadership_position (${fields.map((f) => POSITION_FIELDS[f]).join(', ')})
         VALUES (${fields.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`,
        fields.map((f) => values[f]),
      );
      const view = (await positionView(manager, id))!;
      await this.audit.record(manager, actor, { action: 'leadership-position.create', entity: 'leadership_position', entityId: id, after: audited(view) });
      return view;
    });
  }

  async list(q: PositionQuery): Promise<Page<PositionView>> {
    const filters = [q.level ?? null, q.area ?? null, q.kind ?? null];
    const where = `WHERE ($1::text IS NULL OR p.level = $1) AND ($2::text IS NULL OR p.area = $2) AND ($3::text IS NULL OR p.kind = $3)`;
    const [items, [{ total }]] = await Promise.all([
      this.dataSource.query(`SELECT ${POSITION_COLUMNS} FROM leadership_position p ${where}
                             ORDER BY p.level, p.area, p.title LIMIT $4 OFFSET $5`, [...filters, q.limit, q.offset]),
      this.dataSource.query(`SELECT count(*)::int AS total FROM leadership_position p ${where}`, filters),
    ]);
    return { items, total, limit: q.limit, offset: q.offset };
  }

  async get(id: string): Promise<PositionView> {
    const view = await positionView(this.dataSource.manager, id);
    if (!view) throw notFound('Position', id);
    return view;
  }

  async update(id: string, dto: Omit<UpdatePositionDto, 'version'>, expectedVersion: number | undefined, actor: Actor): Promise<PositionView> {
    return this.dataSource.transaction(async (manager) => {
      const [current] = await manager.query(`SELECT version FROM leadership_position WHERE id = $1 FOR UPDATE`, [id]);
      if (!current) throw notFound('Position', id);
      if (expectedVersion !== undefined && expectedVersion !== current.version) {
        throw staleVersion(`Position ${id} changed since version ${expectedVersion} (now version ${current.version}); read it again`, current.version);
      }
      const before = audited((await positionView(manager, id))!);
      const fields = (Object.keys(dto) as PositionField[]).filter((f) => dto[f] !== undefined);
      if (fields.length) {
        await manager.query(
          `UPDATE leadership_position SET ${fields.map((f, i) => `${POSITION_FIELDS[f]} = $${i + 2}`).join(', ')},
                  version = version + 1, updated_at = now() WHERE id = $1`,
          [id, ...fields.map((f) => dto[f])],
        );
      }
      const view = (await positionView(manager, id))!;
      if (fields.length) {
        await this.audit.record(manager, actor, {
          action: 'leadership-position.update', entity: 'leadership_position', entityId: id,
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
      const [current] = await manager.query(
        `SELECT version, EXISTS (SELECT 1 FROM leadership_appointment WHERE position_id = $1) AS held,
                EXISTS (SELECT 1 FROM leadership_call WHERE position_id = $1) AS called
         FROM leadership_position WHERE id = $1 FOR UPDATE`, [id]);
      if (!current) throw notFound('Position', id);
      if (expectedVersion !== undefined && expectedVersion !== current.version) {
        throw staleVersion(`Position ${id} changed since version ${expectedVersion} (now version ${current.version}); read it again`, current.version);
      }
      if (current.held || current.called) {
        throw conflict('The position has appointments or calls on record and stays, so that its history does');
      }
      const before = audited((await positionView(manager, id))!);
      await manager.query(`DELETE FROM leadership_position WHERE id = $1`, [id]);
      await this.audit.record(manager, actor, { action: 'leadership-position.delete', entity: 'leadership_position', entityId: id, before });
    });
  }
}
