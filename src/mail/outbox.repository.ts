// The outbox's SQL: writing a mail on the caller's transaction, claiming it for delivery, and the
// admin's view of it.
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { StatementParts } from '../database/sql';

export const MAIL_KINDS = ['invitation', 'reminder', 'expired', 'answer', 'outcome', 'digest', 'mentorship', 'withdrawn'] as const;
export type MailKind = (typeof MAIL_KINDS)[number];
export const MAIL_STATUSES = ['held', 'queued', 'sending', 'sent', 'failed'] as const;
export type MailStatus = (typeof MAIL_STATUSES)[number];

export interface MailAttachment {
  filename: string;
  contentType: string;
  content: string;
}

export interface StoredMail {
  id: string;
  kind: MailKind;
  recipients: string[];
  subject: string;
  body: string;
  attachments: MailAttachment[];
  allocationId: string | null;
  status: MailStatus;
  attempts: number;
  lastError: string | null;
  messageId: string;
  createdAt: Date;
  sentAt: Date | null;
}

const MAIL_COLUMNS = `
  id, kind, recipients, subject, body, attachments, allocation_id AS "allocationId", status, attempts,
  last_error AS "lastError", message_id AS "messageId", created_at AS "createdAt", sent_at AS "sentAt"`;

export interface MailFilter {
  status?: MailStatus;
  kind?: MailKind;
  allocationId?: string;
}

export type MailCounts = Record<MailStatus, number> & { total: number };

/** WHERE clause for the outbox filters; adds its parameters to `p`. */
function mailWhere(f: MailFilter, p: StatementParts): string {
  const where: string[] = [];
  if (f.status) where.push(`status = ${p.add(f.status, 'text')}`);
  if (f.kind) where.push(`kind = ${p.add(f.kind, 'text')}`);
  if (f.allocationId) where.push(`allocation_id = ${p.add(f.allocationId, 'uuid')}`);
  return where.length ? `WHERE ${where.join(' AND ')}` : '';
}

@Injectable()
export class OutboxRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Inserts a mail unless one with its dedupe key exists; returns the new row's id, or null. */
  async insertMail(
    manager: EntityManager,
    mail: Omit<StoredMail, 'attempts' | 'lastError' | 'createdAt' | 'sentAt'> & { dedupeKey: string | null },
  ): Promise<string | null> {
    const rows: Array<{ id: string }> = await manager.query(
      `INSERT INTO mail_outbox (id, kind, recipients, subject, body, attachments, allocation_id, status, message_id, dedupe_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (dedupe_key) DO NOTHING
       RETURNING id`,
      [
        mail.id,
        mail.kind,
        mail.recipients,
        mail.subject,
        mail.body,
        JSON.stringify(mail.attachments),
        mail.allocationId,
        mail.status,
        mail.messageId,
        mail.dedupeKey,
      ],
    );
    return rows[0]?.id ?? null;
  }

  /**
   * Takes a mail for one delivery attempt: only one that is not sent yet. A mail left `sending` by a
   * worker that died is taken again (its job came back only after the delivery time limit).
   */
  async claimMail(id: string): Promise<StoredMail | null> {
    const [row] = await this.dataSource.query(
      `WITH claimed AS (
         UPDATE mail_outbox SET status = 'sending', attempts = attempts + 1
         WHERE id = $1 AND status IN ('queued', 'sending', 'failed')
         RETURNING *)
       SELECT ${MAIL_COLUMNS} FROM claimed`,
      [id],
    );
    return row ?? null;
  }

  async markMail(id: string, status: Exclude<MailStatus, 'held' | 'sending'>, error: string | null): Promise<void> {
    await this.dataSource.query(
      `UPDATE mail_outbox SET status = $2, last_error = $3, sent_at = CASE WHEN $2 = 'sent' THEN now() END WHERE id = $1`,
      [id, status, error],
    );
  }

  async mail(id: string, manager: EntityManager = this.dataSource.manager): Promise<StoredMail | null> {
    const [row] = await manager.query(`SELECT ${MAIL_COLUMNS} FROM mail_outbox WHERE id = $1`, [id]);
    return row ?? null;
  }

  /** Newest first. */
  async mailsPage(f: MailFilter, limit: number, offset: number): Promise<StoredMail[]> {
    const p = new StatementParts();
    const where = mailWhere(f, p);
    return this.dataSource.query(
      `SELECT ${MAIL_COLUMNS} FROM mail_outbox ${where} ORDER BY created_at DESC, id LIMIT ${p.add(limit, 'int')} OFFSET ${p.add(offset, 'int')}`,
      p.values,
    );
  }

  /** How many mails the filters match, in all and per status. */
  async mailCounts(f: MailFilter): Promise<MailCounts> {
    const p = new StatementParts();
    const [counts] = await this.dataSource.query(
      `SELECT count(*)::int AS total,
              count(*) FILTER (WHERE status = 'held')::int AS held, count(*) FILTER (WHERE status = 'queued')::int AS queued,
              count(*) FILTER (WHERE status = 'sending')::int AS sending, count(*) FILTER (WHERE status = 'sent')::int AS sent,
              count(*) FILTER (WHERE status = 'failed')::int AS failed
       FROM mail_outbox ${mailWhere(f, p)}`,
      p.values,
    );
    return counts;
  }

  /** The mail's status, its row locked for the rest of the transaction; null when there is no such mail. */
  async lockedMailStatus(manager: EntityManager, id: string): Promise<MailStatus | null> {
    const [row] = await manager.query(`SELECT status FROM mail_outbox WHERE id = $1 FOR UPDATE`, [id]);
    return row?.status ?? null;
  }

  /** Queues the mail again as new: no attempts, no error. */
  async requeueMail(manager: EntityManager, id: string): Promise<void> {
    await manager.query(`UPDATE mail_outbox SET status = 'queued', attempts = 0, last_error = NULL WHERE id = $1`, [id]);
  }
}
