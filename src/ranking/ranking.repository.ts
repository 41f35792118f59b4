// The ranking feature's SQL. Reads rank_policy (through its entity), slot, conference, member and its
// histories, nomination, talk, institute, institute_region, app_user and member_rank_basis; writes
// rank_policy. The statements that rank are built by ranking.sql.ts, which the benchmark runs too;
// this runs them, the slot's candidates as prepared statements. With an EntityManager a read runs
// in that transaction and sees its writes.
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { CareerStage, ConferenceTier, TalkType } from '../common/enums';
import { queryPrepared } from '../database/prepared';
import { CandidateConference, CandidateRow } from './candidates';
import { PastTalk, RankWeights } from './eligibility';
import { RankPolicy } from './rank-policy.entity';
import { CANDIDATE_CONFERENCES, CANDIDATES, candidatesQuery, memberTalksQuery, rankingsFromBasisQuery, rankingsQuery } from './ranking.sql';

/** The database's today and now, so every date rule uses one clock. knownAt keeps microseconds for exact replay. */
const CLOCK = `current_date AS today, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS now`;

export interface RankingClock {
  today: string;
  now: string;
  latestPolicy: number | null;
  latestTalk: string | null;
}

/** A member as their eligibility is read: career stage on the day asked (today when none), and the clock. */
export interface EligibleMember {
  name: string;
  careerStage: CareerStage;
  today: string;
  now: string;
}

/** A talk that may count, with its conference as the breakdown names it. */
export interface CountedTalk extends PastTalk {
  talkId: string;
  conferenceId: string;
  conferenceName: string;
}

/** One row of a rankings page, as rankingsQuery and rankingsFromBasisQuery answer. */
export interface RankingRow {
  member_id: string;
  name: string;
  career_stage: CareerStage;
  institute_id: string;
  institute_name: string;
  region: string;
  bonus: number;
  talk_load: number;
  talks_counted: number;
  score: number;
  rank: number;
  rank_in_selection: number;
  total: number;
}

/** A page of the rankings: from member_rank_basis, or from the talks themselves (and as known at knownAt). */
export interface RankingsPage {
  fromBasis: boolean;
  asOf: string;
  weights: RankWeights;
  region?: string | null;
  careerStage?: CareerStage | null;
  knownAt?: string | null;
  limit: number;
  offset: number;
}

@Injectable()
export class RankingRepository {
  constructor(private readonly dataSource: DataSource) {}

  // Rank policies

  async latestPolicy(manager: EntityManager = this.dataSource.manager): Promise<RankPolicy | null> {
    const [policy] = await manager.getRepository(RankPolicy).find({ order: { version: 'DESC' }, take: 1 });
    return policy ?? null;
  }

  policy(version: number, manager: EntityManager = this.dataSource.manager): Promise<RankPolicy | null> {
    return manager.getRepository(RankPolicy).findOne({ where: { version } });
  }

  /** Every version, latest first. */
  policies(): Promise<RankPolicy[]> {
    return this.dataSource.getRepository(RankPolicy).find({ order: { version: 'DESC' } });
  }

  /** Saves the policy as the version after the latest; two saved at once get consecutive versions, not a clash. */
  async insertPolicy(manager: EntityManager, p: { weights: RankWeights; note: string | null; createdBy: string }): Promise<RankPolicy> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('rank_policy'))`);
    const [{ next }] = await manager.query(`SELECT COALESCE(max(version), 0) + 1 AS next FROM rank_policy`);
    const repo = manager.getRepository(RankPolicy);
    return repo.save(repo.create({ version: next, weights: p.weights, note: p.note, createdBy: p.createdBy }));
  }

  // A slot's candidates

  /** The day a slot's nominees are scored on, its conference's start date; null when there is no such slot. */
  async slotScoringDay(slotId: string, manager: EntityManager = this.dataSource.manager): Promise<string | null> {
    const [slot] = await manager.query(
      `SELECT c.start_date AS "asOf" FROM slot s JOIN conference c ON c.id = s.conference_id WHERE s.id = $1::uuid`,
      [slotId],
    );
    return slot?.asOf ?? null;
  }

  /** The slot's active nominees with their talks in the policy's window before asOf (CANDIDATES, prepared). */
  nominees(
    p: { slotId: string; asOf: string; weights: RankWeights },
    manager: EntityManager = this.dataSource.manager,
  ): Promise<CandidateRow[]> {
    return queryPrepared<CandidateRow>(manager, CANDIDATES, candidatesQuery(p).values);
  }

  /** Name and tier of the conferences (CANDIDATE_CONFERENCES, prepared); no statement for none. */
  async conferences(conferenceIds: string[], manager: EntityManager = this.dataSource.manager): Promise<CandidateConference[]> {
    return conferenceIds.length ? queryPrepared<CandidateConference>(manager, CANDIDATE_CONFERENCES, [conferenceIds]) : [];
  }

  // Eligibility and rankings

  /** The member with their career stage on asOf (today when null); null when there is no such member. */
  async eligibleMember(memberId: string, asOf: string | null): Promise<EligibleMember | null> {
    const [member] = await this.dataSource.query(
      `SELECT m.id, m.name, ${CLOCK},
              COALESCE(member_career_stage_at(m.id, COALESCE($2::date, current_date)), m.career_stage) AS career_stage
       FROM member m WHERE m.id = $1::uuid`,
      [memberId, asOf],
    );
    return member ? { name: member.name, careerStage: member.career_stage, today: member.today, now: member.now } : null;
  }

  /** The member's talks that may count at asOf (recorded by knownAt when given), latest first. */
  async countedTalks(p: { memberId: string; asOf: string; weights: RankWeights; knownAt?: string | null }): Promise<CountedTalk[]> {
    const query = memberTalksQuery(p);
    const rows: Array<{
      talk_id: string;
      conference_id: string;
      conference_name: string;
      tier: ConferenceTier;
      talk_type: TalkType;
      date: string;
    }> = await this.dataSource.query(query.text, query.values);
    return rows.map((row) => ({
      talkId: row.talk_id,
      conferenceId: row.conference_id,
      conferenceName: row.conference_name,
      tier: row.tier,
      talkType: row.talk_type,
      date: row.date,
    }));
  }

  /** The clock, the latest policy version and the latest talk's date: what decides how the rankings are answered. */
  async rankingClock(): Promise<RankingClock> {
    const [clock] = await this.dataSource.query(
      `SELECT ${CLOCK}, (SELECT max(version) FROM rank_policy) AS latest_policy, (SELECT max(date) FROM talk) AS latest_talk`,
    );
    return { today: clock.today, now: clock.now, latestPolicy: clock.latest_policy, latestTalk: clock.latest_talk };
  }

  /** One page of the rankings and the size of the whole selection. */
  async rankings(p: RankingsPage): Promise<{ rows: RankingRow[]; total: number }> {
    const page = (limit: number, offset: number) => {
      const q = { asOf: p.asOf, weights: p.weights, region: p.region, careerStage: p.careerStage, limit, offset };
      return p.fromBasis ? rankingsFromBasisQuery(q) : rankingsQuery({ ...q, knownAt: p.knownAt });
    };
    const sql = page(p.limit, p.offset);
    const rows: RankingRow[] = await this.dataSource.query(sql.text, sql.values);
    let total = rows[0]?.total ?? 0;
    if (rows.length === 0 && p.offset > 0) {
      // Past the last page the rows carrying the count are gone: ask for the first row's.
      const first = page(1, 0);
      total = (await this.dataSource.query(first.text, first.values))[0]?.total ?? 0;
    }
    return { rows, total };
  }
}
