import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Length, Matches, Min, ValidateNested } from 'class-validator';
import { CAREER_STAGES, CareerStage, GENDERS, Gender, LEADERSHIP_AREAS, LEADERSHIP_LEVEL, POSITION_KINDS } from '../common/enums';
import { PageQuery } from '../common/pagination';
import { TERM_RULES } from './term-rules';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
export const CalendarDate = () => Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '$property must be a date written YYYY-MM-DD' });
export const ExistingDate = () => IsISO8601({ strict: true }, { message: '$property must be a date that exists' });

export class OverrideDto {
  @ApiProperty({ minLength: 1, maxLength: 4000, description: 'Why the term rule may be broken this time; kept with the appointment' })
  @Transform(trim)
  @IsString()
  @Length(1, 4000)
  reason: string;
}

export class CreateAppointmentDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') positionId: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') memberId: string;
  @ApiProperty({ example: '2026-09-01' }) @CalendarDate() @ExistingDate() startsOn: string;

  @ApiPropertyOptional({
    example: '2028-09-01',
    description: 'Known already (historical terms); otherwise set when the appointment is ended',
  })
  @IsOptional()
  @CalendarDate()
  @ExistingDate()
  endsOn?: string;

  @ApiPropertyOptional({
    type: OverrideDto,
    description: 'Make the appointment although it breaks seats-full, max-consecutive-terms or term-length',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => OverrideDto)
  override?: OverrideDto;
}

export class EndAppointmentDto {
  @ApiProperty({ example: '2028-08-31', description: 'The first day the person no longer holds the position' })
  @CalendarDate()
  @ExistingDate()
  endsOn: string;

  @ApiPropertyOptional({ maxLength: 4000, example: 'end of term' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 4000)
  reason?: string;

  @ApiPropertyOptional({ description: 'The version you read; a newer one answers 409 (If-Match: 412)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export class AppointmentQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all') positionId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all') memberId?: string;
  @ApiPropertyOptional({ pattern: '^L[1-9]$' })
  @IsOptional()
  @Matches(LEADERSHIP_LEVEL, { message: 'level must be L1 to L9' })
  level?: string;
  @ApiPropertyOptional({ enum: LEADERSHIP_AREAS }) @IsOptional() @IsIn(LEADERSHIP_AREAS as unknown as string[]) area?: string;
  @ApiPropertyOptional({ example: '2020-01-01', description: 'Only appointments in force on this day' })
  @IsOptional()
  @CalendarDate()
  @ExistingDate()
  on?: string;
}

export class AppointmentView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) positionId: string;
  @ApiProperty() positionTitle: string;
  @ApiProperty({ example: 'L2' }) level: string;
  @ApiProperty({ enum: LEADERSHIP_AREAS }) area: string;
  @ApiProperty({ enum: POSITION_KINDS }) kind: string;
  @ApiProperty({ format: 'uuid' }) memberId: string;
  @ApiProperty() memberName: string;
  @ApiProperty({ example: '2026-09-01' }) startsOn: string;
  @ApiProperty({ nullable: true, type: String, description: 'null while in force' }) endsOn: string | null;
  @ApiProperty({ description: "startsOn plus the position's term when the appointment was made" }) termEndsOn: string;
  @ApiProperty({ enum: CAREER_STAGES, description: "The holder's career stage on startsOn" }) careerStage: CareerStage;
  @ApiProperty({ format: 'uuid', description: "The holder's institute on startsOn" }) instituteId: string;
  @ApiProperty() instituteName: string;
  @ApiProperty({ description: 'The region of that institute on startsOn' }) region: string;
  @ApiProperty({ enum: ['direct', 'call', 'import'] }) source: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) callId: string | null;
  @ApiProperty({ enum: TERM_RULES, isArray: true, description: 'Term rules this appointment broke, overridden for overrideReason' })
  overriddenRules: string[];
  @ApiProperty({ nullable: true, type: String }) overrideReason: string | null;
  @ApiProperty({ nullable: true, type: String }) endReason: string | null;
  @ApiPropertyOptional({ enum: GENDERS, description: 'Admins only' }) gender?: Gender;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
  @ApiProperty() version: number;
}

export class AppointmentImportRecord {
  @ApiPropertyOptional({ description: "The position's title (any case); or positionId" }) position?: string;
  @ApiPropertyOptional({ format: 'uuid' }) positionId?: string;
  @ApiPropertyOptional({ description: "The member's externalId; or memberId" }) externalId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) memberId?: string;
  @ApiProperty({ example: '2012-09-01' }) startsOn: string;
  @ApiPropertyOptional({ example: '2014-09-01' }) endsOn?: string;
  @ApiPropertyOptional({ description: 'Recorded as the reason for any overridable term rule the row breaks' }) overrideReason?: string;
}

export class AppointmentImportResult {
  @ApiProperty() created: number;
  @ApiProperty({ description: 'Rows that broke a term rule and were let through by their overrideReason' }) overridden: number;
}
