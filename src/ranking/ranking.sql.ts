// The eligibility formula of eligibility.ts, computed by PostgreSQL for many members at once.
// Plain SQL text with positional parameters: the service runs it, and the benchmark runs the very same
// text on a bare pg client. The arithmetic mirrors the TypeScript step by step (days / 365.25, then
// 0.5 ^ (age / halfLife), then typeWeight x tierWeight x decay) so both agree to ~1e-12; a test keeps it so.
import { CareerStage } from '../common/enums';
import { RankWeights } from './eligibility';

export interface SqlQuery {
  text: string;
  values: unknown[];
}

/**
 * Talks that count at `asOf` (strictly before it, no older than windowYears) with their age.
 * The coarse date bound lets the (member_id, date) index do the work; the exact age test follows.
 * `knownAt`: talks recorded later than this are left out, so an answer can be replayed exactly.
 */
function countedTalks(p: { members: string; asOf: string; weights: string; knownAt?: string }): string {
  return `
    SELECT t.member_id, t.id AS talk_id, t.conference_id, t.talk_type, t.date, c.name AS conference_name, c.tier,
           (${p.asOf} - t.date)::float8 / 365.25 AS age_years
    FROM ${p.members} who
    JOIN talk t ON t.member_id = who.member_id
      AND t.date < ${p.asOf}
      AND t.date >= ${p.asOf} - ceil((${p.weights} ->> 'windowYears')::float8 * 365.25)::int
    JOIN conference c ON c.id = t.conference_id
    WHERE (${p.asOf} - t.date)::float8 / 365.25 <= (${p.weights} ->> 'windowYears')::float8
      ${p.knownAt ? `AND t.created_at <= ${p.knownAt}` : ''}`;
}

/** decay and contribution of each counted talk (columns of `countedTalks`). */
function weighedTalks(counted: string, weights: string): string {
  return `
    SELECT w.*, (w.type_weight * w.tier_weight) * w.decay AS contribution
    FROM (
      SELECT ct.*,
             power(0.5::float8, ct.age_years / (${weights} ->> 'halfLifeYears')::float8) AS decay,
             (${weights} -> 'typeWeight' ->> ct.talk_type)::float8 AS type_weight,
             (${weights} -> 'tierWeight' ->> ct.tier)::float8 AS tier_weight
      FROM (${counted}) ct
    ) w`;
}

/** Equal scores share a rank; rounding absorbs the last-bit noise of summing in a different order. */
const RANK_ORDER = `round(score::numeric, 9) DESC`;

/**
 * The active nominees of one slot (submitted, shortlisted, allocated), scored as of `asOf` (the
 * conference start) with a per-talk breakdown, best first.
 * Parameters: $1 slot id, $2 asOf (date), $3 policy weights (jsonb).
 */
export function candidatesQuery(p: { slotId: string; asOf: string; weights: RankWeights }): SqlQuery {
  const text = `
    WITH nominee AS (
      SELECT n.id AS nomination_id, n.status AS nomination_status, n.member_id, m.name,
             COALESCE(member_career_stage_at(m.id, $2::date), m.career_stage) AS career_stage,
             COALESCE(member_institute_at(m.id, $2::date), m.institute_id) AS institute_id
      FROM nomination n
      JOIN member m ON m.id = n.member_id
      WHERE n.slot_id = $1::uuid AND n.status IN ('submitted', 'shortlisted', 'allocated')
    ),
    weighed AS (${weighedTalks(countedTalks({ members: 'nominee', asOf: '$2::date', weights: '$3::jsonb' }), '$3::jsonb')}),
    talk_load AS (
      SELECT member_id, sum(contribution) AS talk_load,
             jsonb_agg(jsonb_build_object(
               'talkId', talk_id, 'conferenceId', conference_id, 'conferenceName', conference_name, 'tier', tier,
               'talkType', talk_type, 'date', date, 'ageYears', age_years, 'decay', decay, 'contribution', contribution
             ) ORDER BY contribution DESC, date DESC, talk_id) AS talks
      FROM weighed
      GROUP BY member_id
    ),
    scored AS (
      SELECT nominee.*, bonus.bonus, COALESCE(l.talk_load, 0) AS talk_load,
             bonus.bonus - COALESCE(l.talk_load, 0) AS score, COALESCE(l.talks, '[]'::jsonb) AS talks
      FROM nominee
      CROSS JOIN LATERAL (
        SELECT COALESCE(($3::jsonb -> 'careerBonus' ->> nominee.career_stage)::float8, 0) AS bonus
      ) bonus
      LEFT JOIN talk_load l ON l.member_id = nominee.member_id
    )
    SELECT s.member_id, s.name, s.nomination_id, s.nomination_status, s.career_stage, s.institute_id,
           i.name AS institute_name, ir.region_code AS region, s.bonus, s.talk_load, s.score, s.talks,
           rank() OVER (ORDER BY ${RANK_ORDER})::int AS rank
    FROM scored s
    JOIN institute i ON i.id = s.institute_id
    JOIN institute_region ir ON ir.institute_id = s.institute_id
    ORDER BY rank, s.name, s.member_id`;
  return { text, values: [p.slotId, p.asOf, JSON.stringify(p.weights)] };
}

/**
 * Every member who had not left by `asOf`, scored and ranked across the whole collaboration; then
 * optionally narrowed to a region and/or career stage (both as of `asOf`) and paginated.
 * `rank` is the collaboration-wide rank, `rank_in_selection` the rank among the rows selected.
 * Parameters: $1 asOf, $2 weights (jsonb), $3 region|null, $4 careerStage|null, $5 limit, $6 offset,
 * [$7 knownAt].
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
  // Histories resolved for everyone in one sort each, with member_career_stage_at's rule: the entry
  // in force at asOf, else (asOf before the first entry) the first one.
  const atDate = (table: string, column: string) => `
      SELECT DISTINCT ON (member_id) member_id, ${column}
      FROM ${table}
      ORDER BY member_id, (valid_from <= $1::date) DESC,
               CASE WHEN valid_from <= $1::date THEN valid_from END DESC NULLS LAST, valid_from`;
  const text = `
    WITH stage_at AS (${atDate('member_career_stage', 'career_stage')}),
    affiliation_at AS (${atDate('member_affiliation', 'institute_id')}),
    person AS (
      SELECT m.id AS member_id, m.name,
             COALESCE(s.career_stage, m.career_stage) AS career_stage,
             COALESCE(a.institute_id, m.institute_id) AS institute_id
      FROM member m
      LEFT JOIN stage_at s ON s.member_id = m.id
      LEFT JOIN affiliation_at a ON a.member_id = m.id
      WHERE m.left_on IS NULL OR m.left_on > $1::date
    ),
    weighed AS (${weighedTalks(countedTalks({ members: 'person', asOf: '$1::date', weights: '$2::jsonb', knownAt }), '$2::jsonb')}),
    talk_load AS (
      SELECT member_id, sum(contribution) AS talk_load, count(*)::int AS talks_counted
      FROM weighed
      GROUP BY member_id
    ),
    scored AS (
      SELECT p.member_id, p.name, p.career_stage, p.institute_id, i.name AS institute_name,
             ir.region_code AS region, bonus.bonus, COALESCE(l.talk_load, 0) AS talk_load,
             COALESCE(l.talks_counted, 0) AS talks_counted, bonus.bonus - COALESCE(l.talk_load, 0) AS score
      FROM person p
      CROSS JOIN LATERAL (
        SELECT COALESCE(($2::jsonb -> 'careerBonus' ->> p.career_stage)::float8, 0) AS bonus
      ) bonus
      JOIN institute i ON i.id = p.institute_id
      JOIN institute_region ir ON ir.institute_id = p.institute_id
      LEFT JOIN talk_load l ON l.member_id = p.member_id
    ),
    ranked AS (
      SELECT scored.*, rank() OVER (ORDER BY ${RANK_ORDER})::int AS rank FROM scored
    ),
    selected AS (
      SELECT ranked.*, rank() OVER (ORDER BY ${RANK_ORDER})::int AS rank_in_selection,
             count(*) OVER ()::int AS total
      FROM ranked
      WHERE ($3::text IS NULL OR region = $3::text) AND ($4::text IS NULL OR career_stage = $4::text)
    )
    SELECT member_id, name, career_stage, institute_id, institute_name, region, bonus, talk_load, talks_counted,
           score, rank, rank_in_selection, total
    FROM selected
    ORDER BY rank, name, member_id
    LIMIT $5 OFFSET $6`;
  const values: unknown[] = [
    p.asOf, JSON.stringify(p.weights), p.region ?? null, p.careerStage ?? null, p.limit, p.offset,
  ];
  if (p.knownAt) values.push(p.knownAt);
  return { text, values };
}

/**
 * One member's counted talks at `asOf` (for the eligibility breakdown, computed by eligibility()).
 * Parameters: $1 member id, $2 asOf, $3 weights (only windowYears is read), [$4 knownAt].
 */
export function memberTalksQuery(p: { memberId: string; asOf: string; weights: RankWeights; knownAt?: string | null }): SqlQuery {
  const knownAt = p.knownAt ? '$4::timestamptz' : undefined;
  const text = `
    WITH who AS (SELECT $1::uuid AS member_id)
    ${countedTalks({ members: 'who', asOf: '$2::date', weights: '$3::jsonb', knownAt })}
    ORDER BY t.date DESC, t.id`;
  const values: unknown[] = [p.memberId, p.asOf, JSON.stringify(p.weights)];
  if (p.knownAt) values.push(p.knownAt);
  return { text, values };
}
