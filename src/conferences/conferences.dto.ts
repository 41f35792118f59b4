import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUrl, Length, Matches, Max, MaxLength, Min, ValidateBy,
} from 'class-validator';
import { isCountryCode } from '../common/countries';
import { CONFERENCE_TIERS, ConferenceTier, TALK_TYPES, TalkType } from '../common/enums';
import { PageQuery } from '../common/pagination';
import { Nullable } from '../common/validation';

/** A calendar date written `YYYY-MM-DD` that exists (no 2026-02-30). */
export const IsCalendarDate = () => applyDecorators(
  Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '$property must be a date written YYYY-MM-DD' }),
  IsISO8601({ strict: true }, { message: '$property must be a date that exists' }),
);

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const upper = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toUpperCase() : value);

/** ISO 3166-1 alpha-2, officially assigned. */
function IsCountry(): PropertyDecorator {
  return ValidateBy({
    name: 'isCountry',
    validator: {
      validate: (value) => isCountryCode(value),
      defaultMessage: (args) => `${args?.property} must be an ISO 3166-1 alpha-2 country code`,
    },
  });
}

export class CreateConferenceDto {
  @ApiProperty({ example: 'International Conference on High Energy Physics' })
  @Transform(trim) @IsString() @Length(1, 300) name: string;

  @ApiProperty({ example: '2026-07-15' }) @IsCalendarDate() startDate: string;

  @ApiProperty({ example: '2026-07-22', description: 'On or after startDate' }) @IsCalendarDate() endDate: string;

  @ApiPropertyOptional({ example: 'CZ', description: 'ISO 3166-1 alpha-2' })
  @IsOptional() @Transform(upper) @IsString()
  @IsCountry() country?: string;

  @ApiProperty({ enum: CONFERENCE_TIERS }) @IsIn(CONFERENCE_TIERS) tier: ConferenceTier;

  @ApiPropertyOptional({ example: 'https://ichep2026.example.org' })
  @IsOptional() @IsUrl({ require_protocol: true, protocols: ['http', 'https'] }) @MaxLength(2000) url?: string;
}

/** Every field optional; `null` clears country and url. */
export class UpdateConferenceDto {
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @Length(1, 300) name?: string;
  @ApiPropertyOptional() @IsOptional() @IsCalendarDate() startDate?: string;
  @ApiPropertyOptional() @IsOptional() @IsCalendarDate() endDate?: string;

  @ApiPropertyOptional({ nullable: true, description: 'ISO 3166-1 alpha-2; null clears it' })
  @Nullable() @Transform(upper) @IsString()
  @IsCountry() country?: string | null;

  @ApiPropertyOptional({ enum: CONFERENCE_TIERS }) @IsOptional() @IsIn(CONFERENCE_TIERS) tier?: ConferenceTier;

  @ApiPropertyOptional({ nullable: true })
  @Nullable() @IsUrl({ require_protocol: true, protocols: ['http', 'https'] }) @MaxLength(2000) url?: string | null;
}

export class ConferenceQuery extends PageQuery {
  @ApiPropertyOptional({ example: '2026-01-01', description: 'Conferences ending on or after this date' })
  @IsOptional() @IsCalendarDate() from?: string;

  @ApiPropertyOptional({ example: '2026-12-31', description: 'Conferences starting on or before this date' })
  @IsOptional() @IsCalendarDate() to?: string;

  @ApiPropertyOptional({ enum: CONFERENCE_TIERS }) @IsOptional() @IsIn(CONFERENCE_TIERS) tier?: ConferenceTier;

  @ApiPropertyOptional({ description: 'Part of the name, any case' })
  @IsOptional() @IsString() @MaxLength(200) q?: string;
}

export class ConferenceView {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ example: '2026-07-15' }) startDate: string;
  @ApiProperty({ example: '2026-07-22' }) endDate: string;
  @ApiProperty({ nullable: true, type: String }) country: string | null;
  @ApiProperty({ enum: CONFERENCE_TIERS }) tier: ConferenceTier;
  @ApiProperty({ nullable: true, type: String }) url: string | null;
}

export class CreateSlotDto {
  @ApiProperty({ example: 'Top quark mass measurements' }) @Transform(trim) @IsString() @Length(1, 500) title: string;
  @ApiProperty({ enum: TALK_TYPES }) @IsIn(TALK_TYPES) talkType: TalkType;

  @ApiPropertyOptional({ default: 1, minimum: 1 })
  @IsOptional() @IsInt() @Min(1) @Max(10_000) seats?: number;

  @ApiPropertyOptional({ example: 'Top physics' }) @IsOptional() @Transform(trim) @IsString() @MaxLength(300) topic?: string;

  @ApiPropertyOptional({ example: '2026-07-16T09:30:00Z', description: 'ISO 8601 date and time' })
  @IsOptional() @IsISO8601({ strict: true }) @Matches(/T\d{2}:\d{2}/, { message: 'startsAt must be a date and time' })
  startsAt?: string;
}

/** Every field optional; `null` clears topic and startsAt. Seats cannot drop below the seats already taken. */
export class UpdateSlotDto {
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @Length(1, 500) title?: string;
  @ApiPropertyOptional({ enum: TALK_TYPES }) @IsOptional() @IsIn(TALK_TYPES) talkType?: TalkType;
  @ApiPropertyOptional({ minimum: 1 }) @IsOptional() @IsInt() @Min(1) @Max(10_000) seats?: number;
  @ApiPropertyOptional({ nullable: true }) @Nullable() @Transform(trim) @IsString() @MaxLength(300) topic?: string | null;

  @ApiPropertyOptional({ nullable: true, example: '2026-07-16T09:30:00Z' })
  @Nullable() @IsISO8601({ strict: true }) @Matches(/T\d{2}:\d{2}/, { message: 'startsAt must be a date and time' })
  startsAt?: string | null;
}

export class SlotView {
  @ApiProperty() id: string;
  @ApiProperty() conferenceId: string;
  @ApiProperty() title: string;
  @ApiProperty({ enum: TALK_TYPES }) talkType: TalkType;
  @ApiProperty() seats: number;
  @ApiProperty({ description: 'Seats held by invited or accepted allocations' }) seatsTaken: number;
  @ApiProperty({ nullable: true, type: String }) topic: string | null;
  @ApiProperty({ nullable: true, type: String, example: '2026-07-16T09:30:00.000Z' }) startsAt: string | null;
}

export class ConferenceWithSlotsView extends ConferenceView {
  @ApiProperty({ type: [SlotView] }) slots: SlotView[];
}

export class ConferencePage {
  @ApiProperty({ type: [ConferenceView] }) items: ConferenceView[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}
