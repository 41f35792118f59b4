import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../clock/clock';
import { JobQueue } from '../jobs/job-queue';
import { MembersRepository } from './members.repository';

export const CAREER_STAGES_QUEUE = 'career-stages-in-force';

/**
 * A career-stage change entered ahead of its date takes effect on that day: every night (00:05 UTC,
 * once however many instances run) each member's current stage is set to what the history says for
 * the clock's today. The history itself, which reports and bonuses read, is right all along.
 */
@Injectable()
export class CareerStagesInForce implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly members: MembersRepository,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    this.jobs.register(
      CAREER_STAGES_QUEUE,
      async () => {
        await this.apply();
      },
      { cron: '5 0 * * *', retryLimit: 3, retryDelay: 600 },
    );
  }

  /** Brings every member's current stage to the history's stage today; returns how many changed. */
  async apply(): Promise<number> {
    const today = this.clock.now().toISOString().slice(0, 10);
    return this.dataSource.transaction(async (manager) => {
      const changed = await this.members.bringCareerStagesInForce(manager, today);
      await this.audit.recordMany(
        manager,
        null,
        changed.map((c) => ({
          action: 'member.career-stage-in-force',
          entity: 'member',
          entityId: c.id,
          before: { careerStage: c.before },
          after: { careerStage: c.after, effectiveOn: today },
        })),
      );
      return changed.length;
    });
  }
}
