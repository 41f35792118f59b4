import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { Page } from '../common/pagination';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../auth/actor';
import { conflict, notFound } from '../common/problem';
import { JobQueue } from '../jobs/job-queue';
import { MailTransport } from './mail-transport';
import { MailAttachment, MailKind, MailStatus, OutboxRepository, StoredMail } from './outbox.repository';
import { OutboxQuery } from './outbox.dto';

export const MAIL_DELIVERY_QUEUE = 'mail-delivery';

export interface OutgoingMail {
  kind: MailKind;
  to: string[];
  subject: string;
  body: string;
  attachments?: MailAttachment[];
  allocationId?: string;
  /** One mail per key, ever: a job that runs twice (or on two instances) writes it once. */
  dedupeKey?: string;
}

export type OutboxSummary = Omit<StoredMail, 'body' | 'attachments'> & { attachments: Array<Omit<MailAttachment, 'content'>> };

/**
 * Every mail the service sends starts here, on the transaction of the change it tells of: the row
 * and its delivery job commit or roll back with that change. Without SMTP_URL a mail is `held`.
 */
@Injectable()
export class Outbox {
  constructor(
    private readonly dataSource: DataSource,
    private readonly mails: OutboxRepository,
    private readonly jobs: JobQueue,
    private readonly transport: MailTransport,
    private readonly audit: AuditService,
  ) {}

  /** Writes the mail (and its delivery job when SMTP is configured); null when its dedupe key was used before. */
  async write(manager: EntityManager, mail: OutgoingMail): Promise<string | null> {
    const to = [...new Set(mail.to.map((address) => address.trim()).filter((address) => address !== ''))];
    if (to.length === 0) return null;
    const id = randomUUID();
    const status: MailStatus = this.transport.configured ? 'queued' : 'held';
    const written = await this.mails.insertMail(manager, {
      id,
      kind: mail.kind,
      recipients: to,
      subject: mail.subject,
      body: mail.body,
      attachments: mail.attachments ?? [],
      allocationId: mail.allocationId ?? null,
      status,
      messageId: `<${id}@${this.transport.domain}>`,
      dedupeKey: mail.dedupeKey ?? null,
    });
    if (written && status === 'queued') {
      // The job's id is the mail's: one delivery job per mail, whatever happens.
      await this.jobs.sendInTransaction(manager, MAIL_DELIVERY_QUEUE, { outboxId: id }, { id });
    }
    return written;
  }

  async list(query: OutboxQuery): Promise<Page<OutboxSummary> & { counts: Record<MailStatus, number>; smtpConfigured: boolean }> {
    const filter = { status: query.status, kind: query.kind, allocationId: query.allocationId };
    const [rows, totals] = await Promise.all([this.mails.mailsPage(filter, query.limit, query.offset), this.mails.mailCounts(filter)]);
    const { total, ...counts } = totals;
    return {
      items: rows.map(({ body: _body, attachments, ...mail }) => ({
        ...mail,
        attachments: attachments.map(({ content: _content, ...meta }) => meta),
      })),
      total,
      limit: query.limit,
      offset: query.offset,
      counts,
      smtpConfigured: this.transport.configured,
    };
  }

  /**
   * An admin sends a mail that is not on its way: one held while SMTP_URL was unset, or one whose
   * delivery gave up. Nothing is re-sent on its own: a held reminder for an invitation long answered
   * would only confuse. 409 for a mail already sent or on its way, and while SMTP_URL is unset.
   */
  async send(id: string, actor: Actor): Promise<StoredMail> {
    if (!this.transport.configured) {
      throw conflict('SMTP_URL is unset: mail stays in the outbox until the service is started with it');
    }
    return this.dataSource.transaction(async (manager) => {
      const status = await this.mails.lockedMailStatus(manager, id);
      if (!status) throw notFound('Mail', id);
      if (status !== 'held' && status !== 'failed') {
        throw conflict(`The mail is ${status}: only a held or failed mail is sent again`, { currentStatus: status });
      }
      await this.mails.requeueMail(manager, id);
      // A job of its own: the mail's first job (id = the mail's) may have run already.
      await this.jobs.sendInTransaction(manager, MAIL_DELIVERY_QUEUE, { outboxId: id }, { id: randomUUID() });
      await this.audit.record(manager, actor, {
        action: 'mail.send',
        entity: 'mail_outbox',
        entityId: id,
        before: { status },
        after: { status: 'queued' },
      });
      return (await this.mails.mail(id, manager))!;
    });
  }

  async get(id: string): Promise<StoredMail> {
    const mail = await this.mails.mail(id);
    if (!mail) throw notFound('Mail', id);
    return mail;
  }
}
