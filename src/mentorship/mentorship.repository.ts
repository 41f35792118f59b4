// The mentorship programme's SQL. Reads: mentorship_round, mentorship_signup, mentorship_matching,
// mentorship_pair, member, member_career_stage, institute, institute_region, app_user, report_noise_key.
// Writes: the four mentorship tables (on the caller's transaction) and, once, report_noise_key. The sealed identity column is read by one
// statement only, the optimiser's (participants).
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { CareerStage, Gender } from '../common/enums';
import type {
  ContinuationOutcome,
  MentorshipKind,
  RegionPreference,
  ScoreComponent,
  SignupRole,
  UnmatchedParticipant,
} from './mentorship-model';
import { storedNoiseKey } from '../privacy/noise-key.repository';

const TS = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const DAY = (column: string) => `to_char(${column}, 'YYYY-MM-DD')`;

export interface RoundRow {
  id: string;
  year: number;
  signUpOpens: string;
  signUpCloses: string;
  matchingOn: string;
  status: 'open' | 'published';
  signups: number;
  version: number;
  createdAt: string;
}

const ROUND_COLUMNS = `r.id, r.year, ${DAY('r.sign_up_opens')} AS "signUpOpens", ${DAY('r.sign_up_closes')} AS "signUpCloses",
  ${DAY('r.matching_on')} AS "matchingOn", r.status, r.version, ${TS('r.created_at')} AS "createdAt",
  (SELECT count(*)::int FROM mentorship_signup s WHERE s.round_id = r.id) AS signups`;

export interface SignupRow {
  id: string;
  roundId: string;
  memberId: string;
  name: string;
  email: string | null;
  role: SignupRole;
  kindsSought: MentorshipKind[];
  kindsOffered: MentorshipKind[];
  capacity: number;
  regionPreference: RegionPreference;
  timeZone: string | null;
  languages: string[];
  continueWithPrevious: boolean;
  careerStage: CareerStage;
  stageSince: string;
  instituteId: string;
  institute: string;
  region: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

const SIGNUP_COLUMNS = `s.id, s.round_id AS "roundId", s.member_id AS "memberId", m.name, m.email, s.role,
  s.kinds_sought AS "kindsSought", s.kinds_offered AS "kindsOffered", s.capacity, s.region_preference AS "regionPreference",
  s.time_zone AS "timeZone", s.languages, s.continue_with_previous AS "continueWithPrevious", s.career_stage AS "careerStage",
  ${DAY('s.stage_since')} AS "stageSince", s.institute_id AS "instituteId", i.name AS institute, ir.region_code AS region,
  s.version, ${TS('s.created_at')} AS "createdAt", ${TS('s.updated_at')} AS "updatedAt"`;
const SIGNUP_FROM = `mentorship_signup s JOIN member m ON m.id = s.member_id JOIN institute i ON i.id = s.institute_id
  JOIN institute_region ir ON ir.institute_id = s.institute_id`;

export interface SignupValues {
  role: SignupRole;
  kindsSought: MentorshipKind[];
  kindsOffered: MentorshipKind[];
  capacity: number;
  regionPreference: RegionPreference;
  timeZone: string | null;
  languages: string[];
  continueWithPrevious: boolean;
}

export interface MemberSnapshot {
  name: string;
  leftOn: string | null;
  careerStage: CareerStage;
  stageSince: string;
  instituteId: string;
}

export interface MatchingRow {
  roundId: string;
  objective: number;
  unmatched: UnmatchedParticipant[];
  continuations: ContinuationOutcome[];
  solvedAt: string;
  editedAt: string | null;
  publishedAt: string | null;
  version: number;
}

export interface PairRow {
  id: string;
  mentorSignupId: string;
  menteeSignupId: string;
  score: number;
  components: ScoreComponent[];
  source: 'optimiser' | 'continued' | 'coordinator';
}

/** One pairing of a member in a published round, seen by that member. */
export interface MyMentorshipPair {
  roundId: string;
  year: number;
  myRole: 'mentor' | 'mentee';
  partnerName: string;
  partnerEmail: string | null;
  partnerInstitute: string;
  kinds: string[];
  continued: boolean;
  publishedOn: string;
}

@Injectable()
export class MentorshipRepository {
  constructor(private readonly dataSource: DataSource) {}

  private db(manager?: EntityManager) {
    return manager ?? this.dataSource;
  }

  /** The member's pairs in published rounds, with the partner as the introduction mail names them. */
  async publishedPairsOf(memberId: string): Promise<MyMentorshipPair[]> {
    return this.dataSource.query(
      `SELECT r.id AS "roundId", r.year, p.source = 'continued' AS continued,
              CASE WHEN mentee.member_id = $1 THEN 'mentee' ELSE 'mentor' END AS "myRole",
              partner.name AS "partnerName", partner.email AS "partnerEmail", pi.name AS "partnerInstitute",
              ARRAY(SELECT k FROM unnest(mentor.kinds_offered) k WHERE k = ANY (mentee.kinds_sought) ORDER BY k) AS kinds,
              to_char(mm.published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS "publishedOn"
       FROM mentorship_pair p
       JOIN mentorship_matching mm ON mm.round_id = p.round_id AND mm.published_at IS NOT NULL
       JOIN mentorship_round r ON r.id = p.round_id
       JOIN mentorship_signup mentor ON mentor.id = p.mentor_signup_id
       JOIN mentorship_signup mentee ON mentee.id = p.mentee_signup_id
       JOIN member partner ON partner.id = CASE WHEN mentee.member_id = $1 THEN mentor.member_id ELSE mentee.member_id END
       JOIN institute pi ON pi.id = partner.institute_id
       WHERE mentor.member_id = $1 OR mentee.member_id = $1
       ORDER BY r.year DESC, partner.name`,
      [memberId],
    );
  }

  /** The key of the report noise, shared by every report (src/privacy/noise-key.repository.ts). */
  noiseKey(): Promise<Buffer> {
    return storedNoiseKey(this.dataSource);
  }

  async memberOfAccount(userId: string): Promise<string | null> {
    const [row] = await this.dataSource.query(`SELECT member_id FROM app_user WHERE id = $1`, [userId]);
    return row?.member_id ?? null;
  }

  async insertRound(
    manager: EntityManager,
    r: { year: number; signUpOpens: string; signUpCloses: string; matchingOn: string },
    createdBy: string,
  ): Promise<string> {
    const [row] = await manager.query(
      `INSERT INTO mentorship_round (year, sign_up_opens, sign_up_closes, matching_on, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [r.year, r.signUpOpens, r.signUpCloses, r.matchingOn, createdBy],
    );
    return row.id;
  }

  /** Holds off every other round being opened (or its year taken) until the transaction ends. */
  async lockRounds(manager: EntityManager): Promise<void> {
    await manager.query(`LOCK TABLE mentorship_round IN SHARE ROW EXCLUSIVE MODE`);
  }

  async roundOfYearExists(manager: EntityManager, year: number): Promise<boolean> {
    const [taken] = await manager.query(`SELECT 1 FROM mentorship_round WHERE year = $1`, [year]);
    return taken !== undefined;
  }

  async openRound(manager?: EntityManager): Promise<{ id: string; year: number } | null> {
    const [row] = await this.db(manager).query(`SELECT id, year FROM mentorship_round WHERE status = 'open'`);
    return row ?? null;
  }

  async round(id: string, manager?: EntityManager, lock = false): Promise<RoundRow | null> {
    const [row] = await this.db(manager).query(
      `SELECT ${ROUND_COLUMNS} FROM mentorship_round r WHERE r.id = $1${lock ? ' FOR UPDATE OF r' : ''}`,
      [id],
    );
    return row ?? null;
  }

  async rounds(limit: number, offset: number): Promise<{ items: RoundRow[]; total: number }> {
    const [items, [{ total }]] = await Promise.all([
      this.dataSource.query(`SELECT ${ROUND_COLUMNS} FROM mentorship_round r ORDER BY r.year DESC LIMIT $1 OFFSET $2`, [limit, offset]),
      this.dataSource.query(`SELECT count(*)::int AS total FROM mentorship_round`),
    ]);
    return { items, total };
  }

  /** The member on a day: name, whether they left, career stage (and since when), institute. */
  async memberOn(memberId: string, day: string): Promise<MemberSnapshot | null> {
    const [row] = await this.dataSource.query(
      `SELECT m.name, ${DAY('m.left_on')} AS "leftOn", cs.career_stage AS "careerStage", ${DAY('cs.valid_from')} AS "stageSince",
              member_institute_at(m.id, $2::date) AS "instituteId"
       FROM member m
       CROSS JOIN LATERAL (
         SELECT career_stage, valid_from FROM member_career_stage WHERE member_id = m.id
         ORDER BY (valid_from <= $2::date) DESC, CASE WHEN valid_from <= $2::date THEN valid_from END DESC NULLS LAST, valid_from
         LIMIT 1) cs
       WHERE m.id = $1`,
      [memberId, day],
    );
    return row ?? null;
  }

  async insertSignup(
    manager: EntityManager,
    id: string,
    roundId: string,
    memberId: string,
    member: MemberSnapshot,
    v: SignupValues,
    identity: Buffer | null,
    createdBy: string,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO mentorship_signup (id, round_id, member_id, role, kinds_sought, kinds_offered, capacity, region_preference,
         time_zone, languages, identity_sealed, continue_with_previous, career_stage, stage_since, institute_id, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
      [
        id,
        roundId,
        memberId,
        v.role,
        v.kindsSought,
        v.kindsOffered,
        v.capacity,
        v.regionPreference,
        v.timeZone,
        v.languages,
        identity,
        v.continueWithPrevious,
        member.careerStage,
        member.stageSince,
        member.instituteId,
        createdBy,
      ],
    );
  }

  /** The member's sign-up for the round, or null when they have none. */
  async signupIdOf(manager: EntityManager, roundId: string, memberId: string): Promise<string | null> {
    const [taken] = await manager.query(`SELECT id FROM mentorship_signup WHERE round_id = $1 AND member_id = $2`, [roundId, memberId]);
    return taken?.id ?? null;
  }

  /** Changes the values; the identity column only when `identity` is given (null clears it). */
  async updateSignup(manager: EntityManager, id: string, v: SignupValues, identity: Buffer | null | undefined): Promise<void> {
    await manager.query(
      `UPDATE mentorship_signup SET role = $2, kinds_sought = $3, kinds_offered = $4, capacity = $5, region_preference = $6,
         time_zone = $7, languages = $8, continue_with_previous = $9,
         identity_sealed = CASE WHEN $10::boolean THEN $11::bytea ELSE identity_sealed END,
         updated_at = now(), version = version + 1
       WHERE id = $1`,
      [
        id,
        v.role,
        v.kindsSought,
        v.kindsOffered,
        v.capacity,
        v.regionPreference,
        v.timeZone,
        v.languages,
        v.continueWithPrevious,
        identity !== undefined,
        identity ?? null,
      ],
    );
  }

  async signup(id: string, manager?: EntityManager, lock = false): Promise<SignupRow | null> {
    const [row] = await this.db(manager).query(
      `SELECT ${SIGNUP_COLUMNS} FROM ${SIGNUP_FROM} WHERE s.id = $1${lock ? ' FOR UPDATE OF s' : ''}`,
      [id],
    );
    return row ?? null;
  }

  /** The sealed identity of the person's own sign-up, for showing it back to them. */
  async sealedIdentity(id: string): Promise<Buffer | null> {
    const [row] = await this.dataSource.query(`SELECT identity_sealed FROM mentorship_signup WHERE id = $1`, [id]);
    return row?.identity_sealed ?? null;
  }

  async signups(
    roundId: string,
    filter: { role?: SignupRole; memberId?: string },
    limit: number,
    offset: number,
    manager?: EntityManager,
  ): Promise<{ items: SignupRow[]; total: number }> {
    const where = `s.round_id = $1 AND ($2::text IS NULL OR s.role = $2) AND ($3::uuid IS NULL OR s.member_id = $3)`;
    const params = [roundId, filter.role ?? null, filter.memberId ?? null];
    const db = this.db(manager);
    const items = await db.query(
      `SELECT ${SIGNUP_COLUMNS} FROM ${SIGNUP_FROM} WHERE ${where} ORDER BY s.created_at, s.id LIMIT $4 OFFSET $5`,
      [...params, limit, offset],
    );
    const [{ total }] = await db.query(`SELECT count(*)::int AS total FROM mentorship_signup s WHERE ${where}`, params);
    return { items, total };
  }

  /** Every sign-up of the round with its sealed identity: the optimiser's input, and nothing else reads it. */
  async participants(roundId: string): Promise<Array<SignupRow & { identitySealed: Buffer | null }>> {
    return this.dataSource.query(
      `SELECT ${SIGNUP_COLUMNS}, s.identity_sealed AS "identitySealed" FROM ${SIGNUP_FROM} WHERE s.round_id = $1 ORDER BY s.created_at, s.id`,
      [roundId],
    );
  }

  /** The pairs of the latest published round before this year, by member. */
  async previousPairs(year: number): Promise<Array<{ mentorMemberId: string; menteeMemberId: string }>> {
    return this.dataSource.query(
      `SELECT mentor.member_id AS "mentorMemberId", mentee.member_id AS "menteeMemberId"
       FROM mentorship_pair p
       JOIN mentorship_signup mentor ON mentor.id = p.mentor_signup_id
       JOIN mentorship_signup mentee ON mentee.id = p.mentee_signup_id
       WHERE p.round_id = (SELECT id FROM mentorship_round WHERE status = 'published' AND year < $1 ORDER BY year DESC LIMIT 1)
       ORDER BY p.created_at, p.id`,
      [year],
    );
  }

  async matching(roundId: string, manager?: EntityManager, lock = false): Promise<MatchingRow | null> {
    const [row] = await this.db(manager).query(
      `SELECT round_id AS "roundId", objective, unmatched, continuations, ${TS('solved_at')} AS "solvedAt",
              ${TS('edited_at')} AS "editedAt", ${TS('published_at')} AS "publishedAt", version
       FROM mentorship_matching WHERE round_id = $1${lock ? ' FOR UPDATE' : ''}`,
      [roundId],
    );
    return row ?? null;
  }

  async pairs(roundId: string, manager?: EntityManager): Promise<PairRow[]> {
    return this.db(manager).query(
      `SELECT id, mentor_signup_id AS "mentorSignupId", mentee_signup_id AS "menteeSignupId", score, components, source
       FROM mentorship_pair WHERE round_id = $1 ORDER BY created_at, id`,
      [roundId],
    );
  }

  /** Replaces the round's matching (its pairs and who is unmatched) with a fresh run. */
  async storeMatching(
    manager: EntityManager,
    roundId: string,
    run: {
      objective: number;
      unmatched: UnmatchedParticipant[];
      continuations: ContinuationOutcome[];
      pairs: Array<Omit<PairRow, 'id'>>;
    },
    actorId: string,
  ): Promise<void> {
    await manager.query(`DELETE FROM mentorship_pair WHERE round_id = $1`, [roundId]);
    await manager.query(
      `INSERT INTO mentorship_matching (round_id, objective, unmatched, continuations, solved_by)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (round_id) DO UPDATE SET objective = EXCLUDED.objective, unmatched = EXCLUDED.unmatched,
         continuations = EXCLUDED.continuations, solved_by = EXCLUDED.solved_by, solved_at = now(), edited_at = NULL,
         version = mentorship_matching.version + 1`,
      [roundId, run.objective, JSON.stringify(run.unmatched), JSON.stringify(run.continuations), actorId],
    );
    if (run.pairs.length === 0) return;
    await manager.query(
      `INSERT INTO mentorship_pair (round_id, mentor_signup_id, mentee_signup_id, score, components, source, created_at)
       SELECT $1, p.mentor, p.mentee, p.score, p.components, p.source, clock_timestamp() + p.ord * interval '1 microsecond'
       FROM jsonb_to_recordset($2::jsonb) AS p(mentor uuid, mentee uuid, score float8, components jsonb, source text, ord int)`,
      [
        roundId,
        JSON.stringify(
          run.pairs.map((p, ord) => ({
            mentor: p.mentorSignupId,
            mentee: p.menteeSignupId,
            score: p.score,
            components: p.components,
            source: p.source,
            ord,
          })),
        ),
      ],
    );
  }

  async replacePair(manager: EntityManager, pairId: string, p: Omit<PairRow, 'id'>): Promise<void> {
    await manager.query(
      `UPDATE mentorship_pair SET mentor_signup_id = $2, mentee_signup_id = $3, score = $4, components = $5, source = $6 WHERE id = $1`,
      [pairId, p.mentorSignupId, p.menteeSignupId, p.score, JSON.stringify(p.components), p.source],
    );
  }

  async markEdited(manager: EntityManager, roundId: string): Promise<void> {
    await manager.query(`UPDATE mentorship_matching SET edited_at = now(), version = version + 1 WHERE round_id = $1`, [roundId]);
  }

  async publish(manager: EntityManager, roundId: string, actorId: string): Promise<void> {
    await manager.query(
      `UPDATE mentorship_matching SET published_at = now(), published_by = $2, version = version + 1 WHERE round_id = $1`,
      [roundId, actorId],
    );
    await manager.query(`UPDATE mentorship_round SET status = 'published', updated_at = now(), version = version + 1 WHERE id = $1`, [
      roundId,
    ]);
  }

  /** Participants counted once per person, by dimension: the report's one counting statement. */
  async participationCounts(roundId: string): Promise<Array<{ dimension: string; value: string; count: number }>> {
    return this.dataSource.query(
      `SELECT d.dimension, d.value, count(*)::int AS count
       FROM mentorship_signup s
       JOIN institute_region ir ON ir.institute_id = s.institute_id
       CROSS JOIN LATERAL (VALUES ('careerStage', s.career_stage), ('region', ir.region_code), ('role', s.role)) AS d(dimension, value)
       WHERE s.round_id = $1
       GROUP BY d.dimension, d.value`,
      [roundId],
    );
  }

  /** Gender counts of the round's participants, with the fingerprint of the whole table (count, record keys). */
  async genderCounts(roundId: string): Promise<{ rows: Array<{ gender: Gender; count: number }>; count: number; keys: number }> {
    const rows: Array<{ gender: Gender; count: number; keys: number }> = await this.dataSource.query(
      `SELECT m.gender, count(*)::int AS count, sum(s.record_key)::int AS keys
       FROM mentorship_signup s JOIN member m ON m.id = s.member_id
       WHERE s.round_id = $1 GROUP BY m.gender`,
      [roundId],
    );
    return {
      rows: rows.map(({ gender, count }) => ({ gender, count })),
      count: rows.reduce((t, r) => t + r.count, 0),
      keys: rows.reduce((t, r) => t + r.keys, 0),
    };
  }

  async continuationCounts(roundId: string, year: number): Promise<{ previousPairs: number; bothAsked: number; continued: number }> {
    const [row] = await this.dataSource.query(
      `WITH previous AS (
         SELECT mentor.member_id AS mentor, mentee.member_id AS mentee
         FROM mentorship_pair p
         JOIN mentorship_signup mentor ON mentor.id = p.mentor_signup_id
         JOIN mentorship_signup mentee ON mentee.id = p.mentee_signup_id
         WHERE p.round_id = (SELECT id FROM mentorship_round WHERE status = 'published' AND year < $2 ORDER BY year DESC LIMIT 1)
       )
       SELECT count(*)::int AS "previousPairs",
              count(*) FILTER (WHERE a.continue_with_previous AND b.continue_with_previous)::int AS "bothAsked",
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM mentorship_pair q WHERE q.round_id = $1 AND q.source = 'continued'
                                             AND q.mentor_signup_id = a.id AND q.mentee_signup_id = b.id))::int AS continued
       FROM previous pr
       LEFT JOIN mentorship_signup a ON a.round_id = $1 AND a.member_id = pr.mentor
       LEFT JOIN mentorship_signup b ON b.round_id = $1 AND b.member_id = pr.mentee`,
      [roundId, year],
    );
    return row;
  }
}
