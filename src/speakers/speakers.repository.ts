// The SQL of the speaker's side of invitations: the invitation as its answer link shows it, the
// deadlines' sweeps, and the committee's digest. Reads allocation, member, slot, conference,
// audit_event and mail_outbox; takes the digest's advisory lock.
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AllocationStatus } from '../common/enums';
import { DigestPending, DigestResponse } from '../mail/letters';

/** An invitation as the answer page shows it. */
export interface LinkedInvitation {
  id: string;
  status: AllocationStatus;
  respondBy: Date | null;
  speakerName: string;
  title: string;
  talkType: string;
  startsAt: Date | null;
  durationMinutes: number | null;
  room: string | null;
  conferenceId: string;
  name: string;
  startDate: string;
  endDate: string;
  country: string;
  city: string | null;
  timeZone: string | null;
}

@Injectable()
export class SpeakersRepository {
  async linkedInvitation(manager: EntityManager, allocationId: string): Promise<LinkedInvitation | undefined> {
    const [row] = await manager.query(
      `SELECT a.id, a.status, a.respond_by AS "respondBy", m.name AS "speakerName",
              s.title, s.talk_type AS "talkType", s.starts_at AS "startsAt", s.duration_minutes AS "durationMinutes", s.room,
              c.id AS "conferenceId", c.name, c.start_date AS "startDate", c.end_date AS "endDate", c.country, c.city,
              c.time_zone AS "timeZone"
       FROM allocation a JOIN member m ON m.id = a.member_id JOIN slot s ON s.id = a.slot_id
       JOIN conference c ON c.id = s.conference_id
       WHERE a.id = $1`,
      [allocationId],
    );
    return row;
  }

  /**
   * The next open invitation due a reminder at `now` (two days left, or halfway through a shorter
   * answer window), locked; one another worker holds is skipped.
   */
  async nextDueReminder(manager: EntityManager, now: Date): Promise<string | null> {
    const [due] = await manager.query(
      `SELECT id FROM allocation
       WHERE status = 'invited' AND reminded_at IS NULL AND respond_by > $1
         AND respond_by - LEAST(interval '2 days', (respond_by - created_at) / 2) <= $1
       ORDER BY respond_by, id LIMIT 1 FOR UPDATE SKIP LOCKED`,
      [now],
    );
    return due?.id ?? null;
  }

  /** The next open invitation whose deadline has passed at `now`, locked; one another worker holds is skipped. */
  async nextExpired(manager: EntityManager, now: Date): Promise<string | null> {
    const [due] = await manager.query(
      `SELECT id FROM allocation WHERE status = 'invited' AND respond_by <= $1
       ORDER BY respond_by, id LIMIT 1 FOR UPDATE SKIP LOCKED`,
      [now],
    );
    return due?.id ?? null;
  }

  /** One digest at a time until the transaction ends, so two runs never both read the same "since". */
  async lockDigest(manager: EntityManager): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('committee-digest'))`);
  }

  /** The answers recorded since the previous digest, at most a day back. */
  answersSinceLastDigest(manager: EntityManager): Promise<DigestResponse[]> {
    return manager.query(
      `SELECT c.name AS "conferenceName", s.title AS "slotTitle", m.name AS "speakerName", e.after ->> 'status' AS status, e.at
       FROM audit_event e
       JOIN allocation a ON a.id::text = e.entity_id
       JOIN member m ON m.id = a.member_id JOIN slot s ON s.id = a.slot_id JOIN conference c ON c.id = s.conference_id
       WHERE e.entity = 'allocation' AND e.action IN ('allocation.accept', 'allocation.decline', 'allocation.expire')
         AND e.at > GREATEST(now() - interval '1 day', (SELECT max(created_at) FROM mail_outbox WHERE kind = 'digest'))
       ORDER BY e.at, e.id`,
    );
  }

  /** The invitations still open, soonest deadline first. */
  openInvitations(manager: EntityManager): Promise<DigestPending[]> {
    return manager.query(
      `SELECT c.name AS "conferenceName", s.title AS "slotTitle", m.name AS "speakerName", a.respond_by AS "respondBy"
       FROM allocation a JOIN member m ON m.id = a.member_id JOIN slot s ON s.id = a.slot_id JOIN conference c ON c.id = s.conference_id
       WHERE a.status = 'invited' AND a.respond_by IS NOT NULL
       ORDER BY a.respond_by, a.id`,
    );
  }
}
