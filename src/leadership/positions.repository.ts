// The SQL of leadership positions. Reads: leadership_position, leadership_appointment, leadership_call.
// Writes: leadership_position (on the caller's transaction).
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { StatementParts } from '../database/sql';
import { pageWithTotal } from '../database/statements';
import { PositionQuery, PositionView } from './positions.dto';

export const POSITION_COLUMNS = `
  p.id, p.title, p.level, p.area, p.kind, p.mandate, p.requirements, p.term_years AS "termYears",
  p.max_terms AS "maxTerms", p.seats, p.allocates_resources AS "allocatesResources",
  (SELECT count(*)::int FROM leadership_appointment a
   WHERE a.position_id = p.id AND a.starts_on <= current_date AND (a.ends_on IS NULL OR a.ends_on > current_date)) AS "holdersToday",
  p.created_at AS "createdAt", p.updated_at AS "updatedAt", p.version`;

/** The columns a position's fields are written to, with their types. */
export const POSITION_FIELDS = {
  title: ['title', 'text'],
  level: ['level', 'text'],
  area: ['area', 'text'],
  kind: ['kind', 'text'],
  mandate: ['mandate', 'text'],
  requirements: ['requirements', 'text'],
  termYears: ['term_years', 'smallint'],
  maxTerms: ['max_terms', 'smallint'],
  seats: ['seats', 'smallint'],
  allocatesResources: ['allocates_resources', 'boolean'],
} as const;
export type PositionField = keyof typeof POSITION_FIELDS;

@Injectable()
export class PositionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async position(id: string, manager: EntityManager = this.dataSource.manager): Promise<PositionView | undefined> {
    const [row] = await manager.query(`SELECT ${POSITION_COLUMNS} FROM leadership_position p WHERE p.id = $1`, [id]);
    return row;
  }

  positions(q: PositionQuery): Promise<{ items: PositionView[]; total: number }> {
    const filter = (p: StatementParts) => {
      const [level, area, kind] = [p.add(q.level ?? null, 'text'), p.add(q.area ?? null, 'text'), p.add(q.kind ?? null, 'text')];
      return `WHERE (${level} IS NULL OR p.level = ${level}) AND (${area} IS NULL OR p.area = ${area}) AND (${kind} IS NULL OR p.kind = ${kind})`;
    };
    return pageWithTotal(
      this.dataSource,
      (p) => `SELECT ${POSITION_COLUMNS} FROM leadership_position p ${filter(p)}
              ORDER BY p.level, p.area, p.title LIMIT ${p.add(q.limit, 'int')} OFFSET ${p.add(q.offset, 'int')}`,
      (p) => `SELECT count(*)::int AS total FROM leadership_position p ${filter(p)}`,
    );
  }

  async insertPosition(manager: EntityManager, values: { [F in PositionField]: unknown }): Promise<string> {
    const p = new StatementParts();
    const fields = Object.keys(POSITION_FIELDS) as PositionField[];
    const placeholders = fields.map((f) => p.add(values[f], POSITION_FIELDS[f][1]));
    const [{ id }] = await manager.query(
      `INSERT INTO leadership_position (${fields.map((f) => POSITION_FIELDS[f][0]).join(', ')})
       VALUES (${placeholders.join(', ')}) RETURNING id`,
      p.values,
    );
    return id;
  }

  /** The position's version, locked until the transaction ends. */
  async lockPosition(manager: EntityManager, id: string): Promise<{ version: number } | undefined> {
    const [row] = await manager.query(`SELECT version FROM leadership_position WHERE id = $1 FOR UPDATE`, [id]);
    return row;
  }

  /** The position locked, with whether it was ever held or called for. */
  async lockPositionWithHistory(
    manager: EntityManager,
    id: string,
  ): Promise<{ version: number; held: boolean; called: boolean } | undefined> {
    const [row] = await manager.query(
      `SELECT version, EXISTS (SELECT 1 FROM leadership_appointment WHERE position_id = $1) AS held,
              EXISTS (SELECT 1 FROM leadership_call WHERE position_id = $1) AS called
       FROM leadership_position WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return row;
  }

  /** Writes the given fields and counts a new version. */
  async updatePosition(manager: EntityManager, id: string, changes: Partial<Record<PositionField, unknown>>): Promise<void> {
    const fields = Object.keys(changes) as PositionField[];
    const p = new StatementParts();
    const where = p.add(id, 'uuid');
    const sets = fields.map((f) => `${POSITION_FIELDS[f][0]} = ${p.add(changes[f], POSITION_FIELDS[f][1])}`);
    await manager.query(
      `UPDATE leadership_position SET ${sets.join(', ')}, version = version + 1, updated_at = now() WHERE id = ${where}`,
      p.values,
    );
  }

  async deletePosition(manager: EntityManager, id: string): Promise<void> {
    await manager.query(`DELETE FROM leadership_position WHERE id = $1`, [id]);
  }
}
