import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Length, Matches, Min } from 'class-validator';
import { PageQuery } from '../common/pagination';
import { INCIDENT_STATUSES, IncidentStatus } from './incident-status';

const NOT_BLANK = /\S/;
const blank = { message: '$property must not be blank' };

export class FileIncidentDto {
  @ApiProperty({ description: 'The conference where it happened' }) @IsUUID() conferenceId: string;
  @ApiProperty({ description: "What happened, in the reporter's words", minLength: 1, maxLength: 20000 })
  @IsString()
  @Length(1, 20000)
  @Matches(NOT_BLANK, blank)
  description: string;
  @ApiPropertyOptional({ example: '2026-03-14', description: 'When it happened' })
  @IsOptional()
  @IsISO8601({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'occurredOn must be a date (YYYY-MM-DD)' })
  occurredOn?: string;
  @ApiPropertyOptional({ description: 'Whom it concerns, free text', maxLength: 2000 })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  @Matches(NOT_BLANK, blank)
  concerns?: string;
  @ApiPropertyOptional({ default: false, description: 'When true, no link to the reporter is stored anywhere' })
  @IsOptional()
  @IsBoolean()
  anonymous?: boolean;
}

export class FiledIncidentView {
  @ApiProperty() id: string;
  @ApiProperty({ description: 'Shown once; only its hash is stored. Needed to add information later.' }) followUpCode: string;
  @ApiProperty() anonymous: boolean;
  @ApiProperty({ enum: INCIDENT_STATUSES }) status: IncidentStatus;
}

export class AddInformationDto {
  @ApiProperty({ description: 'The code returned when the report was filed' }) @IsString() @Length(1, 200) followUpCode: string;
  @ApiProperty({ minLength: 1, maxLength: 20000 }) @IsString() @Length(1, 20000) @Matches(NOT_BLANK, blank) text: string;
}

export class FollowUpNoteDto {
  @ApiProperty({ minLength: 1, maxLength: 20000 }) @IsString() @Length(1, 20000) @Matches(NOT_BLANK, blank) text: string;
}

export class ChangeIncidentStatusDto {
  @ApiProperty({ enum: INCIDENT_STATUSES }) @IsIn(INCIDENT_STATUSES) status: IncidentStatus;
  @ApiPropertyOptional({
    maxLength: 5000,
    description: 'What was recommended or taken: required for action_recommended and action_taken; a closing remark for closed',
  })
  @IsOptional()
  @IsString()
  @Length(1, 5000)
  action?: string;
  @ApiPropertyOptional({ description: 'The version you read; a different current version answers 409' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export class IncidentListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: INCIDENT_STATUSES }) @IsOptional() @IsIn(INCIDENT_STATUSES) status?: IncidentStatus;
  @ApiPropertyOptional() @IsOptional() @IsUUID() conferenceId?: string;
}

export class OwnIncidentView {
  @ApiProperty() id: string;
  @ApiProperty() conferenceId: string;
  @ApiProperty({ enum: INCIDENT_STATUSES }) status: IncidentStatus;
  @ApiProperty() receivedAt: Date;
  @ApiProperty() updatedAt: Date;
}

export class IncidentSummaryView extends OwnIncidentView {
  @ApiProperty() conferenceName: string;
  @ApiProperty() anonymous: boolean;
  @ApiPropertyOptional({ nullable: true, type: String }) occurredOn: string | null;
  @ApiProperty() version: number;
  @ApiProperty() additionCount: number;
  @ApiProperty() noteCount: number;
}

export class ReporterView {
  @ApiProperty() id: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'null if the account no longer exists' }) name: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) email: string | null;
}

export class IncidentAdditionView {
  @ApiProperty() at: Date;
  @ApiProperty() text: string;
}

export class IncidentNoteView extends IncidentAdditionView {
  @ApiPropertyOptional({ nullable: true, type: String }) authorId: string | null;
}

export class IncidentStatusChangeView {
  @ApiProperty() at: Date;
  @ApiPropertyOptional({ nullable: true, type: String }) authorId: string | null;
  @ApiProperty({ enum: INCIDENT_STATUSES }) from: IncidentStatus;
  @ApiProperty({ enum: INCIDENT_STATUSES }) to: IncidentStatus;
  @ApiPropertyOptional({ nullable: true, type: String }) action: string | null;
}

export class IncidentView extends IncidentSummaryView {
  @ApiProperty() description: string;
  @ApiPropertyOptional({ nullable: true, type: String }) concerns: string | null;
  @ApiPropertyOptional({ nullable: true, type: ReporterView, description: 'null for anonymous reports' }) reporter: ReporterView | null;
  @ApiProperty({ enum: INCIDENT_STATUSES, isArray: true }) nextStatuses: IncidentStatus[];
  @ApiProperty({ type: [IncidentAdditionView], description: 'What the reporter added later, oldest first' })
  additions: IncidentAdditionView[];
  @ApiProperty({ type: [IncidentNoteView], description: "The contact's follow-up notes, oldest first" }) notes: IncidentNoteView[];
  @ApiProperty({ type: [IncidentStatusChangeView] }) history: IncidentStatusChangeView[];
}

export class IncidentEntryCreatedView {
  @ApiProperty() id: string;
  @ApiProperty() incidentId: string;
  @ApiProperty() at: Date;
}
