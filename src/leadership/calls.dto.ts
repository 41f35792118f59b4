import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUUID, Length, MaxLength, ValidateNested } from 'class-validator';
import { PageQuery } from '../common/pagination';
import { CalendarDate, ExistingDate, OverrideDto } from './appointments.dto';
import { PositionView } from './positions.dto';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
export const CALL_STATUSES = ['open', 'decided', 'cancelled'] as const;
export const CALL_NOMINATION_STATUSES = ['submitted', 'withdrawn', 'appointed', 'not-appointed'] as const;

export class CreateCallDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') positionId: string;
  @ApiProperty({ example: '2026-12-15', description: 'Last day nominations are taken (today or later)' })
  @CalendarDate()
  @ExistingDate()
  deadline: string;

  @ApiProperty({ example: '2027-01-01', description: 'When the new term begins (on or after the deadline)' })
  @CalendarDate()
  @ExistingDate()
  termStartsOn: string;

  @ApiPropertyOptional({ maxLength: 4000, description: "Anything the call adds to the position's mandate" })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  note?: string;
}

export class CallQuery extends PageQuery {
  @ApiPropertyOptional({ enum: CALL_STATUSES }) @IsOptional() @IsIn(CALL_STATUSES as unknown as string[]) status?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all') positionId?: string;
}

export class CallNominationDto {
  @ApiProperty({ format: 'uuid', description: 'The nominee; your own member record for a self-nomination' })
  @IsUUID('all')
  memberId: string;
  @ApiProperty({ minLength: 1, maxLength: 4000, description: 'Why this member should hold the position' })
  @Transform(trim)
  @IsString()
  @Length(1, 4000)
  statement: string;
}

export class CallDecisionDto {
  @ApiProperty({ format: 'uuid', description: 'The nominee the committee appoints' }) @IsUUID('all') memberId: string;
  @ApiProperty({ minLength: 1, maxLength: 4000, description: 'Why this nominee; kept with the call' })
  @Transform(trim)
  @IsString()
  @Length(1, 4000)
  rationale: string;

  @ApiPropertyOptional({ example: '2027-01-01', description: "First day of the term; default the call's termStartsOn" })
  @IsOptional()
  @CalendarDate()
  @ExistingDate()
  startsOn?: string;

  @ApiPropertyOptional({ type: OverrideDto, description: 'Appoint although a term rule is broken; the reason is recorded' })
  @IsOptional()
  @ValidateNested()
  @Type(() => OverrideDto)
  override?: OverrideDto;
}

export class CallDecisionView {
  @ApiProperty({ format: 'uuid' }) appointmentId: string;
  @ApiProperty({ format: 'uuid' }) memberId: string;
  @ApiProperty() memberName: string;
  @ApiPropertyOptional({ description: 'Committee and admins only' }) rationale?: string;
  @ApiProperty() decidedAt: Date;
}

export class CallView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: PositionView, description: 'The position, with its mandate and requirements' }) position: PositionView;
  @ApiProperty() opensOn: string;
  @ApiProperty() deadline: string;
  @ApiProperty() termStartsOn: string;
  @ApiProperty() note: string;
  @ApiProperty({ enum: CALL_STATUSES }) status: string;
  @ApiProperty({ description: 'Open, and the deadline has not passed' }) acceptingNominations: boolean;
  @ApiProperty({ description: 'Nominations not withdrawn' }) nominations: number;
  @ApiProperty({ type: CallDecisionView, nullable: true }) decision: CallDecisionView | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty() version: number;
}

export class CallNominationView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) callId: string;
  @ApiProperty({ format: 'uuid' }) memberId: string;
  @ApiProperty() memberName: string;
  @ApiProperty({ format: 'uuid' }) nominatorId: string;
  @ApiProperty() selfNomination: boolean;
  @ApiProperty() statement: string;
  @ApiProperty({ enum: CALL_NOMINATION_STATUSES }) status: string;
  @ApiProperty() createdAt: Date;
}
