import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { ALLOCATION_STATUSES, AllocationStatus, CareerStage, DeclineCategory } from '../common/enums';
import { PageQuery } from '../common/pagination';
import { DeclineCategoryField, DeclineReasonField } from '../speakers/invitation-answers.dto';
import { BalancePreview } from './balance-preview';

const blankToUndefined = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() === '' ? undefined : typeof value === 'string' ? value.trim() : value;

export class CreateAllocationDto {
  @ApiProperty({ format: 'uuid', description: 'A member with an active (submitted or shortlisted) nomination for the slot' })
  @IsUUID()
  memberId: string;

  @ApiPropertyOptional({
    description: 'Why this nominee: required when a better-ranked nominee who is still available is passed over',
    example: 'Leads the analysis the session is about',
  })
  @IsOptional()
  @Transform(blankToUndefined)
  @IsString()
  @Length(1, 4000)
  rationale?: string;
}

export class UpdateAllocationDto {
  @ApiProperty({
    enum: ['accepted', 'declined', 'withdrawn'],
    description: 'invited -> accepted | declined | withdrawn; accepted -> withdrawn',
  })
  @IsIn(['accepted', 'declined', 'withdrawn'])
  status: 'accepted' | 'declined' | 'withdrawn';

  @DeclineReasonField('Why it was declined or withdrawn. Confidential to the committee: never audited, reported or shown to nominators')
  reason?: string;

  @DeclineCategoryField()
  category?: DeclineCategory;

  @ApiPropertyOptional({ description: 'The version the change is based on (or send If-Match: "<version>"); a stale one gets 409' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2_000_000_000)
  version?: number;
}

export class AllocationQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() conferenceId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() slotId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() memberId?: string;
  @ApiPropertyOptional({ enum: ALLOCATION_STATUSES }) @IsOptional() @IsIn(ALLOCATION_STATUSES) status?: AllocationStatus;
}

export const PROGRAMME_FORMATS = ['json', 'csv', 'ics'] as const;
export type ProgrammeFormat = (typeof PROGRAMME_FORMATS)[number];

export class ProgrammeQuery {
  @ApiPropertyOptional({ enum: PROGRAMME_FORMATS, description: 'Overrides the Accept header (text/csv, text/calendar)' })
  @IsOptional()
  @IsIn(PROGRAMME_FORMATS)
  format?: ProgrammeFormat;
}

export class PassedOverView {
  @ApiProperty() memberId: string;
  @ApiProperty() name: string;
  @ApiProperty() rank: number;
}

export class NextCandidateView {
  @ApiProperty() memberId: string;
  @ApiProperty() name: string;
  @ApiProperty() nominationId: string;
  @ApiProperty() rank: number;
  @ApiProperty() score: number;
  @ApiProperty() careerStage: CareerStage;
  @ApiProperty() region: string;
  @ApiProperty() instituteName: string;
}

export class AllocationView {
  @ApiProperty() id: string;
  @ApiProperty() slotId: string;
  @ApiProperty() conferenceId: string;
  @ApiProperty() memberId: string;
  @ApiProperty() memberName: string;
  @ApiProperty() nominationId: string;
  @ApiProperty({ enum: ALLOCATION_STATUSES }) status: AllocationStatus;
  @ApiProperty({ description: 'Send it back (body `version` or If-Match) with a change' }) version: number;
  @ApiProperty({ nullable: true, description: "The nominee's rank when allocated (1 = most eligible)" }) rankAtAllocation: number | null;
  @ApiProperty({ nullable: true }) scoreAtAllocation: number | null;
  @ApiProperty({ nullable: true, description: 'Rank policy version the rank was computed with' }) policyVersion: number | null;
  @ApiProperty({ nullable: true }) rationale: string | null;
  @ApiProperty({ nullable: true, description: 'Decline or withdrawal reason, committee only' }) reason: string | null;
  @ApiProperty({ nullable: true }) allocatedBy: string | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
  @ApiProperty({ nullable: true }) respondedAt: Date | null;
  @ApiProperty({ nullable: true, description: 'The talk record, once accepted' }) talkId: string | null;
  @ApiProperty({
    nullable: true,
    type: Date,
    description: 'While invited: when the invitation lapses unanswered (it then becomes expired)',
  })
  respondBy: Date | null;
}

export class AllocationWarningView {
  @ApiProperty({ enum: ['same-conference', 'overlapping-times'] }) kind: 'same-conference' | 'overlapping-times';
  @ApiProperty({ description: "The speaker's other invited or accepted allocation" }) allocationId: string;
  @ApiProperty() slotId: string;
  @ApiProperty() slotTitle: string;
  @ApiProperty() conferenceName: string;
  @ApiProperty({ enum: ['invited', 'accepted'] }) status: 'invited' | 'accepted';
  @ApiProperty() message: string;
}

export class AllocationAnswer extends AllocationView {
  @ApiProperty({
    description:
      "Region and career-stage make-up of the conference's speakers before and after this change, next to the membership (never gender)",
  })
  balancePreview: BalancePreview;

  @ApiProperty({
    type: [AllocationWarningView],
    description: 'The speaker would hold two talks at one conference, or two at overlapping times',
  })
  warnings: AllocationWarningView[];

  @ApiPropertyOptional({ type: [PassedOverView], description: 'On creation: the better-ranked available nominees this choice passed over' })
  passedOver?: PassedOverView[];

  @ApiPropertyOptional({
    type: [NextCandidateView],
    description: 'After a decline or withdrawal: the best-ranked nominees still available for the freed seat',
  })
  nextCandidates?: NextCandidateView[];
}

export class AllocationPage {
  @ApiProperty({ type: [AllocationView] }) items: AllocationView[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}
