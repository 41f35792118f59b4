import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { LEADERSHIP_AREAS, LEADERSHIP_LEVEL } from '../common/enums';
import { Dimension, DIMENSIONS } from '../reports/balance.sql';
import { CalendarDate, ExistingDate } from './appointments.dto';

const OneOf = (values: readonly string[]) => IsIn(values as string[], { message: `$property must be one of: ${values.join(', ')}` });

export class LeadershipDayQuery {
  @ApiPropertyOptional({
    example: '2026-06-30',
    description:
      'The day counted (default today). Gender counts for everyone but ' + 'admins: the last quarter end on or before it that has passed',
  })
  @IsOptional()
  @CalendarDate()
  @ExistingDate()
  on?: string;
}

export class HoldersQuery extends LeadershipDayQuery {
  @ApiProperty({ enum: DIMENSIONS, description: 'What the shares are of' }) @OneOf(DIMENSIONS) dimension!: Dimension;
}

export class ReviewQuery extends HoldersQuery {
  @ApiPropertyOptional({ example: 2012, description: 'First calendar year of the trend (default: 14 years before `on`)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1900)
  @Max(2200)
  fromYear?: number;
}

export class TermLimitsQuery extends LeadershipDayQuery {
  @ApiPropertyOptional({ default: 180, minimum: 0, maximum: 3650, description: 'A term ending within this many days of `on` is due' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3650)
  withinDays?: number;

  @ApiPropertyOptional({ pattern: '^L[1-9]$' })
  @IsOptional()
  @Matches(LEADERSHIP_LEVEL, { message: 'level must be L1 to L9' })
  level?: string;
  @ApiPropertyOptional({ enum: LEADERSHIP_AREAS }) @IsOptional() @OneOf(LEADERSHIP_AREAS) area?: string;
}
