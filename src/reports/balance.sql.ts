// The counting behind the balance reports: one SQL statement per report, plain text with positional
// parameters, so the service runs it and the benchmark runs the very same text on a bare pg client.
// Every query answers rows of (value, value_name, group_key, group_name, count); the statistics and
// the suppression happen afterwards, in TypeScript, on these few rows.

import { SqlQuery, StatementParts } from '../database/sql';
import { previousQuarterEnd, quarterEnd, quarterStart } from '../privacy/reporting-period';

export const POPULATIONS = ['members', 'authors', 'nominations', 'allocations', 'talks'] as const;
export type Population = (typeof POPULATIONS)[number];

/** Populations counted as they stand on a day (the collaboration, its authors), not as events in a period. */
export const isSnapshot = (population: Population): population is 'members' | 'authors' =>
  population === 'members' || population === 'authors';

export const DIMENSIONS = ['region', 'institute', 'careerStage', 'gender'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export type { SqlQuery } from '../database/sql';

export interface CountFilters {
  /** First day counted (talk date, nomination or allocation creation day). */
  from?: string;
  /** Last day counted; members are counted as they were on this day. */
  to: string;
  conferenceId?: string;
  tier?: string;
  talkType?: string;
  /** Only people of this region (by the institute they were at: on the day for members, when it happened otherwise). */
  region?: string;
}

/** One row of every counting query. */
export interface CountRow {
  /** Which part of a combined statement the row belongs to: 'main', 'baseline' or a funnel stage. */
  side?: string;
  value: string;
  value_name: string | null;
  group_key: string | null;
  group_name: string | null;
  count: number;
  /** Split by reporting period only: the first day of the quarter (the snapshot's, for members). */
  period?: string | null;
  /** Split by reporting period only: the sum of the records' keys (the fingerprint the noise uses). */
  cell_key?: number | null;
}

/** Populations counted as events in a period, record by record. */
export type EventPopulation = Exclude<Population, 'members' | 'authors'>;

/**
 * The records of one event population with the raw attributes the dimensions are made of:
 * institute_id, career_stage, member_id (gender is looked up per member after counting), `day` (the
 * date the record counts on) and record_key (the row's random key for the cell-key method, see
 * cell-key.ts). The members and authors on a day are counted from the member tally instead
 * (memberTallyRecords).
 *
 * - nominations: every nomination not withdrawn, with its snapshot (career stage and institute when
 *   nominated), counted on the day it was made (UTC).
 * - allocations: invitations that stand (invited or accepted) with their nomination's snapshot,
 *   counted on the day the invitation was made (UTC).
 * - talks: the recorded history with its snapshot, counted on the talk's date.
 */
export function populationRecords(
  population: EventPopulation,
  f: CountFilters,
  p: StatementParts,
  subset: 'all' | 'accepted' | 'allocated' = 'all',
  /** What day a nomination or invitation counts on: the day it was made, or its conference's first day (trends). */
  dayOf: 'made' | 'conference' = 'made',
): string {
  const conditions: string[] = [];
  if (population === 'talks') {
    if (f.conferenceId) conditions.push(`x.conference_id = ${p.add(f.conferenceId, 'uuid')}`);
    if (f.talkType) conditions.push(`x.talk_type = ${p.add(f.talkType, 'text')}`);
    if (f.tier) conditions.push(`x.conference_id IN (SELECT id FROM ${p.reads('conference')} WHERE tier = ${p.add(f.tier, 'text')})`);
    p.reads('talk');
    conditions.push(...dateConditions('x.date', f, p));
    if (f.region) conditions.push(inRegion('x.institute_id', f.region, p));
    return `
      SELECT x.institute_id, x.career_stage, x.member_id, x.date AS day, x.record_key
      FROM talk x
      WHERE ${conditions.join(' AND ')}`;
  }
  let source: string;
  let day: string;
  let slot: string;
  let record: string;
  if (population === 'nominations') {
    source = `nomination x`;
    day = `(x.created_at AT TIME ZONE 'UTC')::date`;
    slot = 'x.slot_id';
    record = 'x.record_key';
    conditions.push(`x.status <> 'withdrawn'`);
    p.reads('nomination');
    // The committee chose them: an invitation that was not withdrawn (declining is the speaker's choice).
    if (subset === 'allocated') {
      conditions.push(`EXISTS (SELECT 1 FROM ${p.reads('allocation')} a
                               WHERE a.nomination_id = x.id AND a.status IN ('invited', 'accepted', 'declined'))`);
    }
  } else {
    source = `allocation a JOIN nomination x ON x.id = a.nomination_id`;
    p.reads('allocation', 'nomination');
    day = `(a.created_at AT TIME ZONE 'UTC')::date`;
    slot = 'a.slot_id';
    record = 'a.record_key';
    conditions.push(subset === 'accepted' ? `a.status = 'accepted'` : `a.status IN ('invited', 'accepted')`);
  }
  if (dayOf === 'conference') {
    source += ` JOIN slot s ON s.id = ${slot} JOIN conference c ON c.id = s.conference_id`;
    p.reads('slot', 'conference');
    day = 'c.start_date';
  } else if (f.conferenceId || f.tier || f.talkType) {
    source += ` JOIN slot s ON s.id = ${slot}`;
    p.reads('slot');
  }
  if (f.conferenceId || f.tier || f.talkType) {
    if (f.conferenceId) conditions.push(`s.conference_id = ${p.add(f.conferenceId, 'uuid')}`);
    if (f.talkType) conditions.push(`s.talk_type = ${p.add(f.talkType, 'text')}`);
    if (f.tier) conditions.push(`s.conference_id IN (SELECT id FROM ${p.reads('conference')} WHERE tier = ${p.add(f.tier, 'text')})`);
  }
  conditions.push(...dateConditions(day, f, p));
  if (f.region) conditions.push(inRegion('x.institute_id', f.region, p));
  return `
    SELECT x.institute_id, x.career_stage, x.member_id, ${day} AS day, ${record} AS record_key
    FROM ${source}
    WHERE ${conditions.join(' AND ')}`;
}

/** The institute is in the region (its override, else its country's). */
function inRegion(institute: string, region: string, p: StatementParts): string {
  return `${institute} IN (SELECT institute_id FROM ${p.reads('institute_region')} WHERE region_code = ${p.add(region, 'text')})`;
}

function dateConditions(day: string, f: CountFilters, p: StatementParts): string[] {
  return [...(f.from ? [`${day} >= ${p.add(f.from, 'date')}`] : []), `${day} <= ${p.add(f.to, 'date')}`];
}

/** What a dimension (or the calendar year) reads from a counted row `r`, with its joins. */
interface Axis {
  key: string;
  name: string;
  joins: string[];
  /** The tables (or views) the joins read. */
  reads: string[];
}

export function axis(dimension: Dimension | 'year', alias: string): Axis {
  switch (dimension) {
    case 'region':
      return {
        key: `${alias}_r.code`,
        name: `${alias}_r.name`,
        joins: [
          `JOIN institute_region ${alias}_ir ON ${alias}_ir.institute_id = r.institute_id`,
          `JOIN region ${alias}_r ON ${alias}_r.code = ${alias}_ir.region_code`,
        ],
        reads: ['institute_region', 'region'],
      };
    case 'institute':
      return {
        key: `${alias}_i.name`,
        name: 'NULL::text',
        joins: [`JOIN institute ${alias}_i ON ${alias}_i.id = r.institute_id`],
        reads: ['institute'],
      };
    case 'careerStage':
      return { key: 'r.career_stage', name: 'NULL::text', joins: [], reads: [] };
    case 'gender':
      return { key: 'r.gender', name: 'NULL::text', joins: [], reads: [] };
    case 'year':
      return { key: `to_char(r.day, 'YYYY')`, name: 'NULL::text', joins: [], reads: [] };
  }
}

/**
 * The records are first reduced to counts per raw attribute (institute id, career stage, gender, year),
 * so the joins to institutes and regions touch a few hundred rows, not a million talks. Gender is
 * joined in before counting: a hash join with the members is cheaper than counting per member first.
 * With `byPeriod` (gender counts published with noise, src/privacy/), counts are also split by
 * reporting period (the calendar quarter of an event, the day of a membership snapshot) and carry the
 * sum of their records' keys, the fingerprint the noise is drawn from.
 */
export function countBy(
  p: StatementParts,
  records: string,
  dimension: Dimension,
  within: Dimension | 'year' | null,
  side = 'main',
  byPeriod = false,
  /** The records are already counted: they carry gender, `n` (how many) and `k` (their keys' sum). */
  counted = false,
): string {
  const needs = new Set<string>();
  for (const d of [dimension, within]) {
    if (d === 'region' || d === 'institute') needs.add('institute_id');
    if (d === 'careerStage') needs.add('career_stage');
    if (d === 'gender') needs.add('gender');
    if (d === 'year') needs.add('day');
  }
  if (byPeriod) needs.add('period');
  const raw = [...needs].map((c) =>
    c === 'day'
      ? // On a plain timestamp: the same day, without a time-zone look-up per record.
        `date_trunc('year', records.day::timestamp)::date AS day`
      : // Counted records are per quarter already: their day is the quarter's first.
        c === 'period'
        ? counted
          ? 'records.day AS period'
          : `date_trunc('quarter', records.day::timestamp)::date AS period`
        : c === 'gender'
          ? counted
            ? 'records.gender'
            : 'gm.gender'
          : `records.${c}`,
  );
  const value = axis(dimension, 'v');
  const group = within ? axis(within, 'g') : null;
  p.reads(...value.reads, ...(group?.reads ?? []), ...(needs.has('gender') && !counted ? ['member'] : []));
  const n = counted ? 'sum(records.n)' : 'count(*)';
  const k = counted ? 'sum(records.k)' : 'sum(records.record_key)';
  return `
    SELECT '${side}' AS side, ${value.key} AS value, ${value.name} AS value_name,
           ${group ? group.key : 'NULL::text'} AS group_key, ${group ? group.name : 'NULL::text'} AS group_name,
           ${byPeriod ? `to_char(r.period, 'YYYY-MM-DD')` : 'NULL::text'} AS period,
           sum(r.n)::int AS count, ${byPeriod ? `(sum(r.k) % 1000000007)::int` : 'NULL::int'} AS cell_key
    FROM (
      SELECT ${raw.join(', ')}, ${n} AS n${byPeriod ? `, ${k} AS k` : ''}
      FROM (${records}) records
      ${needs.has('gender') && !counted ? 'JOIN member gm ON gm.id = records.member_id' : ''}
      GROUP BY ${raw.map((_, i) => i + 1).join(', ')}
      ${counted ? 'HAVING sum(records.n) <> 0' : ''}
    ) r
    ${[...value.joins, ...(group?.joins ?? [])].join('\n    ')}
    GROUP BY 1, 2, 3, 4, 5, 6`;
}

/**
 * countBy over a population's records; talks from the maintained tally (the TallyTalks migration)
 * when one of its levels holds every attribute the count needs, else from the talks themselves.
 */
export function countPopulation(
  p: StatementParts,
  population: Population,
  f: CountFilters,
  dimension: Dimension,
  within: Dimension | 'year' | null,
  side: string,
  byPeriod: boolean,
): string {
  if (isSnapshot(population)) {
    if (f.conferenceId || f.tier || f.talkType) throw new Error(`${population} are not filtered by conference, tier or talk type`);
    return countBy(p, memberTallyRecords(population, f, p), dimension, within, side, byPeriod, true);
  }
  const level = population === 'talks' ? tallyLevel(f, [dimension, within]) : null;
  const span = level === null ? null : tallySpan(f);
  if (level === null || span === null) return countBy(p, populationRecords(population, f, p), dimension, within, side, byPeriod);
  return countBy(p, talkTallyRecords(f, level, span, p), dimension, within, side, byPeriod, true);
}

/**
 * Counted records for countBy(..., counted = true) of the members (or authors) in the collaboration
 * on `f.to`, or with `yearsFrom` on 31 December of each year from then (on `to` itself for its own
 * year), from the member tally (migration MaintainMemberTally): one look-up per cell and day of the
 * count on that day, with the career stage and institute in force then. `day` is the snapshot's
 * quarter, as a record's quarter is for events.
 */
export function memberTallyRecords(
  population: 'members' | 'authors',
  f: { to: string; region?: string },
  p: StatementParts,
  yearsFrom?: string,
): string {
  const to = p.add(f.to, 'date');
  const on = yearsFrom ? 'd.day' : to;
  // The year ends and their quarters computed once (OFFSET 0 keeps them from being inlined into the
  // join, where they would be computed again for every cell).
  const days = yearsFrom
    ? `(
        SELECT day, date_trunc('quarter', day::timestamp)::date AS quarter
        FROM generate_series(extract(year FROM ${p.add(yearsFrom, 'date')})::int, extract(year FROM ${to})::int) year,
             LATERAL (SELECT least(make_date(year, 12, 31), ${to}) AS day) e
        OFFSET 0
      ) d CROSS JOIN `
    : '';
  const where = [...(population === 'authors' ? ['y.author'] : []), ...(f.region ? [inRegion('y.institute_id', f.region, p)] : [])];
  return `
      SELECT y.institute_id, y.career_stage, y.gender, ${yearsFrom ? 'd.quarter' : `date_trunc('quarter', ${to}::timestamp)::date`} AS day,
             y.n[width_bucket(${on}, y.days)] AS n, y.k[width_bucket(${on}, y.days)] AS k
      FROM ${days}${p.reads('member_tally')} y
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;
}

/** The tally level (mask: 1 institute, 2 career stage, 4 gender, 8 tier, 16 talk type) a talk count needs, or null. */
export function tallyLevel(f: CountFilters, axes: ReadonlyArray<Dimension | 'year' | null>): number | null {
  if (f.conferenceId) return null;
  let level = 0;
  if (f.region || axes.includes('region') || axes.includes('institute')) level |= 1;
  if (axes.includes('careerStage')) level |= 2;
  if (axes.includes('gender')) level |= 4;
  if (f.tier) level |= 8;
  if (f.talkType) level |= 16;
  // The institute is kept with career stage and gender only.
  return level & 1 && level & (8 | 16) ? null : level;
}

/** Whole quarters read from the tally, and the days at either end counted from the talks with a sign. */
export interface TallySpan {
  /** First and last quarter (their first days) taken whole; `from` null: every quarter up to `to`. */
  quarters: { from: string | null; to: string };
  corrections: Array<{ from: string; to: string; sign: 1 | -1 }>;
}

const addDays = (day: string, days: number) => new Date(Date.parse(day) + days * 86_400_000).toISOString().slice(0, 10);
const daysBetween = (a: string, b: string) => Math.round((Date.parse(b) - Date.parse(a)) / 86_400_000) + 1;

/**
 * [from, to] as whole quarters plus corrections: a quarter cut by `from` or `to` is either left out and
 * its days inside added from the talks, or taken whole and its days outside taken away, whichever
 * reads fewer days (a report up to today takes its quarter whole and subtracts the days still to
 * come, usually none). Null when from and to cut the same quarter: then the talks are counted directly.
 */
export function tallySpan(f: { from?: string; to: string }): TallySpan | null {
  const corrections: TallySpan['corrections'] = [];
  let last = quarterStart(f.to);
  if (quarterEnd(f.to) !== f.to) {
    if (f.from && quarterStart(f.from) === last) return null;
    const inside = daysBetween(last, f.to);
    const outside = daysBetween(addDays(f.to, 1), quarterEnd(f.to));
    if (outside < inside) corrections.push({ from: addDays(f.to, 1), to: quarterEnd(f.to), sign: -1 });
    else {
      corrections.push({ from: last, to: f.to, sign: 1 });
      last = quarterStart(previousQuarterEnd(f.to));
    }
  }
  let first: string | null = null;
  if (f.from) {
    first = quarterStart(f.from);
    if (first !== f.from) {
      const before = daysBetween(first, addDays(f.from, -1));
      const inside = daysBetween(f.from, quarterEnd(f.from));
      if (before < inside) corrections.push({ from: first, to: addDays(f.from, -1), sign: -1 });
      else {
        corrections.push({ from: f.from, to: quarterEnd(f.from), sign: 1 });
        first = addDays(quarterEnd(f.from), 1);
      }
    }
  }
  return { quarters: { from: first, to: last }, corrections };
}

/**
 * Counted talk records for countBy(..., counted = true): the tally's rows of one level for the whole
 * quarters, and the talks of the cut days with their sign. `day` is the quarter's first day.
 */
function talkTallyRecords(f: CountFilters, level: number, span: TallySpan, p: StatementParts): string {
  const filters = (tier: string, type: string, institute: string) => [
    ...(f.tier ? [`${tier} = ${p.add(f.tier, 'text')}`] : []),
    ...(f.talkType ? [`${type} = ${p.add(f.talkType, 'text')}`] : []),
    ...(f.region ? [inRegion(institute, f.region, p)] : []),
  ];
  const tally = [
    `y.level = ${p.add(level, 'int2')}`,
    ...(span.quarters.from ? [`y.quarter >= ${p.add(span.quarters.from, 'date')}`] : []),
    `y.quarter <= ${p.add(span.quarters.to, 'date')}`,
    ...filters('y.tier', 'y.talk_type', 'y.institute_id'),
  ];
  const parts = [
    `
      SELECT y.institute_id, y.career_stage, y.gender, y.quarter AS day, y.n, y.k
      FROM ${p.reads('talk_tally')} y
      WHERE ${tally.join(' AND ')}`,
  ];
  for (const c of span.corrections) {
    const where = [
      `x.date BETWEEN ${p.add(c.from, 'date')} AND ${p.add(c.to, 'date')}`,
      ...filters('c.tier', 'x.talk_type', 'x.institute_id'),
    ];
    const gender = (level & 4) !== 0;
    p.reads('talk', ...(gender ? ['member'] : []), ...(f.tier ? ['conference'] : []));
    parts.push(`
      SELECT x.institute_id, x.career_stage, ${gender ? 'm.gender' : 'NULL::text'}, date_trunc('quarter', x.date::timestamp)::date AS day,
             ${c.sign} AS n, ${c.sign} * x.record_key AS k
      FROM talk x${gender ? ' JOIN member m ON m.id = x.member_id' : ''}${f.tier ? ' JOIN conference c ON c.id = x.conference_id' : ''}
      WHERE ${where.join(' AND ')}`);
  }
  return parts.join('\n      UNION ALL');
}

/**
 * GET /reports/balance: counts of `population` per value of `dimension` within each value of
 * `within`; with `baseline`, the baseline population's counts in the same statement (side 'baseline').
 */
export function balanceCountQuery(
  population: Population,
  dimension: Dimension,
  within: Dimension | null,
  filters: CountFilters,
  baseline?: { population: Population; filters: CountFilters },
  byPeriod = false,
): SqlQuery {
  const p = new StatementParts();
  let text = countPopulation(p, population, filters, dimension, within, 'main', byPeriod);
  if (baseline) {
    text += `\n    UNION ALL${countPopulation(p, baseline.population, baseline.filters, dimension, within, 'baseline', byPeriod)}`;
  }
  return p.query(text);
}

/** GET /reports/trends: counts per value of `dimension` within each calendar year (group_key 'YYYY'). */
export function trendCountQuery(
  population: Population,
  dimension: Dimension,
  filters: CountFilters & { from: string },
  byPeriod = false,
  compareTo?: Population,
): SqlQuery {
  const p = new StatementParts();
  // Nominations and invitations are put under the year of their conference (ICHEP 2027's under 2027).
  const countsOf = (which: Population, side: string) =>
    which === 'talks'
      ? countPopulation(p, which, filters, dimension, 'year', side, byPeriod)
      : isSnapshot(which)
        ? countBy(p, memberTallyRecords(which, filters, p, filters.from), dimension, 'year', side, byPeriod, true)
        : countBy(p, populationRecords(which, filters, p, 'all', 'conference'), dimension, 'year', side, byPeriod);
  let text = countsOf(population, 'main');
  // Each year against the same year's baseline: 2019's talks against the membership at the end of 2019.
  if (compareTo) text += `\n    UNION ALL${countsOf(compareTo, 'baseline')}`;
  return p.query(text);
}

export const FUNNEL_STAGES = ['members', 'nominations', 'allocations', 'accepted'] as const;
export type FunnelStage = (typeof FUNNEL_STAGES)[number];

/**
 * GET /reports/funnel: the four stages in one statement, `side` naming the stage. Members are the
 * collaboration on `to` (not per conference); the other stages use the period and conference filters;
 * accepted is the subset of the allocations that were accepted.
 */
export function funnelCountQuery(dimension: Dimension, filters: CountFilters, membersOn = filters.to, byPeriod = false): SqlQuery {
  const p = new StatementParts();
  const parts = [
    countPopulation(p, 'members', { to: membersOn }, dimension, null, 'members', byPeriod),
    countBy(p, populationRecords('nominations', filters, p), dimension, null, 'nominations', byPeriod),
    countBy(p, populationRecords('allocations', filters, p), dimension, null, 'allocations', byPeriod),
    countBy(p, populationRecords('allocations', filters, p, 'accepted'), dimension, null, 'accepted', byPeriod),
  ];
  return p.query(parts.join('\n    UNION ALL'));
}

export interface EquityRow {
  career_stage: string;
  gender: string;
  nominations: number;
  allocations: number;
}

/**
 * GET /reports/equity: nominations (not withdrawn, made in the period) per gender within career stage
 * at nomination (side 'nominations'), and those the committee allocated (side 'allocated'): an
 * invitation that was not withdrawn (invited, accepted or declined: declining is the speaker's choice,
 * not the committee's). The nominations are the same cells as the balance report's.
 */
export function equityCountQuery(filters: CountFilters, byPeriod = false): SqlQuery {
  const p = new StatementParts();
  const parts = [
    countBy(p, populationRecords('nominations', filters, p), 'gender', 'careerStage', 'nominations', byPeriod),
    countBy(p, populationRecords('nominations', filters, p, 'allocated'), 'gender', 'careerStage', 'allocated', byPeriod),
  ];
  return p.query(parts.join('\n    UNION ALL'));
}

/** The equity table from its counted rows (gender within career stage, per side). */
export function equityRows(rows: readonly CountRow[]): EquityRow[] {
  const byCell = new Map<string, EquityRow>();
  for (const row of rows) {
    const key = `${row.group_key}\u0000${row.value}`;
    const cell = byCell.get(key) ?? { career_stage: row.group_key as string, gender: row.value, nominations: 0, allocations: 0 };
    if (row.side === 'nominations') cell.nominations += row.count;
    else cell.allocations += row.count;
    byCell.set(key, cell);
  }
  return [...byCell.values()];
}

export interface DeclineCountRow {
  value: string;
  value_name: string | null;
  /** accepted, expired, or declined:<category> (declined:unstated when none was given). */
  outcome: string;
  count: number;
}

/**
 * GET /reports/declines: invitations that ended with an answer or lapsed (accepted, declined, expired;
 * a withdrawal is the committee's, not the speaker's), per value of the dimension (the nomination's
 * snapshot: career stage and institute when nominated) and outcome, counted on the day the invitation
 * was made.
 */
export function declinesCountQuery(dimension: 'region' | 'careerStage', f: CountFilters): SqlQuery {
  const p = new StatementParts();
  let source = 'allocation a JOIN nomination x ON x.id = a.nomination_id';
  p.reads('allocation', 'nomination');
  const conditions = [`a.status IN ('accepted', 'declined', 'expired')`];
  if (f.conferenceId || f.tier) {
    source += ` JOIN ${p.reads('slot')} s ON s.id = a.slot_id`;
    if (f.conferenceId) conditions.push(`s.conference_id = ${p.add(f.conferenceId, 'uuid')}`);
    if (f.tier) conditions.push(`s.conference_id IN (SELECT id FROM ${p.reads('conference')} WHERE tier = ${p.add(f.tier, 'text')})`);
  }
  conditions.push(...dateConditions(`(a.created_at AT TIME ZONE 'UTC')::date`, f, p));
  const value = axis(dimension, 'v');
  p.reads(...value.reads);
  return p.query(`
    SELECT ${value.key} AS value, ${value.name} AS value_name, r.outcome, sum(r.n)::int AS count
    FROM (
      SELECT x.institute_id, x.career_stage,
             CASE WHEN a.status = 'declined' THEN 'declined:' || COALESCE(a.decline_category, 'unstated') ELSE a.status END AS outcome,
             count(*) AS n
      FROM ${source}
      WHERE ${conditions.join(' AND ')}
      GROUP BY 1, 2, 3
    ) r
    ${value.joins.join('\n    ')}
    GROUP BY 1, 2, 3`);
}
