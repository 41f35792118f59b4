import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AllocationNotices } from '../allocations/allocation-notices';
import { Clock } from '../clock/clock';
import { JobQueue } from '../jobs/job-queue';
import { digestLetter } from '../mail/letters';
import { Outbox } from '../mail/outbox.service';
import { SpeakersRepository } from './speakers.repository';

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
    private readonly speakers: SpeakersRepository,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
    private readonly outbox: Outbox,
    private readonly notices: AllocationNotices,
  ) {}

  onModuleInit(): void {
    this.jobs.register(
      DIGEST_QUEUE,
      async () => {
        await this.send();
      },
      { cron: '0 7 * * *', retryLimit: 3, retryDelay: 300 },
    );
  }

  /**
   * The digest for the day of the clock's now: the answers recorded since the previous digest (at most
   * a day back), so a late or missed run leaves no gap and repeats nothing. Returns the mail's id, or
   * null when there was nothing to tell (or that day's digest exists).
   */
  async send(): Promise<string | null> {
    const day = this.clock.now().toISOString().slice(0, 10);
    return this.dataSource.transaction(async (manager) => {
      await this.speakers.lockDigest(manager);
      const responses = await this.speakers.answersSinceLastDigest(manager);
      const pending = await this.speakers.openInvitations(manager);
      if (responses.length === 0 && pending.length === 0) return null;
      return this.outbox.write(manager, {
        kind: 'digest',
        to: await this.notices.committee(manager),
        dedupeKey: `digest:${day}`,
        ...digestLetter({ day, responses, pending }),
      });
    });
  }
}
