import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AllocationNotices } from '../allocations/allocation-notices';
import { Clock } from '../clock/clock';
import { JobQueue } from '../jobs/job-queue';
import { digestLetter, DigestPending, DigestResponse } from '../mail/letters';
import { Outbox } from '../mail/outbox.service';

export const DIGEST_QUEUE = 'committee-digest';

/**
 * Each morning (07:00 UTC) the committee gets one mail with the answers since the last digest (accepted,
 * declined, lapsed) and the invitations still open; nothing when nothing happened and nothing waits.
 * The day's dedupe key keeps it to one mail even if the job runs twice.
 */
@Injectable()
export class CommitteeDigest implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
    private readonly outbox: Outbox,
    private readonly notices: AllocationNotices,
  ) {}

  onModuleInit(): void {
    this.jobs.register(DIGEST_QUEUE, async () => { await this.send(); }, { cron: '0 7 * * *', retryLimit: 3, retryDelay: 300 });
  }

  /**
   * The digest for the day of the clock's now: the answers recorded since the previous digest (at most
   * a day back), so a late or missed run leaves no gap and repeats nothing. Returns the mail's id, or
   * null when there was nothing to tell (or that day's digest exists).
   */
  async send(): Promise<string | null> {
    const day = this.clock.now().toISOString().slice(0, 10);
    return this.dataSource.transaction(async (manager) => {
      // One digest at a time, so two runs never both read the same "since".
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('committee-digest'))`);
      const responses: DigestResponse[] = await manager.query(
        `SELECT c.name AS "conferenceName", s.title AS "slotTitle", m.name AS "speakerName", e.after ->> 'status' AS status, e.at
         FROM audit_event e
         JOIN allocation a ON a.id::text = e.entity_id
         JOIN member m ON m.id = a.member_id JOIN slot s ON s.id = a.slot_id JOIN conference c ON c.id = s.conference_id
         WHERE e.entity = 'allocation' AND e.action IN ('allocation.accept', 'allocation.decline', 'allocation.expire')
           AND e.at > GREATEST(now() - interval '1 day', (SELECT max(created_at) FROM mail_outbox WHERE kind = 'digest'))
         ORDER BY e.at, e.id`,
      );
      const pending: DigestPending[] = await manager.query(
        `SELECT c.name AS "conferenceName", s.title AS "slotTitle", m.name AS "speakerName", a.respond_by AS "respondBy"
         FROM allocation a JOIN member m ON m.id = a.member_id JOIN slot s ON s.id = a.slot_id JOIN conference c ON c.id = s.conference_id
         WHERE a.status = 'invited' AND a.respond_by IS NOT NULL
         ORDER BY a.respond_by, a.id`,
      );
      if (responses.length === 0 && pending.length === 0) return null;
      return this.outbox.write(manager, {
        kind: 'digest', to: await this.notices.committee(manager), dedupeKey: `digest:${day}`,
        ...digestLetter({ day, responses, pending }),
      });
    });
  }
}
