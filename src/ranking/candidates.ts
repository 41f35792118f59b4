// A slot's nominees ranked: the rows of CANDIDATES (ranking.sql.ts) scored by the pure formula, free of
// Nest and TypeORM so the benchmark's bare server can give the very same answer.
import { CareerStage, ConferenceTier, NominationStatus, TalkType } from '../common/enums';
import { competitionRanks, eligibility, RankWeights } from './eligibility';
import type { Candidate } from './ranking.service';

/** One row of CANDIDATES: a nominee, listed by name (in the database's collation), then member id. */
export interface CandidateRow {
  member_id: string;
  name: string;
  nomination_id: string;
  nomination_status: NominationStatus;
  nominator_id: string;
  nominator_member_id: string | null;
  nominator_name: string;
  reason: string;
  conflicts_of_interest: Candidate['conflictsOfInterest'];
  career_stage: CareerStage;
  institute_id: string;
  institute_name: string;
  region: string;
  /** `talk id,conference id,talk type,date` joined by `;`, latest first (ties by talk id); null for none. */
  talks: string | null;
}

export interface CandidateConference {
  id: string;
  name: string;
  tier: ConferenceTier;
}

interface ListedTalk {
  talkId: string;
  conferenceId: string;
  talkType: TalkType;
  date: string;
}

/** A nominee's row with its talks read, in the row's order (latest first, ties by talk id). */
export interface Nominee {
  row: CandidateRow;
  talks: ListedTalk[];
}

/** Reads each row's talks (a few thousand for a crowded slot: by index, not by splitting twice). */
export function nomineesOf(rows: readonly CandidateRow[]): Nominee[] {
  return rows.map((row) => {
    const talks: ListedTalk[] = [];
    const text = row.talks ?? '';
    for (let start = 0; start < text.length;) {
      const a = text.indexOf(',', start);
      const b = text.indexOf(',', a + 1);
      const c = text.indexOf(',', b + 1);
      const next = text.indexOf(';', c + 1);
      const end = next < 0 ? text.length : next;
      talks.push({
        talkId: text.slice(start, a),
        conferenceId: text.slice(a + 1, b),
        talkType: text.slice(b + 1, c) as TalkType,
        date: text.slice(c + 1, end),
      });
      start = end + 1;
    }
    return { row, talks };
  });
}

/** The conferences the nominees' talks were given at, each once: what CANDIDATE_CONFERENCES is asked for. */
export function conferencesOf(nominees: readonly Nominee[]): string[] {
  const ids = new Set<string>();
  for (const { talks } of nominees) for (const talk of talks) ids.add(talk.conferenceId);
  return [...ids];
}

/**
 * Each nominee scored as of `asOf` with the talk-by-talk breakdown, best first; equal scores (to 1e-9)
 * share a rank and are listed by name, then member id. Talks of equal weight stay latest first.
 */
export function rankCandidates(
  nominees: readonly Nominee[],
  conferences: readonly CandidateConference[],
  asOf: string,
  policy: { version: number; weights: RankWeights },
): Candidate[] {
  const conference = new Map(conferences.map((c) => [c.id, c]));
  const scored = nominees.map(({ row, talks: listed }) => {
    const talks = listed.map((talk) => {
      const at = conference.get(talk.conferenceId);
      if (!at) throw new Error(`Conference ${talk.conferenceId} of talk ${talk.talkId} not found`);
      return {
        talkId: talk.talkId,
        conferenceId: talk.conferenceId,
        conferenceName: at.name,
        tier: at.tier,
        talkType: talk.talkType,
        date: talk.date,
      };
    });
    return { row, result: eligibility(talks, row.career_stage, asOf, policy.weights) };
  });
  const ranks = competitionRanks(scored.map(({ result }) => result.score));
  const candidates = scored.map(({ row, result }, index): Candidate => ({
    memberId: row.member_id,
    name: row.name,
    nominationId: row.nomination_id,
    nominationStatus: row.nomination_status,
    rank: ranks[index],
    score: result.score,
    careerStage: row.career_stage,
    region: row.region,
    instituteId: row.institute_id,
    instituteName: row.institute_name,
    nominator: { userId: row.nominator_id, memberId: row.nominator_member_id, name: row.nominator_name },
    reason: row.reason,
    conflictsOfInterest: row.conflicts_of_interest,
    breakdown: {
      policyVersion: policy.version,
      asOf,
      careerStage: row.career_stage,
      bonus: result.bonus,
      talkLoad: result.talkLoad,
      talks: result.talks,
    },
  }));
  // Stable: within a rank the rows keep the statement's order, by name then member id.
  return candidates.sort((a, b) => a.rank - b.rank);
}
