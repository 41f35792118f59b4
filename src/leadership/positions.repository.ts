// The SQL of leadership positions. Reads: leadership_position, leadership_appointment.
import { EntityManager } from 'typeorm';
import { PositionView } from './positions.dto';

export const POSITION_COLUMNS = `
  p.id, p.title, p.level, p.area, p.kind, p.mandate, p.requirements, p.term_years AS "termYears",
  p.max_terms AS "maxTerms", p.seats, p.allocates_resources AS "allocatesResources",
  (SELECT count(*)::int FROM leadership_appointment a
   WHERE a.position_id = p.id AND a.starts_on <= current_date AND (a.ends_on IS NULL OR a.ends_on > current_date)) AS "holdersToday",
  p.created_at AS "createdAt", p.updated_at AS "updatedAt", p.version`;

/** The columns a position's fields are written to. */
export const POSITION_FIELDS = {
  title: 'title', level: 'level', area: 'area', kind: 'kind', mandate: 'mandate', requirements: 'requirements',
  termYears: 'term_years', maxTerms: 'max_terms', seats: 'seats', allocatesResources: 'allocates_resources',
} as const;
export type PositionField = keyof typeof POSITION_FIELDS;

export async function positionView(manager: EntityManager, id: string): Promise<PositionView | undefined> {
  const [row] = await manager.query(`SELECT ${POSITION_COLUMNS} FROM leadership_position p WHERE p.id = $1`, [id]);
  return row;
}
