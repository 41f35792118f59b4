import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CareerStage, ConferenceTier, NominationStatus, TalkType } from '../common/enums';
import { notFound } from '../common/problem';
import { conferencesOf, nomineesOf, rankCandidates } from './candidates';
import { eligibility } from './eligibility';
import { RankPolicy } from './rank-policy.entity';
import { RankPolicyService } from './rank-policy.service';
import { EligibilityView, RankingsQuery, RankingsView } from './ranking.dto';
import { RankingRepository } from './ranking.repository';
import { basisAnswers } from './ranking.sql';

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

@Injectable()
export class RankingService {
  constructor(
    private readonly repository: RankingRepository,
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
  async candidatesForSlot(slotId: string, options: { manager?: EntityManager; policyVersion?: number } = {}): Promise<Candidate[]> {
    const { manager } = options;
    const asOf = await this.repository.slotScoringDay(slotId, manager);
    if (asOf === null) throw notFound('Slot', slotId);
    const policy = await this.policies.resolve(options.policyVersion, manager);
    const nominees = nomineesOf(await this.repository.nominees({ slotId, asOf, weights: policy.weights }, manager));
    const conferences = await this.repository.conferences(conferencesOf(nominees), manager);
    return rankCandidates(nominees, conferences, asOf, policy);
  }

  /**
   * One member's score with every counted talk, computed by the pure formula. The same asOf,
   * policyVersion and knownAt give the same answer forever (talks recorded later are left out).
   */
  async memberEligibility(memberId: string, query: { asOf?: string; policyVersion?: number; knownAt?: string }): Promise<EligibilityView> {
    const member = await this.repository.eligibleMember(memberId, query.asOf ?? null);
    if (!member) throw notFound('Member', memberId);
    const asOf: string = query.asOf ?? member.today;
    const knownAt: string = query.knownAt ?? member.now;
    const policy = await this.policies.resolve(query.policyVersion);
    const talks = await this.repository.countedTalks({ memberId, asOf, weights: policy.weights, knownAt });
    const result = eligibility(talks, member.careerStage, asOf, policy.weights);
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
          talkId: t.talkId,
          conferenceId: t.conferenceId,
          conferenceName: t.conferenceName,
          tier: t.tier,
          talkType: t.talkType,
          date: t.date,
          ageYears: t.ageYears,
          decay: t.decay,
          contribution: t.contribution,
        })),
      },
    };
  }

  /** Every current member ranked across the collaboration in one query, optionally narrowed, one page. */
  async rankings(query: RankingsQuery): Promise<RankingsView> {
    const clock = await this.repository.rankingClock();
    const asOf: string = query.asOf ?? clock.today;
    // Without knownAt every talk committed so far counts, which is what `now` means: the filter is
    // then left out of the query (it would cost a heap visit per talk).
    const knownAt: string = query.knownAt ?? clock.now;
    const policy = await this.policies.resolve(query.policyVersion);
    // The maintained basis answers for the latest policy as the talks stand now; a replay (knownAt)
    // or another policy version is computed from the talks themselves.
    const fromBasis =
      !query.knownAt &&
      policy.version === clock.latestPolicy &&
      basisAnswers({ asOf, weights: policy.weights, latestTalk: clock.latestTalk });
    const { rows, total } = await this.repository.rankings({
      fromBasis,
      asOf,
      weights: policy.weights,
      region: query.region,
      careerStage: query.careerStage,
      knownAt: query.knownAt,
      limit: query.limit,
      offset: query.offset,
    });
    return {
      asOf,
      knownAt,
      policyVersion: policy.version,
      items: rows.map((row) => ({
        memberId: row.member_id,
        name: row.name,
        rank: row.rank,
        rankInSelection: row.rank_in_selection,
        score: row.score,
        bonus: row.bonus,
        talkLoad: row.talk_load,
        talksCounted: row.talks_counted,
        careerStage: row.career_stage,
        region: row.region,
        instituteId: row.institute_id,
        instituteName: row.institute_name,
      })),
      total,
      limit: query.limit,
      offset: query.offset,
    };
  }
}
