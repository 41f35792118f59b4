import { EntityManager } from 'typeorm';
import { TalkView } from './talks.dto';

/** What the talk list, a single talk and the export show: the talk with its speaker and conference named. */
export const TALK_VIEW = `
  SELECT t.id, t.member_id AS "memberId", m.name AS "memberName", m.external_id AS "memberExternalId",
         t.conference_id AS "conferenceId", c.name AS conference, c.tier, t.talk_type AS "talkType", t.date, t.title,
         t.career_stage AS "careerStage", t.institute_id AS "instituteId", i.name AS institute,
         t.allocation_id AS "allocationId"
  FROM talk t
  JOIN member m ON m.id = t.member_id
  JOIN conference c ON c.id = t.conference_id
  JOIN institute i ON i.id = t.institute_id`;

/**
 * Records the talk an accepted allocation becomes, in the caller's transaction: the slot's conference
 * and talk type, dated on the slot's day (UTC) or else the conference's start, with the speaker's
 * career stage and institute on that date. Does nothing for an allocation that is not accepted or
 * already has its talk; returns the talk, or null when nothing was written.
 */
export async function insertTalkFromAllocation(manager: EntityManager, allocationId: string): Promise<TalkView | null> {
  const inserted: { id: string }[] = await manager.query(
    `INSERT INTO talk (member_id, conference_id, talk_type, date, title, career_stage, institute_id, allocation_id)
     SELECT a.member_id, s.conference_id, s.talk_type, d.date, s.title,
            COALESCE(member_career_stage_at(a.member_id, d.date), m.career_stage),
            COALESCE(member_institute_at(a.member_id, d.date), m.institute_id),
            a.id
     FROM allocation a
     JOIN slot s ON s.id = a.slot_id
     JOIN conference c ON c.id = s.conference_id
     JOIN member m ON m.id = a.member_id
     CROSS JOIN LATERAL (SELECT COALESCE((s.starts_at AT TIME ZONE 'UTC')::date, c.start_date) AS date) d
     WHERE a.id = $1 AND a.status = 'accepted'
     ON CONFLICT (allocation_id) DO NOTHING
     RETURNING id`,
    [allocationId],
  );
  if (inserted.length === 0) return null;
  const [talk] = await manager.query(`${TALK_VIEW} WHERE t.id = $1`, [inserted[0].id]);
  return talk;
}
