// The counting behind the balance reports: one SQL statement per report, plain text with positional
// parameters, so the service runs it and the benchmark runs the very same text on a bare pg client.
// Every query answers rows of (value, value_name, group_key, group_name, count); the statistics and
// the suppression happen afterwards, in TypeScript, on these few rows.

export const POPULATIONS = ['members', 'nominations', 'allocations', 'talks'] as const;
export type Population = (typeof POPULATIONS)[number];

export const DIMENSIONS = ['region', 'institute', 'careerStage', 'gender'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export interface SqlQuery {
  text: string;
  values: unknown[];
}

export interface CountFilters {
  /** First day counted (talk date, nomination or allocation creation day). */
  from?: string;
  /** Last day counted; members are counted as they were on this day. */
  to: string;
  conferenceId?: string;
  tier?: string;
  talkType?: string;
}

/** One row of every counting query. */
export interface CountRow {
  /** 'baseline' for the rows of the comparison population, else 'main'. */
  side?: 'main' | 'baseline';
  value: string;
  value_name: string | null;
  group_key: string | null;
  group_name: string | null;
  count: number;
}

class Parameters {
  readonly values: unknown[] = [];
  add(value: unknown, cast: string): string {
    this.values.push(value);
    return `$${this.values.length}::${cast}`;
  }
}

/**
 * The records of one population with the raw attributes the dimensions are made of:
 * institute_id, career_stage, gender, and `day` (the date the record counts on).
 *
 * - members: in the collaboration on `to` (joined on or before, not left by then), with the career
 *   stage and institute of their history entry in force on `to` (before the first entry the first one
 *   applies, as member_career_stage_at does), or the member's own columns without history.
 *   Computed set-based (one pass over each history table), not by a function call per member.
 * - nominations: every nomination not withdrawn, with its snapshot (career stage and institute when
 *   nominated), counted on the day it was made.
 * - allocations: invitations that stand (invited or accepted) with their nomination's snapshot,
 *   counted on the day the invitation was made.
 * - talks: the recorded history with its snapshot, counted on the talk's date.
 */
function populationRecords(population: Population, f: CountFilters, p: Parameters, acceptedOnly = false): string {
  if (population === 'members') {
    if (f.conferenceId || f.tier || f.talkType) {
      throw new Error('members are not filtered by conference, tier or talk type');
    }
    const on = p.add(f.to, 'date');
    // Entries on or before the day first, the latest of them; else the earliest later entry.
    const inForce = `ORDER BY member_id, (valid_from <= ${on}) DESC,
                       CASE WHEN valid_from <= ${on} THEN ${on} - valid_from ELSE valid_from - ${on} END`;
    return `
      SELECT COALESCE(ha.institute_id, m.institute_id) AS institute_id,
             COALESCE(hs.career_stage, m.career_stage) AS career_stage,
             m.gender, ${on} AS day
      FROM member m
      LEFT JOIN (SELECT DISTINCT ON (member_id) member_id, career_stage FROM member_career_stage ${inForce}) hs
        ON hs.member_id = m.id
      LEFT JOIN (SELECT DISTINCT ON (member_id) member_id, institute_id FROM member_affiliation ${inForce}) ha
        ON ha.member_id = m.id
      WHERE m.joined_on <= ${on} AND (m.left_on IS NULL OR m.left_on > ${on})`;
  }
  const conditions: string[] = [];
  let source: string;
  let day: string;
  let slot: string;
  if (population === 'talks') {
    source = `talk x JOIN member m ON m.id = x.member_id`;
    day = 'x.date';
    if (f.conferenceId) conditions.push(`x.conference_id = ${p.add(f.conferenceId, 'uuid')}`);
    if (f.talkType) conditions.push(`x.talk_type = ${p.add(f.talkType, 'text')}`);
    if (f.tier) conditions.push(`x.conference_id IN (SELECT id FROM conference WHERE tier = ${p.add(f.tier, 'text')})`);
    return `
      SELECT x.institute_id, x.career_stage, m.gender, ${day} AS day
      FROM ${source}
      WHERE true ${dateConditions(day, f, p)} ${conditions.map((c) => `AND ${c}`).join(' ')}`;
  }
  if (population === 'nominations') {
    source = `nomination x JOIN member m ON m.id = x.member_id`;
    day = `(x.created_at AT TIME ZONE 'UTC')::date`;
    slot = 'x.slot_id';
    conditions.push(`x.status <> 'withdrawn'`);
  } else {
    source = `allocation a JOIN nomination x ON x.id = a.nomination_id JOIN member m ON m.id = a.member_id`;
    day = `(a.created_at AT TIME ZONE 'UTC')::date`;
    slot = 'a.slot_id';
    conditions.push(acceptedOnly ? `a.status = 'accepted'` : `a.status IN ('invited', 'accepted')`);
  }
  if (f.conferenceId || f.tier || f.talkType) {
    source += ` JOIN slot s ON s.id = ${slot}`;
    if (f.conferenceId) conditions.push(`s.conference_id = ${p.add(f.conferenceId, 'uuid')}`);
    if (f.talkType) conditions.push(`s.talk_type = ${p.add(f.talkType, 'text')}`);
    if (f.tier) conditions.push(`s.conference_id IN (SELECT id FROM conference WHERE tier = ${p.add(f.tier, 'text')})`);
  }
  return `
    SELECT x.institute_id, x.career_stage, m.gender, ${day} AS day
    FROM ${source}
    WHERE ${conditions.join(' AND ')} ${dateConditions(day, f, p)}`;
}

function dateConditions(day: string, f: CountFilters, p: Parameters): string {
  return (f.from ? ` AND ${day} >= ${p.add(f.from, 'date')}` : '') + ` AND ${day} <= ${p.add(f.to, 'date')}`;
}

/** What a dimension (or the calendar year) reads from a population record `r`, with its joins. */
interface Axis {
  key: string;
  name: string;
  joins: string[];
}

function axis(dimension: Dimension | 'year', alias: string): Axis {
  switch (dimension) {
    case 'region':
      return {
        key: `${alias}_r.code`,
        name: `${alias}_r.name`,
        joins: [`JOIN institute_region ${alias}_ir ON ${alias}_ir.institute_id = r.institute_id`,
          `JOIN region ${alias}_r ON ${alias}_r.code = ${alias}_ir.region_code`],
      };
    case 'institute':
      return { key: `${alias}_i.name`, name: 'NULL::text', joins: [`JOIN institute ${alias}_i ON ${alias}_i.id = r.institute_id`] };
    case 'careerStage':
      return { key: 'r.career_stage', name: 'NULL::text', joins: [] };
    case 'gender':
      return { key: 'r.gender', name: 'NULL::text', joins: [] };
    case 'year':
      return { key: `to_char(r.day, 'YYYY')`, name: 'NULL::text', joins: [] };
  }
}

/**
 * The records are first reduced to counts per raw attribute (institute id, career stage, gender,
 * year), so the joins to institutes and regions touch a few hundred rows instead of every talk.
 */
function countBy(records: string, dimension: Dimension, within: Dimension | 'year' | null, side = 'main'): string {
  const needs = new Set<string>();
  for (const d of [dimension, within]) {
    if (d === 'region' || d === 'institute') needs.add('institute_id');
    if (d === 'careerStage') needs.add('career_stage');
    if (d === 'gender') needs.add('gender');
    if (d === 'year') needs.add('day');
  }
  const raw = [...needs].map((c) => (c === 'day' ? `date_trunc('year', day)::date AS day` : c));
  const value = axis(dimension, 'v');
  const group = within ? axis(within, 'g') : null;
  return `
    SELECT '${side}' AS side, ${value.key} AS value, ${value.name} AS value_name,
           ${group ? group.key : 'NULL::text'} AS group_key, ${group ? group.name : 'NULL::text'} AS group_name,
           sum(r.n)::int AS count
    FROM (
      SELECT ${raw.join(', ')}, count(*) AS n
      FROM (${records}) records
      GROUP BY ${raw.map((_, i) => i + 1).join(', ')}
    ) r
    ${[...value.joins, ...(group?.joins ?? [])].join('\n    ')}
    GROUP BY 1, 2, 3, 4, 5`;
}

/**
 * GET /reports/balance: counts of `population` per value of `dimension` within each value of
 * `within`; with `baseline`, the baseline population's counts in the same statement (side 'baseline').
 */
export function balanceCountQuery(
  population: Population, dimension: Dimension, within: Dimension | null, filters: CountFilters,
  baseline?: { population: Population; filters: CountFilters },
): SqlQuery {
  const p = new Parameters();
  let text = countBy(populationRecords(population, filters, p), dimension, within);
  if (baseline) {
    text += `\n    UNION ALL${countBy(populationRecords(baseline.population, baseline.filters, p), dimension, within, 'baseline')}`;
  }
  return { text, values: p.values };
}

/** GET /reports/trends: counts per value of `dimension` within each calendar year (group_key 'YYYY'). */
export function trendCountQuery(population: Exclude<Population, 'members'>, dimension: Dimension, filters: CountFilters): SqlQuery {
  const p = new Parameters();
  const text = countBy(populationRecords(population, filters, p), dimension, 'year');
  return { text, values: p.values };
}
