import { Injectable, Logger } from '@nestjs/common';
import { createTransport, Transporter } from 'nodemailer';
import { JobQueue } from '../jobs/job-queue';
import { ServiceConfig } from '../config/service-config';

export interface MailMessage {
  to: string[];
  subject: string;
  text: string;
  messageId: string;
  attachments: Array<{ filename: string; contentType: string; content: string }>;
}

/** The sender when MAIL_FROM is unset: says where the mail comes from, on a domain nobody receives for. */
export const DEFAULT_MAIL_FROM = 'Speaker allocation service <no-reply@speaker-allocation.invalid>';

/**
 * Outgoing SMTP through nodemailer (SMTP_URL, e.g. smtp://user:pass@host:587 or smtps://...; MAIL_FROM).
 * Without SMTP_URL nothing is sent: mail is kept in the outbox (GET /outbox). Every timeout is well
 * inside the delivery job's time limit, so a retried job never overlaps a delivery still talking.
 */
@Injectable()
export class MailTransport {
  private readonly logger = new Logger(MailTransport.name);
  readonly from: string;
  private readonly transporter: Transporter | null;

  constructor(jobs: JobQueue, config: ServiceConfig) {
    this.from = config.mail.from?.trim() || DEFAULT_MAIL_FROM;
    const url = config.mail.smtpUrl?.trim();
    const timeout = Math.floor((jobs.settings.mailSendTimeoutSeconds * 1000) / 3);
    this.transporter = url ? createTransport({ url, connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout }) : null;
    if (!this.transporter) this.logger.log('SMTP_URL is unset: mail is kept in the outbox (GET /api/v1/outbox) and not sent');
  }

  get configured(): boolean {
    return this.transporter !== null;
  }

  /** The domain of the sender, for Message-IDs that say where they were made. */
  get domain(): string {
    return /@([^>\s]+)>?\s*$/.exec(this.from)?.[1] ?? 'speaker-allocation.invalid';
  }

  async send(message: MailMessage): Promise<{ response: string }> {
    if (!this.transporter) throw new Error('SMTP_URL is unset');
    const info = await this.transporter.sendMail({
      from: this.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      messageId: message.messageId,
      attachments: message.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
    });
    return { response: String(info.response ?? '') };
  }
}
