import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsUUID,
  Max,
  Min,
  ValidateBy,
  ValidateNested,
  isUUID,
} from 'class-validator';
import { CAREER_STAGES, CareerStage, GENDERS, Gender } from '../common/enums';
import { PageQuery } from '../common/pagination';

const REGION_CODE = /^[A-Z][A-Z0-9_]{0,31}$/;
const MAX_COUNT = 10_000;

/** A plain object whose keys pass `key` and whose values are whole numbers >= 0, e.g. `{ student: 2 }`. */
function IsCountsBy(key: (k: string) => boolean, keyMessage: string): PropertyDecorator {
  return ValidateBy({
    name: 'isCountsBy',
    validator: {
      validate: (value) =>
        typeof value === 'object' &&
        value !== null &&
        !Array.isArray(value) &&
        Object.entries(value).every(([k, v]) => key(k) && Number.isInteger(v) && (v as number) >= 0 && (v as number) <= MAX_COUNT),
      defaultMessage: (args) => `${args?.property} must map ${keyMessage} to whole numbers >= 0`,
    },
  });
}

const isSeat = (value: unknown): boolean =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.keys(value).length === 2 &&
  isUUID((value as Record<string, unknown>).slotId) &&
  isUUID((value as Record<string, unknown>).memberId);

/** Each entry a member id (left out everywhere) or `{ slotId, memberId }` (left out of that slot). */
function IsFixedOutList(): PropertyDecorator {
  return ValidateBy({
    name: 'isFixedOutList',
    validator: {
      validate: (value) => Array.isArray(value) && value.length <= 1000 && value.every((entry) => isUUID(entry) || isSeat(entry)),
      defaultMessage: () => 'fixedOut must list member ids or { slotId, memberId } objects (uuids)',
    },
  });
}

export class SeatDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() slotId: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID() memberId: string;
}

/** Exactly one of `atLeast` (a count) and `atLeastShare` (a share of the whole slate). */
class ShareTargetDto {
  @ApiPropertyOptional({ minimum: 0, example: 3 }) @IsOptional() @IsInt() @Min(0) @Max(MAX_COUNT) atLeast?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 1, example: 0.3 }) @IsOptional() @IsNumber() @Min(0) @Max(1) atLeastShare?: number;
}

export class CareerStageTargetDto extends ShareTargetDto {
  @ApiProperty({ enum: CAREER_STAGES, isArray: true, example: ['student', 'postdoc'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(CAREER_STAGES.length)
  @IsIn(CAREER_STAGES, { each: true })
  stages: CareerStage[];
}

export class GenderTargetDto extends ShareTargetDto {
  @ApiProperty({ enum: GENDERS, isArray: true, example: ['woman', 'nonbinary'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(GENDERS.length)
  @IsIn(GENDERS, { each: true })
  genders: Gender[];
}

export const SLATE_OBJECTIVES = ['score', 'scoreWithShortlist'] as const;
export type SlateObjective = (typeof SLATE_OBJECTIVES)[number];

/** The committee's targets and fixed choices; every field optional. */
export class CreateSlateSuggestionDto {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'integer', minimum: 0 },
    example: { student: 2 },
    description: 'At least this many speakers of each career stage',
  })
  @IsOptional()
  @IsCountsBy((k) => (CAREER_STAGES as readonly string[]).includes(k), 'career stages')
  minCareerStage?: Partial<Record<CareerStage, number>>;

  @ApiPropertyOptional({ type: [CareerStageTargetDto], description: 'At least a count or a share of speakers in any of these stages' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => CareerStageTargetDto)
  careerStages?: CareerStageTargetDto[];

  @ApiPropertyOptional({ minimum: 0, example: 2 }) @IsOptional() @IsInt() @Min(0) @Max(MAX_COUNT) maxPerInstitute?: number;
  @ApiPropertyOptional({ minimum: 0, example: 6 }) @IsOptional() @IsInt() @Min(0) @Max(MAX_COUNT) maxPerRegion?: number;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'integer', minimum: 0 },
    example: { USA: 2, CERN: 1 },
    description: 'At least this many speakers from each region (region codes as in GET /regions)',
  })
  @IsOptional()
  @IsCountsBy((k) => REGION_CODE.test(k), 'region codes')
  minPerRegion?: Record<string, number>;

  @ApiPropertyOptional({ default: true, description: 'At most one talk per person in the whole conference' })
  @IsOptional()
  @IsBoolean()
  onePerPerson?: boolean;

  @ApiPropertyOptional({
    type: GenderTargetDto,
    description:
      'Only from a committee member who is also an admin (403 otherwise): the answer depends on individual genders. ' +
      "The slate's aggregate is shown only with REPORT_MIN_CELL (default 5) or more people on each side",
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => GenderTargetDto)
  gender?: GenderTargetDto;

  @ApiPropertyOptional({ type: [SeatDto], description: 'Nominees who must be in the slate' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => SeatDto)
  fixedIn?: SeatDto[];

  @ApiPropertyOptional({
    type: 'array',
    items: { oneOf: [{ type: 'string', format: 'uuid' }, { $ref: '#/components/schemas/SeatDto' }] },
    description: 'Member ids left out everywhere, or { slotId, memberId } left out of one slot',
  })
  @IsOptional()
  @IsFixedOutList()
  fixedOut?: Array<string | SeatDto>;

  @ApiPropertyOptional({
    enum: SLATE_OBJECTIVES,
    default: 'score',
    description: 'Maximise total eligibility score, or score plus shortlistWeight per shortlisted nominee',
  })
  @IsOptional()
  @IsIn(SLATE_OBJECTIVES)
  objective?: SlateObjective;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: 100,
    default: 1,
    description: 'With objective scoreWithShortlist: what a shortlist mark is worth in score',
  })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(100)
  shortlistWeight?: number;
}

export class SlateSpeakerView {
  @ApiProperty() memberId: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: "Rank among the slot's nominees when suggested (1 = most eligible)" }) rank: number;
  @ApiProperty() score: number;
  @ApiProperty({ enum: CAREER_STAGES }) careerStage: CareerStage;
  @ApiProperty() region: string;
  @ApiProperty() instituteId: string;
  @ApiProperty() instituteName: string;
  @ApiProperty() shortlisted: boolean;
  @ApiProperty({ description: 'Already invited or accepted before the suggestion: kept, not created again' }) alreadyAllocated: boolean;
}

export class SlateSlotView {
  @ApiProperty() slotId: string;
  @ApiProperty() slotTitle: string;
  @ApiProperty() seats: number;
  @ApiProperty() openSeats: number;
  @ApiProperty({ type: [SlateSpeakerView] }) speakers: SlateSpeakerView[];
}

export class RankOnlyView {
  @ApiProperty() objective: number;
  @ApiProperty({ type: [SlateSlotView] }) slate: SlateSlotView[];
}

export class TargetRefView {
  @ApiProperty({
    example: 'minCareerStage.student',
    description:
      'The request field, existingAllocations, or fixedChoices (every fixed choice taken together, when the gender target is in the conflict)',
  })
  target: string;
  @ApiProperty({ example: 'at least 2 student speakers' }) description: string;
}

export class BindingTargetView extends TargetRefView {
  @ApiPropertyOptional({ type: [String], description: 'Institutes or regions at the limit' }) groups?: string[];
  @ApiPropertyOptional({ description: 'Objective gained if this target alone were dropped' }) cost?: number;
}

export class SlateSuggestionView {
  @ApiProperty() id: string;
  @ApiProperty() conferenceId: string;
  @ApiProperty({ type: [SlateSlotView] }) slate: SlateSlotView[];
  @ApiProperty({ description: 'Total eligibility score of the slate (plus shortlist marks with scoreWithShortlist)' }) objective: number;
  @ApiProperty({ type: RankOnlyView, description: "Each slot's best-ranked nominees, no targets or fixed choices" }) rankOnly: RankOnlyView;
  @ApiProperty({ description: 'rankOnly.objective - objective' }) targetCost: number;
  @ApiProperty({ type: [BindingTargetView] }) bindingTargets: BindingTargetView[];
  @ApiPropertyOptional({
    description:
      'Only with a gender target: { count, slateSize }, or { suppressed: true } under REPORT_MIN_CELL (default 5) on either side',
  })
  gender?: { count: number; slateSize: number } | { suppressed: true };
  @ApiProperty() policyVersion: number;
  @ApiProperty({ type: CreateSlateSuggestionDto }) request: CreateSlateSuggestionDto;
  @ApiProperty({ nullable: true, type: String }) createdBy: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true, type: String }) acceptedAt: string | null;
}

export class SlateSuggestionSummary {
  @ApiProperty() id: string;
  @ApiProperty() conferenceId: string;
  @ApiProperty() objective: number;
  @ApiProperty() targetCost: number;
  @ApiProperty() policyVersion: number;
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true, type: String }) acceptedAt: string | null;
}

export class SlateSuggestionPage {
  @ApiProperty({ type: [SlateSuggestionSummary] }) items: SlateSuggestionSummary[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}

export class SlateReplayView {
  @ApiProperty() id: string;
  @ApiProperty({ description: 'The re-solved slate and objective equal the stored ones' }) identical: boolean;
  @ApiProperty() objective: number;
  @ApiProperty() storedObjective: number;
  @ApiProperty({ type: [SlateSlotView] }) slate: SlateSlotView[];
  @ApiProperty({ description: 'Slots whose speakers differ: stored and replayed member ids' })
  differences: Array<{ slotId: string; stored: string[]; replayed: string[] }>;
}

export class AcceptedAllocationView {
  @ApiProperty() id: string;
  @ApiProperty() slotId: string;
  @ApiProperty() memberId: string;
  @ApiProperty({ enum: ['invited'] }) status: 'invited';
}

export class SlateAcceptanceView {
  @ApiProperty() suggestionId: string;
  @ApiProperty() conferenceId: string;
  @ApiProperty({ type: [AcceptedAllocationView] }) allocations: AcceptedAllocationView[];
  @ApiProperty() acceptedAt: string;
}

export class SlateSuggestionQuery extends PageQuery {}
