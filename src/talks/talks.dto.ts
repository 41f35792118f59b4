import { ApiProperty, ApiPropertyOptional, IntersectionType, OmitType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { CAREER_STAGES, CareerStage, CONFERENCE_TIERS, ConferenceTier, TALK_TYPES, TalkType } from '../common/enums';
import { PageQuery } from '../common/pagination';
import { IsCalendarDate } from '../conferences/conferences.dto';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateTalkDto {
  @ApiProperty() @IsUUID() memberId: string;
  @ApiProperty() @IsUUID() conferenceId: string;
  @ApiProperty({ enum: TALK_TYPES }) @IsIn(TALK_TYPES) talkType: TalkType;
  @ApiPropertyOptional({ example: '2026-07-16', description: "Defaults to the conference's start" })
  @IsOptional()
  @IsCalendarDate()
  date?: string;
  @ApiPropertyOptional({ example: 'Top quark mass: the legacy measurement' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(500)
  title?: string;
}

/** Filters shared by the talk list and its CSV export. */
export class TalkFilter {
  @ApiPropertyOptional() @IsOptional() @IsUUID() memberId?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() conferenceId?: string;
  @ApiPropertyOptional({ enum: TALK_TYPES }) @IsOptional() @IsIn(TALK_TYPES) talkType?: TalkType;
  @ApiPropertyOptional({ enum: CONFERENCE_TIERS }) @IsOptional() @IsIn(CONFERENCE_TIERS) tier?: ConferenceTier;
  @ApiPropertyOptional({ example: '2016-01-01', description: 'Talks on or after this date' })
  @IsOptional()
  @IsCalendarDate()
  from?: string;
  @ApiPropertyOptional({ example: '2026-12-31', description: 'Talks on or before this date' })
  @IsOptional()
  @IsCalendarDate()
  to?: string;
}

export class TalkQuery extends IntersectionType(PageQuery, TalkFilter) {}

/** The talks of one member or one conference: the other filters still apply. */
export class NestedTalkQuery extends IntersectionType(PageQuery, OmitType(TalkFilter, ['memberId', 'conferenceId'] as const)) {}

export class TalkView {
  @ApiProperty() id: string;
  @ApiProperty() memberId: string;
  @ApiProperty() memberName: string;
  @ApiProperty({ nullable: true, type: String }) memberExternalId: string | null;
  @ApiProperty() conferenceId: string;
  @ApiProperty({ description: "The conference's name" }) conference: string;
  @ApiProperty({ enum: CONFERENCE_TIERS }) tier: ConferenceTier;
  @ApiProperty({ enum: TALK_TYPES }) talkType: TalkType;
  @ApiProperty({ example: '2026-07-16' }) date: string;
  @ApiProperty({ nullable: true, type: String }) title: string | null;
  @ApiProperty({ enum: CAREER_STAGES, description: "The speaker's career stage on the talk's date" }) careerStage: CareerStage;
  @ApiProperty({ description: "The speaker's institute on the talk's date" }) instituteId: string;
  @ApiProperty() institute: string;
  @ApiProperty({ nullable: true, type: String, description: 'Set when the talk came from an accepted allocation' })
  allocationId: string | null;
}

export class TalkPage {
  @ApiProperty({ type: [TalkView] }) items: TalkView[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}

export class TalkImportResult {
  @ApiProperty({ description: 'Talks written' }) created: number;
  @ApiProperty({ description: 'Conferences the import created (unknown by name and year, tier given)' }) conferencesCreated: number;
}

/** One import row, for the OpenAPI document (the service checks rows itself, to name each bad one). */
export class TalkImportRowDoc {
  @ApiProperty({ description: "The member's externalId" }) externalId: string;
  @ApiProperty({ description: "The conference's name (matched in any case, with the year)" }) conference: string;
  @ApiPropertyOptional({ description: 'The year the conference starts; or give conferenceDate' }) year?: number;
  @ApiPropertyOptional({ example: '2024-07-17' }) conferenceDate?: string;
  @ApiProperty({ enum: TALK_TYPES }) talkType: TalkType;
  @ApiPropertyOptional({ example: '2024-07-18', description: "Defaults to the conference's start" }) date?: string;
  @ApiPropertyOptional() title?: string;
  @ApiPropertyOptional({ enum: CONFERENCE_TIERS, description: 'Given: an unknown conference is created' }) tier?: ConferenceTier;
  @ApiPropertyOptional({ example: '2024-07-17' }) conferenceStartDate?: string;
  @ApiPropertyOptional({ example: '2024-07-24' }) conferenceEndDate?: string;
  @ApiPropertyOptional({ example: 'CZ' }) country?: string;
}
