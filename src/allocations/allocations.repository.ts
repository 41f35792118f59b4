// The SQL the allocation services share: one allocation as the committee sees it, and the balance
// counts (one query per dimension) that the preview is made of.
import { EntityManager } from 'typeorm';
import { CAREER_STAGES } from '../common/enums';
import { BalanceCounts, BalancePreview, balanceTable } from './balance-preview';
import { DEFAULT_TALK_MINUTES } from './programme-export';

export const ALLOCATION_SELECT = `
  SELECT a.id, a.slot_id AS "slotId", s.conference_id AS "conferenceId", a.member_id AS "memberId",
         m.name AS "memberName", a.nomination_id AS "nominationId", a.status, a.version,
         a.rank_at_allocation AS "rankAtAllocation", a.score_at_allocation AS "scoreAtAllocation",
         a.policy_version AS "policyVersion", a.rationale, a.decline_reason AS reason,
         a.allocated_by AS "allocatedBy", a.created_at AS "createdAt", a.updated_at AS "updatedAt",
         a.responded_at AS "respondedAt", t.id AS "talkId",
         CASE WHEN a.status = 'invited' THEN a.respond_by END AS "respondBy"
  FROM allocation a
  JOIN slot s ON s.id = a.slot_id
  JOIN member m ON m.id = a.member_id
  LEFT JOIN talk t ON t.allocation_id = a.id`;

/**
 * Speakers are counted by the institute and stage recorded on their nomination (what the committee
 * saw when choosing); members by what they are today. Dimensions are fixed here, never user input.
 */
const DIMENSIONS = {
  region: {
    speaker: 'sr.region_code',
    speakerJoin: 'JOIN institute_region sr ON sr.institute_id = n.institute_id',
    member: 'mr.region_code',
    memberJoin: 'JOIN institute_region mr ON mr.institute_id = m.institute_id',
    order: 'LEFT JOIN region o ON o.code = v.value GROUP BY v.value, o.position ORDER BY o.position NULLS LAST, v.value',
  },
  careerStage: {
    speaker: 'n.career_stage',
    speakerJoin: '',
    member: 'm.career_stage',
    memberJoin: '',
    order: `GROUP BY v.value ORDER BY array_position(ARRAY['${CAREER_STAGES.join("','")}'], v.value), v.value`,
  },
} as const;

/**
 * The conference's speakers (invited and accepted allocations) now and as they were before this
 * allocation's change, next to the current membership. `heldSeatBefore` says whether the allocation
 * counted as a speaker before the change (false for a new invitation and for a plain read).
 */
export async function balancePreview(
  manager: EntityManager,
  conferenceId: string,
  allocationId: string,
  heldSeatBefore: boolean,
): Promise<BalancePreview> {
  const counts = async (dimension: keyof typeof DIMENSIONS): Promise<BalanceCounts[]> => {
    const d = DIMENSIONS[dimension];
    return manager.query(
      `SELECT v.value,
              count(*) FILTER (WHERE v.speaker AND v.before)::int AS before,
              count(*) FILTER (WHERE v.speaker AND v.after)::int AS after,
              count(*) FILTER (WHERE NOT v.speaker)::int AS members
       FROM (
         SELECT ${d.speaker} AS value, true AS speaker,
                CASE WHEN a.id = $2 THEN $3::boolean ELSE a.status IN ('invited', 'accepted') END AS before,
                a.status IN ('invited', 'accepted') AS after
         FROM allocation a
         JOIN slot s ON s.id = a.slot_id
         JOIN nomination n ON n.id = a.nomination_id
         ${d.speakerJoin}
         WHERE s.conference_id = $1 AND (a.status IN ('invited', 'accepted') OR a.id = $2)
         UNION ALL
         SELECT ${d.member}, false, false, false
         FROM member m
         ${d.memberJoin}
         WHERE m.left_on IS NULL OR m.left_on > current_date
       ) v
       ${d.order}`,
      [conferenceId, allocationId, heldSeatBefore],
    );
  };
  const region = await counts('region');
  const careerStage = await counts('careerStage');
  return {
    conferenceId,
    region: balanceTable(region),
    careerStage: balanceTable(careerStage, CAREER_STAGES),
  };
}

export interface SpeakerClash {
  kind: 'same-conference' | 'overlapping-times';
  allocationId: string;
  slotId: string;
  slotTitle: string;
  conferenceName: string;
  status: 'invited' | 'accepted';
  message: string;
}

/** A slot's length in SQL: its own, else the usual length of its talk type (as in the calendar export). */
const SLOT_MINUTES = (s: string) => `COALESCE(${s}.duration_minutes, CASE ${s}.talk_type ${
  Object.entries(DEFAULT_TALK_MINUTES).map(([type, minutes]) => `WHEN '${type}' THEN ${minutes}`).join(' ')} ELSE 30 END)`;
const SLOT_SPAN = (s: string) => `tstzrange(${s}.starts_at, ${s}.starts_at + make_interval(mins => ${SLOT_MINUTES(s)}))`;

/**
 * The speaker's other invited or accepted talks that this allocation clashes with: another talk at the
 * same conference, or one whose time overlaps (at any conference). Warnings, not refusals: the
 * committee may mean it.
 */
export async function speakerClashes(manager: EntityManager, allocationId: string): Promise<SpeakerClash[]> {
  const rows: Array<Omit<SpeakerClash, 'kind' | 'message'> & { sameConference: boolean; overlaps: boolean }> = await manager.query(
    `SELECT o.id AS "allocationId", o.slot_id AS "slotId", os.title AS "slotTitle", oc.name AS "conferenceName", o.status,
            os.conference_id = s.conference_id AS "sameConference",
            COALESCE(s.starts_at IS NOT NULL AND os.starts_at IS NOT NULL AND ${SLOT_SPAN('s')} && ${SLOT_SPAN('os')}, false) AS overlaps
     FROM allocation a
     JOIN slot s ON s.id = a.slot_id
     JOIN allocation o ON o.member_id = a.member_id AND o.id <> a.id AND o.status IN ('invited', 'accepted')
     JOIN slot os ON os.id = o.slot_id
     JOIN conference oc ON oc.id = os.conference_id
     WHERE a.id = $1
     ORDER BY os.starts_at NULLS LAST, o.created_at, o.id`,
    [allocationId],
  );
  return rows.flatMap(({ sameConference, overlaps, ...other }) => [
    ...(overlaps ? [{ ...other, kind: 'overlapping-times' as const,
      message: `The speaker is ${other.status} for "${other.slotTitle}" (${other.conferenceName}) at an overlapping time` }] : []),
    ...(sameConference && !overlaps ? [{ ...other, kind: 'same-conference' as const,
      message: `The speaker is also ${other.status} for "${other.slotTitle}" at ${other.conferenceName}` }] : []),
  ]);
}
