import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Length, MaxLength, Min } from 'class-validator';
import { CAREER_STAGES, CareerStage, NOMINATION_STATUSES, NominationStatus } from '../common/enums';
import { PageQuery } from '../common/pagination';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateNominationDto {
  @ApiProperty() @IsUUID('all') memberId: string;
  @ApiProperty() @IsUUID('all') slotId: string;

  @ApiProperty({ minLength: 1, maxLength: 4000, description: 'Why this member should speak in this slot' })
  @Transform(trim)
  @IsString()
  @Length(1, 4000)
  reason: string;
}

export class ChangeNominationStatusDto {
  @ApiProperty({
    enum: NOMINATION_STATUSES,
    description:
      'nominator (own): withdrawn; committee: shortlisted, rejected, submitted (un-shortlist, reconsider). ' +
      '"allocated" is set by making an allocation, never here.',
  })
  @IsIn(NOMINATION_STATUSES)
  status: NominationStatus;

  @ApiPropertyOptional({ description: 'Committee note kept on the nomination' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(4000)
  note?: string;

  @ApiPropertyOptional({ description: 'The version you read; a newer one in the database answers 409' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export class NominationQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID('all') slotId?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID('all') conferenceId?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID('all') memberId?: string;
  @ApiPropertyOptional({ description: 'Committee only; nominators always see their own' })
  @IsOptional()
  @IsUUID('all')
  nominatorId?: string;
  @ApiPropertyOptional({ enum: NOMINATION_STATUSES }) @IsOptional() @IsIn(NOMINATION_STATUSES) status?: NominationStatus;
}

export class NominationView {
  @ApiProperty() id: string;
  @ApiProperty() memberId: string;
  @ApiProperty() memberName: string;
  @ApiProperty() slotId: string;
  @ApiProperty() slotTitle: string;
  @ApiProperty() conferenceId: string;
  @ApiProperty() conferenceName: string;
  @ApiProperty() nominatorId: string;
  @ApiProperty() reason: string;
  @ApiProperty({ enum: NOMINATION_STATUSES }) status: NominationStatus;
  @ApiProperty({ enum: CAREER_STAGES, description: "The nominee's career stage when nominated" }) careerStage: CareerStage;
  @ApiProperty({ description: "The nominee's institute when nominated" }) instituteId: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Shown to the committee only' }) committeeNote?: string | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
  @ApiProperty() version: number;
  @ApiProperty({ nullable: true, type: String, description: "The nominator's own member record, when their account is linked to one" })
  nominatorMemberId: string | null;
  @ApiProperty({
    enum: ['self-nomination', 'same-institute'],
    isArray: true,
    description:
      'self-nomination: the nominee nominated themselves (where the slot allows it); same-institute: the nominator ' +
      "was at the nominee's institute when nominating",
  })
  conflictsOfInterest: Array<'self-nomination' | 'same-institute'>;
}

export class NominationPage {
  @ApiProperty({ type: [NominationView] }) items: NominationView[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}
