import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AllocationLifecycle } from '../allocations/allocation-lifecycle';
import { AllocationNotices } from '../allocations/allocation-notices';
import { Clock } from '../clock/clock';
import { JobQueue } from '../jobs/job-queue';
import { SpeakersRepository } from './speakers.repository';

export const DEADLINES_QUEUE = 'invitation-deadlines';

/**
 * Reminders and expiry of open invitations, on the job queue's cron (every minute, fired once however
 * many instances run). Each invitation is handled in its own transaction with its row locked and
 * skipped when another worker holds it, so overlapping sweeps never remind or expire one twice.
 *
 * The reminder goes out when two days are left, or halfway through a shorter answer window.
 */
@Injectable()
export class InvitationDeadlines implements OnModuleInit {
  private readonly logger = new Logger(InvitationDeadlines.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly speakers: SpeakersRepository,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
    private readonly lifecycle: AllocationLifecycle,
    private readonly notices: AllocationNotices,
  ) {}

  onModuleInit(): void {
    this.jobs.register(
      DEADLINES_QUEUE,
      async () => {
        const done = await this.sweep();
        if (done.reminded || done.expired) this.logger.log(`deadlines: ${done.reminded} reminded, ${done.expired} expired`);
      },
      { cron: '* * * * *', retryLimit: 0, expireInSeconds: 300 },
    );
  }

  /** Everything due at the clock's now: reminders first, then expiries. */
  async sweep(): Promise<{ reminded: number; expired: number }> {
    const now = this.clock.now();
    let reminded = 0;
    let expired = 0;
    for (;;) {
      const done = await this.dataSource.transaction(async (manager) => {
        const due = await this.speakers.nextDueReminder(manager, now);
        if (!due) return false;
        await this.notices.remind(manager, due);
        return true;
      });
      if (!done) break;
      reminded += 1;
    }
    for (;;) {
      const done = await this.dataSource.transaction(async (manager) => {
        const due = await this.speakers.nextExpired(manager, now);
        if (!due) return false;
        await this.lifecycle.changeAllocationStatus(manager, {
          allocationId: due,
          to: 'expired',
          as: ['deadline'],
          actor: null,
          via: 'deadline',
        });
        return true;
      });
      if (!done) break;
      expired += 1;
    }
    return { reminded, expired };
  }
}
