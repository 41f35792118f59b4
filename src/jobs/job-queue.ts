import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import PgBoss from 'pg-boss';
import { DataSource, EntityManager } from 'typeorm';
import { ServiceConfig } from '../config/service-config';
import { JobSettings } from './job-settings';

/** The schema pg-boss creates and keeps for itself in the service's database. */
export const JOB_SCHEMA = 'pgboss';

export type JobHandler<T> = (job: PgBoss.JobWithMetadata<T>) => Promise<void>;

interface Registration {
  queue: string;
  queueOptions: Omit<PgBoss.Queue, 'name'>;
  handler?: JobHandler<never>;
  cron?: string;
}

/**
 * Durable background work on pg-boss, in the service's own database: jobs are rows, handed to one
 * worker at a time (SKIP LOCKED), retried with backoff when a handler fails or a worker dies, and cron
 * schedules fire once per minute however many instances run. Features register their queues, workers
 * and schedules while the app is built; the queue starts when the app is up and stops with it.
 */
@Injectable()
export class JobQueue implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(JobQueue.name);
  readonly settings: JobSettings;
  private readonly registrations = new Map<string, Registration>();
  private boss: PgBoss | null = null;

  constructor(
    private readonly dataSource: DataSource,
    config: ServiceConfig,
  ) {
    this.settings = config.jobs;
  }

  /**
   * A queue with its worker (none: this instance only adds jobs), optionally fed by a cron schedule
   * (UTC). Call while the app is built (onModuleInit).
   */
  register<T>(queue: string, handler: JobHandler<T> | null, options: { cron?: string } & Omit<PgBoss.Queue, 'name'> = {}): void {
    const { cron, ...queueOptions } = options;
    this.registrations.set(queue, { queue, queueOptions, handler: (handler ?? undefined) as JobHandler<never> | undefined, cron });
  }

  async onApplicationBootstrap(): Promise<void> {
    const url = (this.dataSource.options as { url?: string }).url;
    const boss = new PgBoss({
      connectionString: url,
      schema: JOB_SCHEMA,
      max: 4,
      application_name: 'speaker-allocation-jobs',
      // Jobs whose worker died are failed (and so retried) by the maintenance pass, so it runs at
      // least as often as a delivery may take.
      maintenanceIntervalSeconds: Math.min(60, this.settings.mailSendTimeoutSeconds),
    });
    boss.on('error', (error) => this.logger.warn(`job queue: ${error.message}`));
    await boss.start();
    this.boss = boss;
    for (const r of this.registrations.values()) {
      await boss.createQueue(r.queue, { name: r.queue, ...r.queueOptions });
      // createQueue keeps an existing queue's options; the settings of this start apply from now on.
      await boss.updateQueue(r.queue, { name: r.queue, ...r.queueOptions });
      if (r.cron) await boss.schedule(r.queue, r.cron, {}, { tz: 'UTC' });
      if (r.handler) {
        const handler = r.handler;
        await boss.work(
          r.queue,
          { includeMetadata: true, batchSize: 1, pollingIntervalSeconds: this.settings.pollingSeconds },
          async ([job]) => handler(job as PgBoss.JobWithMetadata<never>),
        );
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    const boss = this.boss;
    this.boss = null;
    // Running jobs get a moment to finish; the rest are failed and retried by whichever instance is left.
    await boss?.stop({ graceful: true, wait: true, timeout: 5_000 });
  }

  /**
   * Adds a job on the caller's transaction, so it exists exactly when the change that asks for it
   * commits. `id` makes it idempotent: a second job with the same id is not created.
   */
  async sendInTransaction(manager: EntityManager, queue: string, data: object, options: PgBoss.SendOptions = {}): Promise<void> {
    const boss = this.running();
    await boss.send(queue, data, {
      ...options,
      db: { executeSql: async (text: string, values: unknown[]) => ({ rows: await manager.query(text, values) }) },
    });
  }

  /** Adds a job now (outside any transaction), e.g. to run a scheduled sweep at once. */
  async send(queue: string, data: object = {}, options: PgBoss.SendOptions = {}): Promise<string | null> {
    return this.running().send(queue, data, options);
  }

  /** A job's state as pg-boss keeps it (tests and the outbox view read it). */
  async job(queue: string, id: string): Promise<PgBoss.JobWithMetadata | null> {
    return this.running().getJobById(queue, id, { includeArchive: true });
  }

  async schedules(): Promise<PgBoss.Schedule[]> {
    return this.running().getSchedules();
  }

  private running(): PgBoss {
    if (!this.boss) throw new Error('The job queue is not running (the app has not started, or is stopping)');
    return this.boss;
  }
}
