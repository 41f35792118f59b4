// The eligibility formula of eligibility.ts, computed by PostgreSQL for many members at once.
// Plain SQL text with positional parameters: the service runs it, and the benchmark runs the very same
// text on a bare pg client. The arithmetic mirrors the TypeScript step by step (days / 365.25, then
// 0.5 ^ (age / halfLife), then typeWeight x tierWeight x decay) so both agree to ~1e-12; a test keeps it so.
//
// The policy arrives as one jsonb parameter. Every weight is read from it with an expression of that
// parameter alone, which PostgreSQL folds to a constant when it plans the query: per talk there is no
// jsonb lookup left, only a CASE on the talk type and tier.
import { CAREER_STAGES, CareerStage, CONFERENCE_TIERS, TALK_TYPES } from '../common/enums';
import { RankWeights } from './eligibility';

import type { PreparedStatement } from '../database/prepared';
import { SqlQuery } from '../database/sql';

export type { SqlQuery };

/** `weights[section][column's value]` as a float8 CASE (keys come from the fixed vocabularies). */
function weightOf(weights: string, section: keyof RankWeights, keys: readonly string[], column: string): string {
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
function weighedTalks(p: { members: string | null; asOf: string; weights: string; knownAt?: string; withConference?: boolean }): string {
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

const bonusOf = (weights: string, column: string) => weightOf(weights, 'careerBonus', CAREER_STAGES, column);

/**
 * Equal scores share a rank. Scores are rounded to 1e-9 first, so that two equal histories summed in
 * a different order (last-bit noise) still tie.
 */
const RANK_KEY = `round(score * 1e9)`;

/**
 * A member's entry of a history table in force at `date`, else (date before the first) the first:
 * the rule of member_career_stage_at / member_institute_at, as two probes of the primary key
 * (member_id, valid_from), each reading one index entry; the second runs only when the first finds none.
 */
function historyEntryAt(table: string, column: string, memberId: string, date: string): string {
  return `COALESCE(
    (SELECT h.${column} FROM ${table} h WHERE h.member_id = ${memberId} AND h.valid_from <= ${date} ORDER BY h.valid_from DESC LIMIT 1),
    (SELECT h.${column} FROM ${table} h WHERE h.member_id = ${memberId} ORDER BY h.valid_from LIMIT 1))`;
}

/** The same rule for everybody at once: two hash aggregates instead of a sort per member. */
function everyoneHistoryAt(table: string, column: string, date: string): string {
  return `
    SELECT h.member_id, h.${column}
    FROM (
      SELECT member_id, COALESCE(max(valid_from) FILTER (WHERE valid_from <= ${date}), min(valid_from)) AS valid_from
      FROM ${table} GROUP BY member_id
    ) k
    JOIN ${table} h ON h.member_id = k.member_id AND h.valid_from = k.valid_from`;
}

/**
 * The active nominees of one slot (submitted, shortlisted, allocated) as of `asOf` (the conference
 * start), listed by name, each with the talks that may count: those before asOf and within the
 * window's whole days, as plain text, `talk id,conference id,talk type,date` joined by `;`, latest
 * first. eligibility() applies the formula to them (candidates.ts): the exact window test, the decay
 * and the weights are its, so PostgreSQL only finds the talks, from the index alone, and builds no
 * JSON. The statement's text never changes, so it is prepared once per connection.
 * Parameters: $1 slot id, $2 asOf (date), $3 windowYears (float8).
 */
export function candidatesQuery(p: { slotId: string; asOf: string; weights: RankWeights }): SqlQuery {
  return { text: CANDIDATES.text, values: [p.slotId, p.asOf, p.weights.windowYears] };
}

export const CANDIDATES: PreparedStatement = {
  name: 'candidates',
  text: `
    WITH nominee AS MATERIALIZED (
      SELECT n.id AS nomination_id, n.status AS nomination_status, n.member_id, m.name,
             ${historyEntryAt('member_career_stage', 'career_stage', 'm.id', '$2::date')} AS stage_at,
             ${historyEntryAt('member_affiliation', 'institute_id', 'm.id', '$2::date')} AS institute_at,
             m.career_stage AS member_career_stage, m.institute_id AS member_institute_id,
             n.nominator_id, n.nominator_member_id, n.reason,
             array_remove(ARRAY[
               CASE WHEN n.nominator_member_id = n.member_id THEN 'self-nomination' END,
               CASE WHEN n.nominator_member_id <> n.member_id AND n.nominator_institute_id = n.institute_id THEN 'same-institute' END
             ], NULL) AS conflicts_of_interest
      FROM nomination n
      JOIN member m ON m.id = n.member_id
      WHERE n.slot_id = $1::uuid AND n.status IN ('submitted', 'shortlisted', 'allocated')
    )
    SELECT s.member_id, s.name, s.nomination_id, s.nomination_status,
           -- Who nominated and why, beside the rank: the committee weighs them together.
           s.nominator_id, s.nominator_member_id, COALESCE(nm.name, u.name) AS nominator_name, s.reason, s.conflicts_of_interest,
           COALESCE(s.stage_at, s.member_career_stage) AS career_stage, i.id AS institute_id, i.name AS institute_name,
           ir.region_code AS region,
           (SELECT string_agg(concat_ws(',', t.id, t.conference_id, t.talk_type, t.date), ';' ORDER BY t.date DESC, t.id)
            FROM talk t
            WHERE t.member_id = s.member_id AND t.date < $2::date AND t.date >= $2::date - ceil($3::float8 * 365.25)::int) AS talks
    FROM nominee s
    JOIN institute i ON i.id = COALESCE(s.institute_at, s.member_institute_id)
    JOIN institute_region ir ON ir.institute_id = i.id
    JOIN app_user u ON u.id = s.nominator_id
    LEFT JOIN member nm ON nm.id = s.nominator_member_id
    ORDER BY s.name, s.member_id`,
};

/** Name and tier of the given conferences. Parameters: $1 conference ids (uuid[]). */
export const CANDIDATE_CONFERENCES: PreparedStatement = {
  name: 'candidate-conferences',
  text: `SELECT c.id, c.name, c.tier FROM conference c WHERE c.id = ANY($1::uuid[])`,
};

/**
 * Every member who had not left by `asOf`, scored and ranked across the whole collaboration; then
 * optionally narrowed to a region and/or career stage (both as of `asOf`) and paginated.
 * `rank` is the collaboration-wide rank, `rank_in_selection` the rank among the rows selected;
 * `total` counts the selection. Ties are listed by name.
 * Parameters: $1 asOf, $2 weights (jsonb), $3 region|null, $4 careerStage|null, $5 limit, $6 offset,
 * [$7 knownAt: talks recorded later are left out].
 */
export function rankingsQuery(p: {
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
    selected AS NOT MATERIALIZED (
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

/**
 * The largest whole number of days a counted talk may lie before asOf: age = days / 365.25 must not
 * exceed windowYears, compared in float8 as weighedTalks compares it.
 */
export function windowDays(windowYears: number): number {
  let days = Math.ceil(windowYears * 365.25);
  while (days > 0 && days / 365.25 > windowYears) days--;
  return days;
}

/**
 * Whether rankingsFromBasisQuery may answer: member_rank_basis is kept for the latest policy only, and
 * its running sums stay far from float8's range only for half-lives of half a year or more and asOf
 * no more than a century before the latest talk (see the MaintainRankBasis migration).
 */
export function basisAnswers(p: { asOf: string; weights: RankWeights; latestTalk: string | null }): boolean {
  if (p.weights.halfLifeYears < 0.5) return false;
  if (!p.latestTalk) return true;
  return Date.parse(p.asOf) >= Date.parse(p.latestTalk) - 100 * 365.25 * 86_400_000;
}

/**
 * rankingsQuery's answer from member_rank_basis: per member a few array look-ups instead of a sum over
 * their talks. sum over the talks in (asOf - windowDays - 1, asOf - 1] of weight x 0.5^((asOf - t)/h)
 * = 0.5^((asOf - ref)/h) x (cum[days <= asOf - 1] - cum[days <= asOf - windowDays - 1]), ref being the
 * member's last talk day. The same columns, order and parameters as rankingsQuery (without knownAt),
 * plus $7 windowDays.
 */
export function rankingsFromBasisQuery(p: {
  asOf: string;
  weights: RankWeights;
  region?: string | null;
  careerStage?: CareerStage | null;
  limit: number;
  offset: number;
}): SqlQuery {
  const filtered = Boolean(p.region || p.careerStage);
  // The policy's numbers as parameters, so no row looks into the JSON: $2 the half-life, $8... the bonuses.
  const halfLife = '$2::float8';
  const bonus = (column: string) =>
    `(CASE ${column} ${CAREER_STAGES.map((stage, i) => `WHEN '${stage}' THEN $${8 + i}::float8`).join(' ')} ELSE 0::float8 END)`;
  // The entry in force on asOf, else (asOf before the first) the first; the last one without a search.
  const inForce = (from: string, values: string, lastFrom: string, last: string) =>
    `CASE WHEN b.${lastFrom} <= $1::date THEN b.${last} ELSE b.${values}[greatest(width_bucket($1::date, b.${from}), 1)] END`;
  // Where day D falls among the talk days: 0 before the first, -1 on or after the last (the totals
  // answer without a search), else the position of the last day on or before D.
  const position = (day: string) => `CASE WHEN b.talk_last IS NULL OR b.talk_first > ${day} THEN 0
                                          WHEN b.talk_last <= ${day} THEN -1
                                          ELSE width_bucket(${day}, b.talk_days) END`;
  const upTo = (at: string, column: 'talk_cum' | 'talk_n', total: 'talk_total' | 'talk_count') =>
    `CASE ${at} WHEN 0 THEN 0 WHEN -1 THEN b.${total} ELSE b.${column}[${at}] END`;
  const text = `
    WITH basis AS NOT MATERIALIZED (
      SELECT m.id AS member_id, m.name,
             COALESCE(${inForce('stage_from', 'stages', 'last_stage_from', 'last_stage')}, m.career_stage) AS career_stage,
             COALESCE(${inForce('institute_from', 'institutes', 'last_institute_from', 'last_institute')}, m.institute_id) AS institute_id,
             ${upTo('at.hi', 'talk_cum', 'talk_total')} - ${upTo('at.lo', 'talk_cum', 'talk_total')} AS window_sum,
             (${upTo('at.hi', 'talk_n', 'talk_count')}) - (${upTo('at.lo', 'talk_n', 'talk_count')}) AS talks_counted,
             b.talk_last
      FROM member m
      LEFT JOIN member_rank_basis b ON b.member_id = m.id
      CROSS JOIN LATERAL (SELECT ${position('$1::date - 1')} AS hi, ${position('$1::date - $7::int - 1')} AS lo) at
      WHERE m.left_on IS NULL OR m.left_on > $1::date
    ),
    scored AS NOT MATERIALIZED (
      SELECT s.member_id, s.name, s.career_stage, s.institute_id, ir.region_code AS region, s.talk_load, s.talks_counted,
             ${bonus('s.career_stage')} - s.talk_load AS score
      FROM (
        SELECT basis.*, CASE WHEN talks_counted = 0 THEN 0::float8
                             ELSE window_sum * power(0.5::float8, (($1::date - talk_last)::float8 / 365.25) / ${halfLife}) END AS talk_load
        FROM basis
      ) s
      JOIN institute_region ir ON ir.institute_id = s.institute_id
    ),
    -- Every member's key, narrow (no history arrays, no figures only the page shows), materialized
    -- once: the page, the total and (filtered) the collaboration-wide ranks all read it.
    ranked AS MATERIALIZED (
      SELECT member_id, name, career_stage, region, ${RANK_KEY} AS rank_key FROM scored
    ),${
      filtered
        ? `
    -- The collaboration-wide rank of a page row is one more than the keys above its own: every key,
    -- ascending, searched once per row (a sort of bare keys, not of the rows). Materialized: inlined,
    -- the correlated look-up would aggregate every key again for each row of the page.
    everyone AS MATERIALIZED (
      SELECT array_agg(rank_key ORDER BY rank_key) AS keys, count(*)::int AS n FROM ranked
    ),`
        : ''
    }
    selected AS NOT MATERIALIZED (
      SELECT ranked.* FROM ranked
      WHERE ($3::text IS NULL OR region = $3::text) AND ($4::text IS NULL OR career_stage = $4::text)
    ),
    page AS MATERIALIZED (
      -- The first offset + limit rows by (rank_key DESC, name, member_id), the order (rank, name, member_id),
      -- with a top-N sort: every row ranked above one of them is among them, so ranking these rows
      -- alone gives their rank in the selection.
      SELECT selected.*, (SELECT count(*)::int FROM selected) AS total
      FROM selected ORDER BY rank_key DESC, name, member_id LIMIT $5::int + $6::int
    )
    -- The figures of the page's rows alone, computed again for them (a look-up by member each).
    SELECT page.member_id, page.name, page.career_stage, d.institute_id, i.name AS institute_name, page.region,
           ${bonus('page.career_stage')} AS bonus, d.talk_load, d.talks_counted, d.score,
           -- Nothing filtered out: the rank in the selection is the collaboration-wide rank.
           ${
             filtered
               ? '(SELECT e.n - width_bucket(page.rank_key, e.keys) + 1 FROM everyone e)'
               : 'rank() OVER (ORDER BY page.rank_key DESC)::int'
           } AS rank,
           rank() OVER (ORDER BY page.rank_key DESC)::int AS rank_in_selection, page.total
    FROM page
    JOIN scored d ON d.member_id = page.member_id
    JOIN institute i ON i.id = d.institute_id
    ORDER BY page.rank_key DESC, page.name, page.member_id
    OFFSET $6::int`;
  return {
    text,
    values: [
      p.asOf,
      p.weights.halfLifeYears,
      p.region ?? null,
      p.careerStage ?? null,
      p.limit,
      p.offset,
      windowDays(p.weights.windowYears),
      ...CAREER_STAGES.map((stage) => p.weights.careerBonus[stage] ?? null),
    ],
    tables: ['institute', 'member', 'member_rank_basis', 'region_country'],
  };
}

/**
 * One member's counted talks at `asOf`, for the eligibility breakdown computed by eligibility().
 * Parameters: $1 member id, $2 asOf, $3 weights (only windowYears and halfLifeYears are read), [$4 knownAt].
 */
export function memberTalksQuery(p: { memberId: string; asOf: string; weights: RankWeights; knownAt?: string | null }): SqlQuery {
  const knownAt = p.knownAt ? '$4::timestamptz' : undefined;
  const text = `
    SELECT w.talk_id, w.conference_id, w.conference_name, w.tier, w.talk_type, w.date
    FROM (${weighedTalks({ members: '(SELECT $1::uuid AS member_id)', asOf: '$2::date', weights: '$3::jsonb', knownAt, withConference: true })}) w
    ORDER BY w.date DESC, w.talk_id`;
  const values: unknown[] = [p.memberId, p.asOf, JSON.stringify(p.weights)];
  if (p.knownAt) values.push(p.knownAt);
  return { text, values };
}
