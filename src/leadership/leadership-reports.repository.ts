// The counting behind the leadership reports, built from the balance reports' own pieces
// (reports/balance.sql.ts): the holders of a level are a population of records like the membership,
// so the same countBy counts them, split by quarter and with their record keys when gender counts are
// published with noise. Reads leadership_appointment, leadership_position, member and its histories,
// institute, institute_region, region.
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StatementParts } from '../database/sql';
import { countBy, countPopulation, CountRow, Dimension, SqlQuery } from '../reports/balance.sql';
import type { TermInForce } from './leadership-report';

const LEVELS = `SELECT DISTINCT level FROM leadership_position ORDER BY level`;

/**
 * The people holding a position of `level` on `on`, one record each (whoever holds two positions of
 * the level counts once), with the career stage and institute recorded on their appointment's first day.
 */
function holderRecords(level: string, on: string, p: StatementParts): string {
  const day = p.add(on, 'date');
  p.reads('leadership_appointment', 'leadership_position');
  return `
    SELECT DISTINCT ON (a.member_id) a.institute_id, a.career_stage, a.member_id, ${day} AS day, a.record_key
    FROM leadership_appointment a JOIN leadership_position lp ON lp.id = a.position_id
    WHERE lp.level = ${p.add(level, 'text')} AND a.starts_on <= ${day} AND (a.ends_on IS NULL OR a.ends_on > ${day})
    ORDER BY a.member_id, a.starts_on`;
}

/** The holders of `level` on 31 December of each year from `from` to `to` (on `to` in its own year). */
function holderRecordsAtYearEnds(level: string, from: string, to: string, p: StatementParts): string {
  const last = p.add(to, 'date');
  p.reads('leadership_appointment', 'leadership_position');
  return `
    SELECT DISTINCT ON (a.member_id, d.day) a.institute_id, a.career_stage, a.member_id, d.day, a.record_key
    FROM (SELECT least(make_date(y, 12, 31), ${last}) AS day
          FROM generate_series(extract(year FROM ${p.add(from, 'date')})::int, extract(year FROM ${last})::int) y) d
    JOIN leadership_appointment a ON a.starts_on <= d.day AND (a.ends_on IS NULL OR a.ends_on > d.day)
    JOIN leadership_position lp ON lp.id = a.position_id AND lp.level = ${p.add(level, 'text')}
    ORDER BY a.member_id, d.day, a.starts_on`;
}

/** One side per level (side = the level), and the membership on the same day (side 'members'). */
export function holdersCountQuery(levels: readonly string[], dimension: Dimension, on: string, byPeriod: boolean): SqlQuery {
  const p = new StatementParts();
  const parts = levels.map((level) => countBy(p, holderRecords(level, on, p), dimension, null, level, byPeriod));
  parts.push(countPopulation(p, 'members', { to: on }, dimension, null, 'members', byPeriod));
  return p.query(parts.join('\n    UNION ALL'));
}

/** One side per level, grouped by calendar year (group_key 'YYYY'). */
export function holdersTrendQuery(levels: readonly string[], dimension: Dimension, from: string, to: string, byPeriod: boolean): SqlQuery {
  const p = new StatementParts();
  p.reads('leadership_appointment', 'leadership_position');
  const parts = levels.map((level) => countBy(p, holderRecordsAtYearEnds(level, from, to, p), dimension, 'year', level, byPeriod));
  return p.query(parts.join('\n    UNION ALL'));
}

export type SideRow = CountRow & { side: string };

/** The posts a deputy steps up to: the area's conveners, and its other lead posts (detector projects have managers). */
export const LEAD_KINDS = ['convener', 'manager', 'coordinator', 'chair', 'spokesperson'];

/**
 * Per area: the people who served as a deputy there (first deputy term begun by `on`), and of them
 * those who later began a term in a lead post (LEAD_KINDS) of the same area, with the years in between.
 */
const DEPUTY_PIPELINE = `
  WITH deputy AS (
    SELECT dp.area, d.member_id, min(d.starts_on) AS first_deputy
    FROM leadership_appointment d JOIN leadership_position dp ON dp.id = d.position_id
    WHERE dp.kind = 'deputy' AND d.starts_on <= $1::date
    GROUP BY dp.area, d.member_id
  ), promoted AS (
    SELECT dep.area, dep.first_deputy,
           (SELECT min(c.starts_on) FROM leadership_appointment c JOIN leadership_position cp ON cp.id = c.position_id
            WHERE c.member_id = dep.member_id AND cp.kind = ANY ($2::text[]) AND cp.area = dep.area
              AND c.starts_on >= dep.first_deputy AND c.starts_on <= $1::date) AS first_convener
    FROM deputy dep
  )
  SELECT area, count(*)::int AS deputies, count(first_convener)::int AS "becameConveners",
         percentile_cont(0.5) WITHIN GROUP (ORDER BY (first_convener - first_deputy) / 365.25)
           FILTER (WHERE first_convener IS NOT NULL) AS "medianYears"
  FROM promoted GROUP BY area ORDER BY area`;

/** Appointments in force on $1, with the holder's terms in the same position (for the consecutive count). */
const TERMS_IN_FORCE = `
  SELECT a.id AS "appointmentId", a.position_id AS "positionId", p.title AS "positionTitle", p.level, p.area, p.kind,
         a.member_id AS "memberId", m.name AS "memberName", a.starts_on AS "startsOn", a.ends_on AS "endsOn",
         a.term_ends_on AS "termEndsOn", p.term_years AS "termYears",
         p.max_terms AS "maxTerms",
         (SELECT json_agg(json_build_object('startsOn', o.starts_on, 'endsOn', o.ends_on))
          FROM leadership_appointment o WHERE o.position_id = a.position_id AND o.member_id = a.member_id) AS tenures
  FROM leadership_appointment a
  JOIN leadership_position p ON p.id = a.position_id
  JOIN member m ON m.id = a.member_id
  WHERE a.starts_on <= $1::date AND (a.ends_on IS NULL OR a.ends_on > $1::date)
    AND ($2::text IS NULL OR p.level = $2) AND ($3::text IS NULL OR p.area = $3)
  ORDER BY 11, p.title, m.name`;

@Injectable()
export class LeadershipReportsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async levels(): Promise<string[]> {
    return (await this.dataSource.query(LEVELS)).map((r: { level: string }) => r.level);
  }

  /** The rows of a count built by holdersCountQuery or holdersTrendQuery; none when there is no level to count. */
  async counts(query: SqlQuery): Promise<CountRow[]> {
    if (query.text.trim() === '') return [];
    return this.dataSource.query(query.text, query.values);
  }

  deputyPipeline(on: string): Promise<Array<{ area: string; deputies: number; becameConveners: number; medianYears: number | null }>> {
    return this.dataSource.query(DEPUTY_PIPELINE, [on, LEAD_KINDS]);
  }

  termsInForce(on: string, filters: { level?: string; area?: string }): Promise<TermInForce[]> {
    return this.dataSource.query(TERMS_IN_FORCE, [on, filters.level ?? null, filters.area ?? null]);
  }
}
