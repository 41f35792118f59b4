import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
} from 'class-validator';
import { isCountryCode } from '../common/countries';
import { isTimeZone } from './local-time';
import { CONFERENCE_TIERS, ConferenceTier, TALK_TYPES, TalkType } from '../common/enums';
import { PageQuery } from '../common/pagination';
import { Nullable } from '../common/validation';

/** A calendar date written `YYYY-MM-DD` that exists (no 2026-02-30). */
export const IsCalendarDate = () =>
  applyDecorators(
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

function IsTimeZone(): PropertyDecorator {
  return ValidateBy({
    name: 'isTimeZone',
    validator: {
      validate: (value) => isTimeZone(value),
      defaultMessage: (args) => `${args?.property} must be an IANA time zone such as Europe/Prague`,
    },
  });
}

const STARTS_AT_HELP =
  'ISO 8601 date and time. With an offset (Z, +02:00) it is that instant; without one it is the ' +
  "wall-clock time at the venue, read in the conference's timeZone (UTC when the conference has none)";

export class CreateConferenceDto {
  @ApiProperty({ example: 'International Conference on High Energy Physics' })
  @Transform(trim)
  @IsString()
  @Length(1, 300)
  name: string;

  @ApiProperty({ example: '2026-07-15' }) @IsCalendarDate() startDate: string;

  @ApiProperty({ example: '2026-07-22', description: 'On or after startDate' }) @IsCalendarDate() endDate: string;

  @ApiPropertyOptional({ example: 'CZ', description: 'ISO 3166-1 alpha-2' })
  @IsOptional()
  @Transform(upper)
  @IsString()
  @IsCountry()
  country?: string;

  @ApiProperty({ enum: CONFERENCE_TIERS }) @IsIn(CONFERENCE_TIERS) tier: ConferenceTier;

  @ApiPropertyOptional({ example: 'https://ichep2026.example.org' })
  @IsOptional()
  @IsUrl({ require_protocol: true, protocols: ['http', 'https'] })
  @MaxLength(2000)
  url?: string;

  @ApiPropertyOptional({ example: 'Prague', description: "The venue's city (its country is `country`)" })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  city?: string;

  @ApiPropertyOptional({ example: 'Europe/Prague', description: 'IANA time zone of the venue' })
  @IsOptional()
  @IsTimeZone()
  timeZone?: string;

  @ApiPropertyOptional({
    example: 7,
    minimum: 1,
    maximum: 90,
    description: 'Days a speaker has to answer an invitation (default 7; a slot may say otherwise)',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(90)
  respondWithinDays?: number;
}

/** Every field optional; `null` clears country and url. */
export class UpdateConferenceDto {
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @Length(1, 300) name?: string;
  @ApiPropertyOptional() @IsOptional() @IsCalendarDate() startDate?: string;
  @ApiPropertyOptional() @IsOptional() @IsCalendarDate() endDate?: string;

  @ApiPropertyOptional({ nullable: true, description: 'ISO 3166-1 alpha-2; null clears it' })
  @Nullable()
  @Transform(upper)
  @IsString()
  @IsCountry()
  country?: string | null;

  @ApiPropertyOptional({ enum: CONFERENCE_TIERS }) @IsOptional() @IsIn(CONFERENCE_TIERS) tier?: ConferenceTier;

  @ApiPropertyOptional({ nullable: true })
  @Nullable()
  @IsUrl({ require_protocol: true, protocols: ['http', 'https'] })
  @MaxLength(2000)
  url?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, example: 'Prague' })
  @Nullable()
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  city?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, example: 'Europe/Prague' }) @Nullable() @IsTimeZone() timeZone?: string | null;

  @ApiPropertyOptional({ nullable: true, type: Number, minimum: 1, maximum: 90 })
  @Nullable()
  @IsInt()
  @Min(1)
  @Max(90)
  respondWithinDays?: number | null;
}

export class ConferenceQuery extends PageQuery {
  @ApiPropertyOptional({ example: '2026-01-01', description: 'Conferences ending on or after this date' })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ example: '2026-12-31', description: 'Conferences starting on or before this date' })
  @IsOptional()
  @IsCalendarDate()
  to?: string;

  @ApiPropertyOptional({ enum: CONFERENCE_TIERS }) @IsOptional() @IsIn(CONFERENCE_TIERS) tier?: ConferenceTier;

  @ApiPropertyOptional({ description: 'Part of the name, any case' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}

export class ConferenceView {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ example: '2026-07-15' }) startDate: string;
  @ApiProperty({ example: '2026-07-22' }) endDate: string;
  @ApiProperty({ nullable: true, type: String }) country: string | null;
  @ApiProperty({ enum: CONFERENCE_TIERS }) tier: ConferenceTier;
  @ApiProperty({ nullable: true, type: String }) url: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'Prague' }) city: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'Europe/Prague' }) timeZone: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Days to answer an invitation; null: 7' }) respondWithinDays: number | null;
}

const SELF_NOMINATION_HELP = 'Whether a nominator linked to a member may nominate themselves for this slot (otherwise 422)';

export class CreateSlotDto {
  @ApiProperty({ example: 'Top quark mass measurements' }) @Transform(trim) @IsString() @Length(1, 500) title: string;
  @ApiProperty({ enum: TALK_TYPES }) @IsIn(TALK_TYPES) talkType: TalkType;

  @ApiPropertyOptional({ default: 1, minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000)
  seats?: number;

  @ApiPropertyOptional({ example: 'Top physics' }) @IsOptional() @Transform(trim) @IsString() @MaxLength(300) topic?: string;

  @ApiPropertyOptional({ example: '2026-07-16T09:30:00Z', description: STARTS_AT_HELP })
  @IsOptional()
  @IsISO8601({ strict: true })
  @Matches(/T\d{2}:\d{2}/, { message: 'startsAt must be a date and time' })
  startsAt?: string;

  @ApiPropertyOptional({
    example: 30,
    minimum: 1,
    maximum: 1440,
    description: 'Length of the talk; without it the usual length of the talk type',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1440)
  durationMinutes?: number;

  @ApiPropertyOptional({ example: 'Forum Hall' }) @IsOptional() @Transform(trim) @IsString() @Length(1, 200) room?: string;

  @ApiPropertyOptional({ example: 10, minimum: 1, maximum: 90, description: "Days a speaker has to answer (default: the conference's)" })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(90)
  respondWithinDays?: number;

  @ApiPropertyOptional({ default: false, description: SELF_NOMINATION_HELP })
  @IsOptional()
  @IsBoolean()
  selfNominationAllowed?: boolean;
}

/** Every field optional; `null` clears topic and startsAt. Seats cannot drop below the seats already taken. */
export class UpdateSlotDto {
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @Length(1, 500) title?: string;
  @ApiPropertyOptional({ enum: TALK_TYPES }) @IsOptional() @IsIn(TALK_TYPES) talkType?: TalkType;
  @ApiPropertyOptional({ minimum: 1 }) @IsOptional() @IsInt() @Min(1) @Max(10_000) seats?: number;
  @ApiPropertyOptional({ type: String, nullable: true }) @Nullable() @Transform(trim) @IsString() @MaxLength(300) topic?: string | null;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, example: '2026-07-16T09:30:00Z', description: STARTS_AT_HELP })
  @Nullable()
  @IsISO8601({ strict: true })
  @Matches(/T\d{2}:\d{2}/, { message: 'startsAt must be a date and time' })
  startsAt?: string | null;

  @ApiPropertyOptional({ nullable: true, type: Number, minimum: 1, maximum: 1440 })
  @Nullable()
  @IsInt()
  @Min(1)
  @Max(1440)
  durationMinutes?: number | null;

  @ApiPropertyOptional({ nullable: true, type: String }) @Nullable() @Transform(trim) @IsString() @Length(1, 200) room?: string | null;

  @ApiPropertyOptional({ nullable: true, type: Number, minimum: 1, maximum: 90 })
  @Nullable()
  @IsInt()
  @Min(1)
  @Max(90)
  respondWithinDays?: number | null;

  @ApiPropertyOptional({ description: SELF_NOMINATION_HELP }) @IsOptional() @IsBoolean() selfNominationAllowed?: boolean;
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
  @ApiProperty({ nullable: true, type: Number, example: 30 }) durationMinutes: number | null;
  @ApiProperty({ nullable: true, type: String, example: 'Forum Hall' }) room: string | null;
  @ApiProperty({ nullable: true, type: Number, description: "Days to answer an invitation; null: the conference's" }) respondWithinDays:
    number | null;
  @ApiProperty({ description: SELF_NOMINATION_HELP }) selfNominationAllowed: boolean;
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
