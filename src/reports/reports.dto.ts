import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsUUID, Matches } from 'class-validator';
import { CONFERENCE_TIERS, ConferenceTier, TALK_TYPES, TalkType } from '../common/enums';
import { REGION_CODE } from '../members/validators';
import { Dimension, DIMENSIONS, Population, POPULATIONS } from './balance.sql';

const CalendarDate = () => Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '$property must be a date written YYYY-MM-DD' });
const ExistingDate = () => IsISO8601({ strict: true }, { message: '$property must be a date that exists' });
const OneOf = (values: readonly string[]) => IsIn(values as string[], { message: `$property must be one of: ${values.join(', ')}` });

export class PeriodQuery {
  @ApiPropertyOptional({ example: '2025-01-01', description: 'First day counted: talk date, day a nomination or invitation was made' })
  @IsOptional()
  @CalendarDate()
  @ExistingDate()
  from?: string;

  @ApiPropertyOptional({
    example: '2026-11-24',
    description: 'Last day counted; members are counted as they were on this day. Default: today',
  })
  @IsOptional()
  @CalendarDate()
  @ExistingDate()
  to?: string;
}

export class ConferenceFilterQuery extends PeriodQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only this conference (not for population=members or authors)' })
  @IsOptional()
  @IsUUID(undefined, { message: 'conferenceId must be a UUID' })
  conferenceId?: string;

  @ApiPropertyOptional({ enum: CONFERENCE_TIERS, description: 'Only conferences of this tier (not for population=members or authors)' })
  @IsOptional()
  @OneOf(CONFERENCE_TIERS)
  tier?: ConferenceTier;
}

const RegionFilter = () =>
  applyDecorators(
    ApiPropertyOptional({
      example: 'GERMANY',
      description: 'Only people of this region (by their institute then); applies to the baseline too',
    }),
    IsOptional(),
    Matches(REGION_CODE, { message: 'region must be a region code such as GERMANY' }),
  );

export class BalanceQuery extends ConferenceFilterQuery {
  @RegionFilter()
  region?: string;

  @ApiPropertyOptional({
    enum: POPULATIONS,
    default: 'allocations',
    description:
      'members (in the collaboration on `to`), authors (members who are authors on `to`), nominations (not withdrawn), allocations (invited and accepted), talks (recorded history)',
  })
  @IsOptional()
  @OneOf(POPULATIONS)
  population?: Population;

  @ApiProperty({ enum: DIMENSIONS, description: 'What the shares are of' })
  @OneOf(DIMENSIONS)
  dimension!: Dimension;

  @ApiPropertyOptional({ enum: DIMENSIONS, description: 'One group per value of this dimension (different from `dimension`)' })
  @IsOptional()
  @OneOf(DIMENSIONS)
  within?: Dimension;

  @ApiPropertyOptional({ enum: TALK_TYPES, description: 'Only slots or talks of this type (not for population=members or authors)' })
  @IsOptional()
  @OneOf(TALK_TYPES)
  talkType?: TalkType;

  @ApiPropertyOptional({
    enum: POPULATIONS,
    description: 'Baseline population: adds to every cell its share there and the two-proportion score test of the difference',
  })
  @IsOptional()
  @OneOf(POPULATIONS)
  compareTo?: Population;
}

export class FunnelQuery extends ConferenceFilterQuery {
  @ApiProperty({ enum: DIMENSIONS })
  @OneOf(DIMENSIONS)
  dimension!: Dimension;
}

export class EquityQuery extends ConferenceFilterQuery {}

export class TrendsQuery extends ConferenceFilterQuery {
  @RegionFilter()
  region?: string;

  // Default period: the ten calendar years up to `to`; default `to`: today, or the end of next year for
  // nominations and allocations (counted under their conference's year, next year's conferences included).
  @ApiProperty({ enum: DIMENSIONS })
  @OneOf(DIMENSIONS)
  dimension!: Dimension;

  @ApiPropertyOptional({
    enum: POPULATIONS,
    default: 'allocations',
    description: 'members and authors are counted as on 31 December of each year (on `to` in its own year)',
  })
  @IsOptional()
  @OneOf(POPULATIONS)
  population?: Population;

  @ApiPropertyOptional({
    enum: POPULATIONS,
    description: "Baseline of each year: that year's membership (or authors) on 31 December, or that year's records of another population",
  })
  @IsOptional()
  @OneOf(POPULATIONS)
  compareTo?: Population;
}

export const DECLINE_DIMENSIONS = ['region', 'careerStage'] as const;

export class DeclinesQuery extends ConferenceFilterQuery {
  @ApiProperty({ enum: DECLINE_DIMENSIONS, description: "The speaker's region or career stage when nominated" })
  @OneOf(DECLINE_DIMENSIONS)
  dimension!: (typeof DECLINE_DIMENSIONS)[number];
}
