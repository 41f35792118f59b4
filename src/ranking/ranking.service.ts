import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { CareerStage, ConferenceTier, NominationStatus, TalkType } from '../common/enums';
import { notFound, unprocessable } from '../common/problem';
import { RankPolicy } from './rank-policy.entity';
import { candidatesQuery } from './ranking.sql';

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
}

interface CandidateRow {
  member_id: string;
  name: string;
  nomination_id: string;
  nomination_status: NominationStatus;
  career_stage: CareerStage;
  institute_id: string;
  institute_name: string;
  region: string;
  bonus: number;
  talk_load: number;
  score: number;
  talks: EligibilityBreakdown['talks'];
  rank: number;
}

@Injectable()
export class RankingService {
  constructor(private readonly dataSource: DataSource) {}

  /** The given version of the rank policy, or the latest one. */
  async policy(version?: number, manager: EntityManager = this.dataSource.manager): Promise<RankPolicy> {
    const repo = manager.getRepository(RankPolicy);
    const policy = version === undefined
      ? await repo.findOne({ where: {}, order: { version: 'DESC' } })
      : await repo.findOne({ where: { version } });
    if (!policy) throw unprocessable(`Rank policy version ${version} does not exist`, [
      { field: 'policyVersion', message: 'no such rank policy version' },
    ]);
    return policy;
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
    const policy = await this.policy(options.policyVersion, manager);
    const query = candidatesQuery({ slotId, asOf, weights: policy.weights });
    const rows: CandidateRow[] = await manager.query(query.text, query.values);
    return rows.map((row) => ({
      memberId: row.member_id,
      name: row.name,
      nominationId: row.nomination_id,
      nominationStatus: row.nomination_status,
      rank: row.rank,
      score: row.score,
      careerStage: row.career_stage,
      region: row.region,
      instituteId: row.institute_id,
      instituteName: row.institute_name,
      breakdown: {
        policyVersion: policy.version,
        asOf,
        careerStage: row.career_stage,
        bonus: row.bonus,
        talkLoad: row.talk_load,
        talks: row.talks,
      },
    }));
  }
}
