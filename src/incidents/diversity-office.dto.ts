import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { LifecycleTable } from '../common/lifecycle';
import { PageQuery } from '../common/pagination';

export const DO_MESSAGE_STATUSES = ['new', 'dealt_with'] as const;
export type DiversityOfficeMessageStatus = (typeof DO_MESSAGE_STATUSES)[number];

/** A co-chair marks a message dealt with, and reopens it when it needs more. */
export const DO_MESSAGE_TRANSITIONS: LifecycleTable<DiversityOfficeMessageStatus, 'do-chair'> = {
  new: { dealt_with: ['do-chair'] },
  dealt_with: { new: ['do-chair'] },
};

export class SendDiversityOfficeMessageDto {
  @ApiProperty({ minLength: 1, maxLength: 20000, description: 'Your message to the diversity office co-chairs' })
  @IsString()
  @Length(1, 20000)
  @Matches(/\S/, { message: 'text must not be blank' })
  text: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'The conference it is about, if any' })
  @IsOptional()
  @IsUUID()
  conferenceId?: string;
}

export class DiversityOfficeMessageReceivedView {
  @ApiProperty({ description: 'Only the day is kept, and nothing about who sent it' }) receivedOn: string;
}

export class DiversityOfficeMessageQuery extends PageQuery {
  @ApiPropertyOptional({ enum: DO_MESSAGE_STATUSES }) @IsOptional() @IsIn(DO_MESSAGE_STATUSES) status?: DiversityOfficeMessageStatus;
}

export class DiversityOfficeMessageView {
  @ApiProperty() id: string;
  @ApiProperty() text: string;
  @ApiProperty({ nullable: true, type: String }) conferenceId: string | null;
  @ApiProperty({ nullable: true, type: String }) conferenceName: string | null;
  @ApiProperty({ example: '2026-03-14' }) receivedOn: string;
  @ApiProperty({ enum: DO_MESSAGE_STATUSES }) status: DiversityOfficeMessageStatus;
  @ApiProperty() version: number;
}

export class DiversityOfficeMessagePage {
  @ApiProperty({ type: [DiversityOfficeMessageView] }) items: DiversityOfficeMessageView[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}

export class ChangeDiversityOfficeMessageDto {
  @ApiProperty({ enum: DO_MESSAGE_STATUSES, description: 'dealt_with once followed up; new to reopen' })
  @IsIn(DO_MESSAGE_STATUSES)
  status: DiversityOfficeMessageStatus;
  @ApiPropertyOptional({ description: 'The version you read; a newer one answers 409' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2_000_000_000)
  version?: number;
}
