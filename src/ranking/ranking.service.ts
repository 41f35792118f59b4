import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { CareerStage, ConferenceTier, NominationStatus, TalkType } from '../common/enums';
import { notFound } from '../common/problem';
import { eligibility, PastTalk } from './eligibility';
import { RankPolicy } from './rank-policy.entity';
import { RankPolicyService } from './rank-policy.service';
import { EligibilityView, RankingsQuery, RankingsView } from './ranking.dto';
import { queryPrepared } from '../database/prepared';
import { CandidateConference, CandidateRow, conferencesOf, nomineesOf, rankCandidates } from './candidates';
import {
  basisAnswers, CANDIDATE_CONFERENCES, CANDIDATES, candidatesQuery, memberTalksQuery, rankingsFromBasisQuery, rankingsQuery,
} from './ranking.sql';

export interface EligibilityBreakdown {
  policyVersion: number;
  asOf: string;
  careerStage: CareerStage;
  bonus: number;
  talkLoad: number;
  talks: Array<{
    talkId: string;
    conferenceId: string;
    conferenceName: string;
    tier: ConferenceTier;
    talkType: TalkType;
    date: string;
    ageYears: number;
    decay: number;
    contribution: number;
  }>;
}

/** A nominee of a slot as the committee sees them: ranked among the slot's active nominees. */
export interface Candidate {
  memberId: string;
  name: string;
  nominationId: string;
  nominationStatus: NominationStatus;
  /** 1 = most eligible; equal scores share a rank. */
  rank: number;
  score: number;
  careerStage: CareerStage;
  region: string;
  instituteId: string;
  instituteName: string;
  breakdown: EligibilityBreakdown;
  nominator: CandidateNominator;
  reason: string;
  conflictsOfInterest: Array<'self-nomination' | 'same-institute'>;
}

/** Who nominated a candidate: their account, and their member record when the account is linked to one. */
export interface CandidateNominator {
  userId: string;
  memberId: string | null;
  name: string;
}

interface RankingRow {
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

type CountedTalk = PastTalk & EligibilityBreakdown['talks'][number];

/** The database's today and now, so every date rule uses one clock. knownAt keeps microseconds for exact replay. */
const CLOCK = `current_date AS today, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS now`;

@Injectable()
export class RankingService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly policies: RankPolicyService,
  ) {}

  /** The given version of the rank policy, or the latest one (422 when the version does not exist). */
  policy(version?: number, manager?: EntityManager): Promise<RankPolicy> {
    return this.policies.resolve(version, manager);
  }

  /**
   * The slot's active nominees (submitted, shortlisted, allocated), best first, scored as of the
   * conference's start date. With `manager`, runs inside that transaction and sees its writes.
   */
  async candidatesForSlot(
    slotId: string,
    options: { manager?: EntityManager; policyVersion?: number } = {},
  ): Promise<Candidate[]> {
    const manager = options.manager ?? this.dataSource.manager;
    const [slot] = await manager.query(
      `SELECT c.start_date AS "asOf" FROM slot s JOIN conference c ON c.id = s.conference_id WHERE s.id = $1::uuid`,
      [slotId],
    );
    if (!slot) throw notFound('Slot', slotId);
    const asOf: string = slot.asOf;
    const policy = await this.policies.resolve(options.policyVersion, manager);
    const query = candidatesQuery({ slotId, asOf, weights: policy.weights });
    const nominees = nomineesOf(await queryPrepared<CandidateRow>(manager, CANDIDATES, query.values));
    const conferenceIds = conferencesOf(nominees);
    const conferences = conferenceIds.length
      ? await queryPrepared<CandidateConference>(manager, CANDIDATE_CONFERENCES, [conferenceIds])
      : [];
    return rankCandidates(nominees, conferences, asOf, policy);
  }

  /**
   * One member's score with every counted talk, computed by the pure formula. The same asOf,
   * policyVersion and knownAt give the same answer forever (talks recorded later are left out).
   */
  async memberEligibility(
    memberId: string,
    query: { asOf?: string; policyVersion?: number; knownAt?: string },
  ): Promise<EligibilityView> {
    const [member] = await this.dataSource.query(
      `SELECT m.id, m.name, ${CLOCK},
              COALESCE(member_career_stage_at(m.id, COALESCE($2::date, current_date)), m.career_stage) AS career_stage
       FROM member m WHERE m.id = $1::uuid`,
      [memberId, query.asOf ?? null],
    );
    if (!member) throw notFound('Member', memberId);
    const asOf: string = query.asOf ?? member.today;
    const knownAt: string = query.knownAt ?? member.now;
    const policy = await this.policies.resolve(query.policyVersion);
    const talksQuery = memberTalksQuery({ memberId, asOf, weights: policy.weights, knownAt });
    const rows: Array<{
      talk_id: string; conference_id: string; conference_name: string; tier: CountedTalk['tier'];
      talk_type: CountedTalk['talkType']; date: string;
    }> = await this.dataSource.query(talksQuery.text, talksQuery.values);
    const talks = rows.map((row) => ({
      talkId: row.talk_id, conferenceId: row.conference_id, conferenceName: row.conference_name,
      tier: row.tier, talkType: row.talk_type, date: row.date,
    }));
    const result = eligibility(talks, member.career_stage, asOf, policy.weights);
    return {
      memberId,
      name: member.name,
      score: result.score,
      asOf,
      knownAt,
      policyVersion: policy.version,
      breakdown: {
        policyVersion: policy.version,
        asOf,
        careerStage: result.careerStage,
        bonus: result.bonus,
        talkLoad: result.talkLoad,
        talks: result.talks.map((t) => ({
          talkId: t.talkId, conferenceId: t.conferenceId, conferenceName: t.conferenceName, tier: t.tier,
          talkType: t.talkType, date: t.date, ageYears: t.ageYears, decay: t.decay, contribution: t.contribution,
        })),
      },
    };
  }

  /** Every current member ranked across the collaboration in one query, optionally narrowed, one page. */
  async rankings(query: RankingsQuery): Promise<RankingsView> {
    const [clock] = await this.dataSource.query(
      `SELECT ${CLOCK}, (SELECT max(version) FROM rank_policy) AS latest_policy, (SELECT max(date) FROM talk) AS latest_talk`);
    const asOf: string = query.asOf ?? clock.today;
    // Without knownAt every talk committed so far counts, which is what `now` means: the filter is
    // then left out of the query (it would cost a heap visit per talk).
    const knownAt: string = query.knownAt ?? clock.now;
    const policy = await this.policies.resolve(query.policyVersion);
    // The maintained basis answers for the latest policy as the talks stand now; a replay (knownAt)
    // or another policy version is computed from the talks themselves.
    const fromBasis = !query.knownAt && policy.version === clock.latest_policy
      && basisAnswers({ asOf, weights: policy.weights, latestTalk: clock.latest_talk });
    const page = (limit: number, offset: number) => {
      const p = { asOf, weights: policy.weights, region: query.region, careerStage: query.careerStage, limit, offset };
      return fromBasis ? rankingsFromBasisQuery(p) : rankingsQuery({ ...p, knownAt: query.knownAt });
    };
    const sql = page(query.limit, query.offset);
    const rows: RankingRow[] = await this.dataSource.query(sql.text, sql.values);
    let total = rows[0]?.total ?? 0;
    if (rows.length === 0 && query.offset > 0) {
      // Past the last page the rows carrying the count are gone: ask for the first row's.
      const first = page(1, 0);
      total = (await this.dataSource.query(first.text, first.values))[0]?.total ?? 0;
    }
    return {
      asOf,
      knownAt,
      policyVersion: policy.version,
      items: rows.map((row) => ({
        memberId: row.member_id, name: row.name, rank: row.rank, rankInSelection: row.rank_in_selection,
        score: row.score, bonus: row.bonus, talkLoad: row.talk_load, talksCounted: row.talks_counted,
        careerStage: row.career_stage, region: row.region, instituteId: row.institute_id, instituteName: row.institute_name,
      })),
      total,
      limit: query.limit,
      offset: query.offset,
    };
  }
}
