import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { PageQuery } from '../common/pagination';
import { MAIL_KINDS, MAIL_STATUSES, MailKind, MailStatus } from './outbox.repository';

export class OutboxQuery extends PageQuery {
  @ApiPropertyOptional({ enum: MAIL_STATUSES }) @IsOptional() @IsIn(MAIL_STATUSES) status?: MailStatus;
  @ApiPropertyOptional({ enum: MAIL_KINDS }) @IsOptional() @IsIn(MAIL_KINDS) kind?: MailKind;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() allocationId?: string;
}

export class MailAttachmentSummary {
  @ApiProperty({ example: 'invitation.ics' }) filename: string;
  @ApiProperty({ example: 'text/calendar; method=PUBLISH; charset=utf-8' }) contentType: string;
}

export class MailAttachmentView extends MailAttachmentSummary {
  @ApiProperty({ description: 'The attachment as text (an iCalendar file)' }) content: string;
}

export class OutboxMailSummary {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: MAIL_KINDS }) kind: MailKind;
  @ApiProperty({ type: [String] }) recipients: string[];
  @ApiProperty() subject: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) allocationId: string | null;
  @ApiProperty({ enum: MAIL_STATUSES, description: 'held: SMTP_URL unset, kept here; queued/sending: on its way; sent; failed: given up' })
  status: MailStatus;
  @ApiProperty({ description: 'Delivery attempts so far' }) attempts: number;
  @ApiProperty({ nullable: true, type: String }) lastError: string | null;
  @ApiProperty({ example: '<3f0c...@example.org>' }) messageId: string;
  @ApiProperty() createdAt: Date;
  @ApiProperty({ nullable: true, type: Date }) sentAt: Date | null;
  @ApiProperty({ type: [MailAttachmentSummary] }) attachments: MailAttachmentSummary[];
}

export class OutboxMailView extends OutboxMailSummary {
  @ApiProperty({ description: "The plain-text body as sent (it holds the speaker's answer link: admins only)" }) body: string;
  @ApiProperty({ type: [MailAttachmentView] }) declare attachments: MailAttachmentView[];
}

export class OutboxStatusCounts {
  @ApiProperty() held: number;
  @ApiProperty() queued: number;
  @ApiProperty() sending: number;
  @ApiProperty() sent: number;
  @ApiProperty() failed: number;
}

export class OutboxPage {
  @ApiProperty({ type: [OutboxMailSummary] }) items: OutboxMailSummary[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
  @ApiProperty({ type: OutboxStatusCounts, description: 'Mails per status under the same filters' }) counts: OutboxStatusCounts;
  @ApiProperty({ description: 'Whether SMTP_URL is set (otherwise every mail is held here)' }) smtpConfigured: boolean;
}
