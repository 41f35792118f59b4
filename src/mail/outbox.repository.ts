// The outbox's SQL: writing a mail on the caller's transaction, claiming it for delivery, and the
// admin's view of it.
import { EntityManager } from 'typeorm';

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

export const MAIL_COLUMNS = `
  id, kind, recipients, subject, body, attachments, allocation_id AS "allocationId", status, attempts,
  last_error AS "lastError", message_id AS "messageId", created_at AS "createdAt", sent_at AS "sentAt"`;

/** Inserts a mail unless one with its dedupe key exists; returns the new row's id, or null. */
export async function insertMail(
  manager: EntityManager,
  mail: { id: string; kind: MailKind; recipients: string[]; subject: string; body: string; attachments: MailAttachment[];
    allocationId: string | null; status: MailStatus; messageId: string; dedupeKey: string | null },
): Promise<string | null> {
  const rows: Array<{ id: string }> = await manager.query(
    `INSERT INTO mail_outbox (id, kind, recipients, subject, body, attachments, allocation_id, status, message_id, dedupe_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (dedupe_key) DO NOTHING
     RETURNING id`,
    [mail.id, mail.kind, mail.recipients, mail.subject, mail.body, JSON.stringify(mail.attachments), mail.allocationId,
      mail.status, mail.messageId, mail.dedupeKey],
  );
  return rows[0]?.id ?? null;
}

/**
 * Takes a mail for one delivery attempt: only one that is not sent yet. A mail left `sending` by a
 * worker that died is taken again (its job came back only after the delivery time limit).
 */
export async function claimMail(manager: EntityManager, id: string): Promise<StoredMail | null> {
  const [row] = await manager.query(
    `WITH claimed AS (
       UPDATE mail_outbox SET status = 'sending', attempts = attempts + 1
       WHERE id = $1 AND status IN ('queued', 'sending', 'failed')
       RETURNING *)
     SELECT ${MAIL_COLUMNS} FROM claimed`,
    [id],
  );
  return row ?? null;
}

export async function markMail(manager: EntityManager, id: string, status: Exclude<MailStatus, 'held' | 'sending'>, error: string | null): Promise<void> {
  await manager.query(
    `UPDATE mail_outbox SET status = $2, last_error = $3, sent_at = CASE WHEN $2 = 'sent' THEN now() END WHERE id = $1`,
    [id, status, error],
  );
}
