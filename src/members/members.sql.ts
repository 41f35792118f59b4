// The SQL the members endpoints share: one select shape for the member view, one WHERE for the filters.
import { CareerStage } from '../common/enums';
import { notLeftBy } from '../database/predicates';
import { StatementParts } from '../database/sql';

export interface MemberFilter {
  externalId?: string;
  region?: string;
  careerStage?: CareerStage;
  instituteId?: string;
  country?: string;
  q?: string;
  includeLeft?: boolean;
}

export const MEMBER_FROM = `
  FROM member m
  JOIN institute i ON i.id = m.institute_id
  JOIN institute_region ir ON ir.institute_id = i.id`;

/** The member view's columns; gender only when the reader is an admin, so nobody else's answer has the key. */
export function memberColumns(withGender: boolean): string {
  return `m.id, m.external_id AS "externalId", m.name, m.email, m.institute_id AS "instituteId",
    json_build_object('id', i.id, 'name', i.name, 'country', i.country) AS institute,
    i.country::text AS country, ir.region_code AS region, m.career_stage AS "careerStage",
    m.joined_on AS "joinedOn", m.left_on AS "leftOn", m.author_since::text AS "authorSince", m.author_until::text AS "authorUntil",${withGender ? ' m.gender,' : ''} m.version`;
}

/** WHERE clause for the list and export filters; adds its parameters to `p`. */
export function memberWhere(filter: MemberFilter, p: StatementParts): string {
  const where: string[] = [];
  if (!filter.includeLeft) where.push(notLeftBy('m', 'current_date'));
  if (filter.externalId) where.push(`m.external_id = ${p.add(filter.externalId, 'text')}`);
  if (filter.region) where.push(`ir.region_code = ${p.add(filter.region, 'text')}`);
  if (filter.careerStage) where.push(`m.career_stage = ${p.add(filter.careerStage, 'text')}`);
  if (filter.instituteId) where.push(`m.institute_id = ${p.add(filter.instituteId, 'uuid')}`);
  if (filter.country) where.push(`i.country = ${p.add(filter.country, 'bpchar')}`);
  if (filter.q) where.push(`m.name ILIKE ${p.add(likePattern(filter.q), 'text')}`);
  return where.length ? `WHERE ${where.join(' AND ')}` : '';
}

/** `q` matches anywhere in the name; % and _ typed by the user are literal characters. */
export function likePattern(q: string): string {
  return `%${q.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
