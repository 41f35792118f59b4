import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import PgBoss from 'pg-boss';
import { JobQueue } from '../jobs/job-queue';
import { MailTransport } from './mail-transport';
import { OutboxRepository } from './outbox.repository';
import { MAIL_DELIVERY_QUEUE } from './outbox.service';

/** An SMTP answer that will not change on a retry (5xx: no such mailbox, refused sender...). */
function permanent(error: unknown): boolean {
  const code = (error as { responseCode?: number }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/**
 * The worker that sends the outbox: one job per mail, taken by one worker of one instance at a time.
 * A temporary failure (connection refused, 4xx) is retried with exponential backoff; a permanent one
 * (5xx) or the last retry marks the mail failed. A worker that dies mid-send leaves the job active
 * until its time limit passes, then another worker sends the mail; only a mail not yet sent is sent.
 */
@Injectable()
export class MailDelivery implements OnModuleInit {
  private readonly logger = new Logger(MailDelivery.name);

  constructor(
    private readonly mails: OutboxRepository,
    private readonly jobs: JobQueue,
    private readonly transport: MailTransport,
  ) {}

  onModuleInit(): void {
    const s = this.jobs.settings;
    // An instance without SMTP_URL keeps the queue (its mail is held) but works none of it: it could not send.
    this.jobs.register<{ outboxId: string }>(MAIL_DELIVERY_QUEUE, this.transport.configured ? (job) => this.deliver(job) : null, {
      retryLimit: s.mailRetryLimit,
      retryDelay: s.mailRetryDelaySeconds,
      retryBackoff: true,
      expireInSeconds: s.mailSendTimeoutSeconds,
    });
  }

  async deliver(job: PgBoss.JobWithMetadata<{ outboxId: string }>): Promise<void> {
    const id = job.data.outboxId;
    const mail = await this.mails.claimMail(id);
    if (!mail) return;
    try {
      await this.transport.send({
        to: mail.recipients,
        subject: mail.subject,
        text: mail.body,
        messageId: mail.messageId,
        attachments: mail.attachments,
      });
    } catch (error) {
      const message = (error as Error).message.slice(0, 1000);
      const last = permanent(error) || job.retryCount >= job.retryLimit;
      await this.mails.markMail(id, last ? 'failed' : 'queued', message);
      this.logger.warn(`mail ${id} (${mail.kind}) not sent, attempt ${mail.attempts}${last ? ', giving up' : ', will retry'}: ${message}`);
      if (last) return;
      throw error;
    }
    await this.mails.markMail(id, 'sent', null);
  }
}
