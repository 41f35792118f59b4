// The full-scan SQL: a frozen copy of how the service counted and ranked before it kept aggregates,
// by scanning the raw tables (every counted talk decayed one by one, every report row counted from
// the talk, nomination and allocation tables). It is the reference the maintained aggregates must
// agree with: test/aggregates-property.e2e-spec.ts compares the service's answers against it on random
// histories, and the benchmark (test/bench/bench.ts) times it beside the service and checks a sample
// of answers. Only shared types and vocabularies come from src; the SQL-building code is copied on
// purpose, so that changing the service's SQL cannot change the reference. Do not "fix" it to follow
// src: if the service's answers change meaning, the reference changes with a reviewed edit here.
import { CAREER_STAGES, CareerStage, CONFERENCE_TIERS, TALK_TYPES } from '../../src/common/enums';
import type { SqlQuery } from '../../src/database/sql';
import { RankWeights } from '../../src/ranking/eligibility';
import type { CountFilters, Dimension, Population } from '../../src/reports/balance.sql';

export type { SqlQuery };

/** Collects a statement's parameters as `$n::cast` (the tables read do not matter to a reference). */
class Parameters {
  readonly values: unknown[] = [];

  add(value: unknown, cast: string): string {
    this.values.push(value);
    return `$${this.values.length}::${cast}`;
  }

  /** The first table named, for use inline (the service's builder also records them). */
  reads(...tables: string[]): string {
    return tables[0];
  }

  query(text: string): SqlQuery {
    return { text, values: this.values };
  }
}

// ---------------------------------------------------------------------------------------------
// Rankings: src/ranking/ranking.sql.ts as it was

/** `weights[section][column's value]` as a float8 CASE (keys come from the fixed vocabularies). */
export function weightOf(weights: string, section: keyof RankWeights, keys: readonly string[], column: string): string {
  const branches = keys.map((key) => `WHEN '${key}' THEN (${weights} #>> '{${section},${key}}')::float8`).join(' ');
  return `(CASE ${column} ${branches} ELSE 0::float8 END)`;
}

const number = (weights: string, key: 'halfLifeYears' | 'windowYears') => `(${weights} ->> '${key}')::float8`;

/**
 * Talks that count at `asOf` (strictly before it, no older than windowYears), each with its age,
 * decay and contribution. `members` is a relation with a member_id column, or null for everybody.
 * The coarse date bound lets an index do the work; the exact age test follows.
 * `knownAt`: talks recorded later than this are left out, so an answer can be replayed exactly.
 */
export function weighedTalks(p: {
  members: string | null;
  asOf: string;
  weights: string;
  knownAt?: string;
  withConference?: boolean;
}): string {
  const age = `((${p.asOf} - t.date)::float8 / 365.25)`;
  const decay = `power(0.5::float8, ${age} / ${number(p.weights, 'halfLifeYears')})`;
  const typeWeight = weightOf(p.weights, 'typeWeight', TALK_TYPES, 't.talk_type');
  const tierWeight = weightOf(p.weights, 'tierWeight', CONFERENCE_TIERS, 'c.tier');
  return `
    SELECT t.member_id, ${
      p.withConference
        ? `t.id AS talk_id, t.conference_id, t.talk_type, t.date, c.name AS conference_name,
           c.tier, ${age} AS age_years, ${decay} AS decay,`
        : ''
    }
           (${typeWeight} * ${tierWeight}) * ${decay} AS contribution
    FROM talk t
    ${p.members ? `JOIN ${p.members} who ON who.member_id = t.member_id` : ''}
    JOIN conference c ON c.id = t.conference_id
    WHERE t.date < ${p.asOf}
      AND t.date >= ${p.asOf} - ceil(${number(p.weights, 'windowYears')} * 365.25)::int
      AND ${age} <= ${number(p.weights, 'windowYears')}
      ${p.knownAt ? `AND t.created_at <= ${p.knownAt}` : ''}`;
}

export const bonusOf = (weights: string, column: string) => weightOf(weights, 'careerBonus', CAREER_STAGES, column);

/**
 * Equal scores share a rank. Scores are rounded to 1e-9 first, so that two equal histories summed in
 * a different order (last-bit noise) still tie.
 */
export const RANK_KEY = `round(score * 1e9)`;

/**
 * member_career_stage_at / member_institute_at for one member, written out so the planner can use
 * the history's primary key: the entry in force at the date, else (date before the first) the first.
 */
export function historyAt(table: string, column: string, memberId: string, date: string): string {
  return `(SELECT h.${column} FROM ${table} h WHERE h.member_id = ${memberId}
           ORDER BY (h.valid_from <= ${date}) DESC,
                    CASE WHEN h.valid_from <= ${date} THEN h.valid_from END DESC NULLS LAST, h.valid_from
           LIMIT 1)`;
}

/** The same rule for everybody at once: two hash aggregates instead of a sort per member. */
export function everyoneHistoryAt(table: string, column: string, date: string): string {
  return `
    SELECT h.member_id, h.${column}
    FROM (
      SELECT member_id, COALESCE(max(valid_from) FILTER (WHERE valid_from <= ${date}), min(valid_from)) AS valid_from
      FROM ${table} GROUP BY member_id
    ) k
    JOIN ${table} h ON h.member_id = k.member_id AND h.valid_from = k.valid_from`;
}

/**
 * The active nominees of one slot (submitted, shortlisted, allocated), scored as of `asOf` (the
 * conference start) with a per-talk breakdown, best first.
 * Parameters: $1 slot id, $2 asOf (date), $3 policy weights (jsonb).
 */
export function fullScanCandidatesQuery(p: { slotId: string; asOf: string; weights: RankWeights }): SqlQuery {
  const text = `
    WITH nominee AS MATERIALIZED (
      SELECT n.id AS nomination_id, n.status AS nomination_status, n.member_id, m.name,
             COALESCE(${historyAt('member_career_stage', 'career_stage', 'm.id', '$2::date')}, m.career_stage) AS career_stage,
             COALESCE(${historyAt('member_affiliation', 'institute_id', 'm.id', '$2::date')}, m.institute_id) AS institute_id,
             -- Who nominated and why, beside the rank: the committee weighs them together.
             json_build_object('userId', n.nominator_id, 'memberId', n.nominator_member_id, 'name', COALESCE(nm.name, u.name)) AS nominator,
             n.reason,
             array_remove(ARRAY[
               CASE WHEN n.nominator_member_id = n.member_id THEN 'self-nomination' END,
               CASE WHEN n.nominator_member_id <> n.member_id AND n.nominator_institute_id = n.institute_id THEN 'same-institute' END
             ], NULL) AS conflicts_of_interest
      FROM nomination n
      JOIN member m ON m.id = n.member_id
      JOIN app_user u ON u.id = n.nominator_id
      LEFT JOIN member nm ON nm.id = n.nominator_member_id
      WHERE n.slot_id = $1::uuid AND n.status IN ('submitted', 'shortlisted', 'allocated')
    ),
    talk_load AS (
      SELECT member_id, sum(contribution) AS talk_load,
             json_agg(json_build_object(
               'talkId', talk_id, 'conferenceId', conference_id, 'conferenceName', conference_name, 'tier', tier,
               'talkType', talk_type, 'date', date, 'ageYears', age_years, 'decay', decay, 'contribution', contribution
             ) ORDER BY contribution DESC, date DESC, talk_id) AS talks
      FROM (${weighedTalks({ members: 'nominee', asOf: '$2::date', weights: '$3::jsonb', withConference: true })}) w
      GROUP BY member_id
    ),
    scored AS (
      SELECT nominee.*, ${bonusOf('$3::jsonb', 'nominee.career_stage')} AS bonus,
             COALESCE(l.talk_load, 0) AS talk_load,
             ${bonusOf('$3::jsonb', 'nominee.career_stage')} - COALESCE(l.talk_load, 0) AS score,
             COALESCE(l.talks, '[]'::json) AS talks
      FROM nominee
      LEFT JOIN talk_load l ON l.member_id = nominee.member_id
    )
    SELECT s.member_id, s.name, s.nomination_id, s.nomination_status, s.nominator, s.reason, s.conflicts_of_interest,
           s.career_stage, s.institute_id,
           i.name AS institute_name, ir.region_code AS region, s.bonus, s.talk_load, s.score, s.talks,
           rank() OVER (ORDER BY ${RANK_KEY} DESC)::int AS rank
    FROM scored s
    JOIN institute i ON i.id = s.institute_id
    JOIN institute_region ir ON ir.institute_id = s.institute_id
    ORDER BY rank, s.name, s.member_id`;
  return { text, values: [p.slotId, p.asOf, JSON.stringify(p.weights)] };
}

/**
 * Every member who had not left by `asOf`, scored and ranked across the whole collaboration; then
 * optionally narrowed to a region and/or career stage (both as of `asOf`) and paginated.
 * `rank` is the collaboration-wide rank, `rank_in_selection` the rank among the rows selected;
 * `total` counts the selection. Ties are listed by name.
 * Parameters: $1 asOf, $2 weights (jsonb), $3 region|null, $4 careerStage|null, $5 limit, $6 offset,
 * [$7 knownAt: talks recorded later are left out].
 */
export function fullScanRankingsQuery(p: {
  asOf: string;
  weights: RankWeights;
  region?: string | null;
  careerStage?: CareerStage | null;
  limit: number;
  offset: number;
  knownAt?: string | null;
}): SqlQuery {
  const knownAt = p.knownAt ? '$7::timestamptz' : undefined;
  const filtered = Boolean(p.region || p.careerStage);
  const text = `
    WITH person AS (
      SELECT m.id AS member_id, m.name,
             COALESCE(s.career_stage, m.career_stage) AS career_stage,
             COALESCE(a.institute_id, m.institute_id) AS institute_id
      FROM member m
      LEFT JOIN (${everyoneHistoryAt('member_career_stage', 'career_stage', '$1::date')}) s ON s.member_id = m.id
      LEFT JOIN (${everyoneHistoryAt('member_affiliation', 'institute_id', '$1::date')}) a ON a.member_id = m.id
      WHERE m.left_on IS NULL OR m.left_on > $1::date
    ),
    talk_load AS (
      SELECT member_id, sum(contribution) AS talk_load, count(*)::int AS talks_counted
      FROM (${weighedTalks({ members: null, asOf: '$1::date', weights: '$2::jsonb', knownAt })}) w
      GROUP BY member_id
    ),
    scored AS (
      SELECT p.member_id, p.name, p.career_stage, p.institute_id, ir.region_code AS region,
             COALESCE(l.talk_load, 0) AS talk_load, COALESCE(l.talks_counted, 0) AS talks_counted,
             ${bonusOf('$2::jsonb', 'p.career_stage')} - COALESCE(l.talk_load, 0) AS score
      FROM person p
      JOIN institute_region ir ON ir.institute_id = p.institute_id
      LEFT JOIN talk_load l ON l.member_id = p.member_id
    ),
    ranked AS (
      SELECT scored.*, rank() OVER (ORDER BY rank_key DESC)::int AS rank
      FROM (SELECT scored.*, ${RANK_KEY} AS rank_key FROM scored) scored
    ),
    selected AS (
      ${
        filtered
          ? `SELECT ranked.*, rank() OVER (ORDER BY rank_key DESC)::int AS rank_in_selection
      FROM ranked
      WHERE ($3::text IS NULL OR region = $3::text) AND ($4::text IS NULL OR career_stage = $4::text)`
          : // Nothing filtered out: the rank in the selection is the rank, no second sort needed.
            `SELECT ranked.*, rank AS rank_in_selection FROM ranked WHERE $3::text IS NULL AND $4::text IS NULL`
      }
    ),
    page AS (
      SELECT selected.*, count(*) OVER ()::int AS total FROM selected ORDER BY rank, name, member_id LIMIT $5 OFFSET $6
    )
    SELECT page.member_id, page.name, page.career_stage, page.institute_id, i.name AS institute_name, page.region,
           ${bonusOf('$2::jsonb', 'page.career_stage')} AS bonus, page.talk_load, page.talks_counted, page.score,
           page.rank, page.rank_in_selection, page.total
    FROM page
    JOIN institute i ON i.id = page.institute_id
    ORDER BY page.rank, page.name, page.member_id`;
  const values: unknown[] = [p.asOf, JSON.stringify(p.weights), p.region ?? null, p.careerStage ?? null, p.limit, p.offset];
  if (p.knownAt) values.push(p.knownAt);
  return { text, values };
}

// ---------------------------------------------------------------------------------------------
// Report counts: src/reports/balance.sql.ts as it was

// The builders below take the parameter collector under the name the service's copy gave it.
type StatementParts = Parameters;

const isSnapshot = (population: Population): population is 'members' | 'authors' => population === 'members' || population === 'authors';

/**
 * The records of one population with the raw attributes the dimensions are made of: institute_id,
 * career_stage, member_id (gender is looked up per member after counting), `day` (the date the
 * record counts on) and record_key (the row's random key for the cell-key method, see cell-key.ts).
 *
 * - members: in the collaboration on `to` (joined on or before, not left by then), with the career
 *   stage and institute of their history entry in force on `to` (before the first entry the first one
 *   applies, as member_career_stage_at does), or the member's own columns without history.
 *   Computed set-based (one pass over each history table), not by a function call per member.
 * - nominations: every nomination not withdrawn, with its snapshot (career stage and institute when
 *   nominated), counted on the day it was made (UTC).
 * - allocations: invitations that stand (invited or accepted) with their nomination's snapshot,
 *   counted on the day the invitation was made (UTC).
 * - talks: the recorded history with its snapshot, counted on the talk's date.
 */
export function populationRecords(
  population: Population,
  f: CountFilters,
  p: StatementParts,
  subset: 'all' | 'accepted' | 'allocated' = 'all',
  /** What day a nomination or invitation counts on: the day it was made, or its conference's first day (trends). */
  dayOf: 'made' | 'conference' = 'made',
): string {
  if (isSnapshot(population)) {
    if (f.conferenceId || f.tier || f.talkType) {
      throw new Error(`${population} are not filtered by conference, tier or talk type`);
    }
    const on = p.add(f.to, 'date');
    p.reads('member', 'member_career_stage', 'member_affiliation');
    // Entries on or before the day first, the latest of them; else the earliest later entry.
    const inForce = `ORDER BY member_id, (valid_from <= ${on}) DESC,
                       CASE WHEN valid_from <= ${on} THEN ${on} - valid_from ELSE valid_from - ${on} END`;
    return `
      SELECT COALESCE(ha.institute_id, m.institute_id) AS institute_id,
             COALESCE(hs.career_stage, m.career_stage) AS career_stage,
             m.id AS member_id, ${on} AS day, m.record_key
      FROM member m
      LEFT JOIN (SELECT DISTINCT ON (member_id) member_id, career_stage FROM member_career_stage ${inForce}) hs
        ON hs.member_id = m.id
      LEFT JOIN (SELECT DISTINCT ON (member_id) member_id, institute_id FROM member_affiliation ${inForce}) ha
        ON ha.member_id = m.id
      WHERE m.joined_on <= ${on} AND (m.left_on IS NULL OR m.left_on > ${on})${population === 'authors' ? authorOn('m', on) : ''}
        ${f.region ? `AND ${inRegion('COALESCE(ha.institute_id, m.institute_id)', f.region, p)}` : ''}`;
  }
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

/** An author on the day: authorship begun by then and not ended (author_until is the last day). */
function authorOn(member: string, day: string): string {
  return ` AND ${member}.author_since <= ${day} AND (${member}.author_until IS NULL OR ${member}.author_until >= ${day})`;
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
      ? `date_trunc('year', records.day)::date AS day`
      : c === 'period'
        ? `date_trunc('quarter', records.day)::date AS period`
        : c === 'gender'
          ? 'gm.gender'
          : `records.${c}`,
  );
  const value = axis(dimension, 'v');
  const group = within ? axis(within, 'g') : null;
  p.reads(...value.reads, ...(group?.reads ?? []), ...(needs.has('gender') ? ['member'] : []));
  return `
    SELECT '${side}' AS side, ${value.key} AS value, ${value.name} AS value_name,
           ${group ? group.key : 'NULL::text'} AS group_key, ${group ? group.name : 'NULL::text'} AS group_name,
           ${byPeriod ? `to_char(r.period, 'YYYY-MM-DD')` : 'NULL::text'} AS period,
           sum(r.n)::int AS count, ${byPeriod ? `(sum(r.k) % 1000000007)::int` : 'NULL::int'} AS cell_key
    FROM (
      SELECT ${raw.join(', ')}, count(*) AS n${byPeriod ? ', sum(records.record_key) AS k' : ''}
      FROM (${records}) records
      ${needs.has('gender') ? 'JOIN member gm ON gm.id = records.member_id' : ''}
      GROUP BY ${raw.map((_, i) => i + 1).join(', ')}
    ) r
    ${[...value.joins, ...(group?.joins ?? [])].join('\n    ')}
    GROUP BY 1, 2, 3, 4, 5, 6`;
}

/**
 * GET /reports/balance: counts of `population` per value of `dimension` within each value of
 * `within`; with `baseline`, the baseline population's counts in the same statement (side 'baseline').
 */
export function fullScanBalanceCountQuery(
  population: Population,
  dimension: Dimension,
  within: Dimension | null,
  filters: CountFilters,
  baseline?: { population: Population; filters: CountFilters },
  byPeriod = false,
): SqlQuery {
  const p = new Parameters();
  let text = countBy(p, populationRecords(population, filters, p), dimension, within, 'main', byPeriod);
  if (baseline) {
    text += `\n    UNION ALL${countBy(p, populationRecords(baseline.population, baseline.filters, p), dimension, within, 'baseline', byPeriod)}`;
  }
  return p.query(text);
}

/** GET /reports/trends: counts per value of `dimension` within each calendar year (group_key 'YYYY'). */
export function fullScanTrendCountQuery(
  population: Population,
  dimension: Dimension,
  filters: CountFilters & { from: string },
  byPeriod = false,
  compareTo?: Population,
): SqlQuery {
  const p = new Parameters();
  // Nominations and invitations are put under the year of their conference (ICHEP 2027's under 2027).
  const recordsOf = (which: Population) =>
    isSnapshot(which)
      ? membersAtYearEnds({ from: filters.from, to: filters.to, region: filters.region }, p, which === 'authors')
      : populationRecords(which, filters, p, 'all', 'conference');
  let text = countBy(p, recordsOf(population), dimension, 'year', 'main', byPeriod);
  // Each year against the same year's baseline: 2019's talks against the membership at the end of 2019.
  if (compareTo) text += `\n    UNION ALL${countBy(p, recordsOf(compareTo), dimension, 'year', 'baseline', byPeriod)}`;
  return p.query(text);
}

/**
 * Members as they were on 31 December of each year from `from` to `to` (on `to` itself for its own
 * year), one record per member and year, with the history entries in force on that day.
 */
export function membersAtYearEnds(f: CountFilters & { from: string }, p: StatementParts, authorsOnly = false): string {
  const from = p.add(f.from, 'date');
  const to = p.add(f.to, 'date');
  p.reads('member', 'member_career_stage', 'member_affiliation');
  // Each history entry with the days it is in force; the first one also before its date.
  const inForce = (table: string, column: string) => `
    SELECT member_id, ${column},
           CASE WHEN row_number() OVER w = 1 THEN '-infinity'::date ELSE valid_from END AS valid_from,
           COALESCE(lead(valid_from) OVER w, 'infinity'::date) AS valid_to
    FROM ${table} WINDOW w AS (PARTITION BY member_id ORDER BY valid_from)`;
  return `
    WITH year_end AS (
      SELECT least(make_date(y, 12, 31), ${to}) AS day
      FROM generate_series(extract(year FROM ${from})::int, extract(year FROM ${to})::int) y
    ),
    stage AS (${inForce('member_career_stage', 'career_stage')}),
    affiliation AS (${inForce('member_affiliation', 'institute_id')})
    SELECT COALESCE(ha.institute_id, m.institute_id) AS institute_id,
           COALESCE(hs.career_stage, m.career_stage) AS career_stage,
           m.id AS member_id, d.day, m.record_key
    FROM year_end d
    JOIN member m ON m.joined_on <= d.day AND (m.left_on IS NULL OR m.left_on > d.day)${authorsOnly ? authorOn('m', 'd.day') : ''}
    LEFT JOIN stage hs ON hs.member_id = m.id AND hs.valid_from <= d.day AND d.day < hs.valid_to
    LEFT JOIN affiliation ha ON ha.member_id = m.id AND ha.valid_from <= d.day AND d.day < ha.valid_to
    ${f.region ? `WHERE ${inRegion('COALESCE(ha.institute_id, m.institute_id)', f.region, p)}` : ''}`;
}

/**
 * GET /reports/funnel: the four stages in one statement, `side` naming the stage. Members are the
 * collaboration on `to` (not per conference); the other stages use the period and conference filters;
 * accepted is the subset of the allocations that were accepted.
 */
export function fullScanFunnelCountQuery(dimension: Dimension, filters: CountFilters, membersOn = filters.to, byPeriod = false): SqlQuery {
  const p = new Parameters();
  const parts = [
    countBy(p, populationRecords('members', { to: membersOn }, p), dimension, null, 'members', byPeriod),
    countBy(p, populationRecords('nominations', filters, p), dimension, null, 'nominations', byPeriod),
    countBy(p, populationRecords('allocations', filters, p), dimension, null, 'allocations', byPeriod),
    countBy(p, populationRecords('allocations', filters, p, 'accepted'), dimension, null, 'accepted', byPeriod),
  ];
  return p.query(parts.join('\n    UNION ALL'));
}

/**
 * GET /reports/equity: nominations (not withdrawn, made in the period) per gender within career stage
 * at nomination (side 'nominations'), and those the committee allocated (side 'allocated'): an
 * invitation that was not withdrawn (invited, accepted or declined: declining is the speaker's choice,
 * not the committee's). The nominations are the same cells as the balance report's.
 */
export function fullScanEquityCountQuery(filters: CountFilters, byPeriod = false): SqlQuery {
  const p = new Parameters();
  const parts = [
    countBy(p, populationRecords('nominations', filters, p), 'gender', 'careerStage', 'nominations', byPeriod),
    countBy(p, populationRecords('nominations', filters, p, 'allocated'), 'gender', 'careerStage', 'allocated', byPeriod),
  ];
  return p.query(parts.join('\n    UNION ALL'));
}
