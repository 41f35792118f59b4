import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { CAREER_STAGES, CareerStage, CONFERENCE_TIERS, ConferenceTier, TALK_TYPES, TalkType } from '../common/enums';
import { PageQuery } from '../common/pagination';
import { RankWeights } from './eligibility';

const CalendarDate = () => Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '$property must be a date written YYYY-MM-DD' });
const ExistingDate = () => IsISO8601({ strict: true }, { message: '$property must be a date that exists' });

/** A finite, non-negative weight. */
const Weight = () => (target: object, key: string | symbol) => {
  ApiProperty({ minimum: 0, maximum: 1000 })(target, key);
  IsNumber({ allowNaN: false, allowInfinity: false }, { message: '$property must be a number' })(target, key);
  Min(0, { message: '$property must not be negative' })(target, key);
  Max(1000, { message: '$property must be at most 1000' })(target, key);
};

export class TypeWeightDto implements Record<TalkType, number> {
  @Weight() plenary: number;
  @Weight() parallel: number;
  @Weight() poster: number;
  @Weight() summary: number;
  @Weight() seminar: number;
}

export class TierWeightDto implements Record<ConferenceTier, number> {
  @Weight() major: number;
  @Weight() standard: number;
  @Weight() minor: number;
}

export class CareerBonusDto implements Record<CareerStage, number> {
  @Weight() student: number;
  @Weight() postdoc: number;
  @Weight() nontenured: number;
  @Weight() tenured: number;
  @Weight() engineer: number;
  @Weight() other: number;
}

/** Half-life and window: positive numbers of years, at most a century. */
const Years = (description: string) => (target: object, key: string | symbol) => {
  ApiProperty({ description, minimum: 0, exclusiveMinimum: true, maximum: 100 })(target, key);
  IsNumber({ allowNaN: false, allowInfinity: false }, { message: '$property must be a number' })(target, key);
  Min(Number.MIN_VALUE, { message: '$property must be greater than 0' })(target, key);
  Max(100, { message: '$property must be at most 100 years' })(target, key);
};

/** Every key is required and no other is accepted: a policy is always complete. */
export class RankPolicyDto implements RankWeights {
  @ApiProperty({ type: TypeWeightDto, description: 'Weight of each talk type' })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => TypeWeightDto)
  typeWeight: TypeWeightDto;

  @ApiProperty({ type: TierWeightDto, description: 'Weight of each conference tier' })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => TierWeightDto)
  tierWeight: TierWeightDto;

  @Years('A talk weighs half as much every halfLifeYears') halfLifeYears: number;

  @Years('Talks older than this are not counted') windowYears: number;

  @ApiProperty({ type: CareerBonusDto, description: 'Added to the score for the career stage at asOf' })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => CareerBonusDto)
  careerBonus: CareerBonusDto;

  @ApiPropertyOptional({ description: 'Why this version was made' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class RankPolicyView {
  @ApiProperty() version: number;
  @ApiProperty({ type: RankPolicyDto }) weights: RankWeights;
  @ApiProperty({ nullable: true, type: String }) note: string | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty({ nullable: true, type: String }) createdBy: string | null;
}

export class PolicyVersionQuery {
  @ApiPropertyOptional({ description: 'Rank policy version; the latest when left out' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  policyVersion?: number;
}

export class EligibilityQuery extends PolicyVersionQuery {
  @ApiPropertyOptional({ example: '2026-12-01', description: 'Talks before this date count; today when left out' })
  @IsOptional()
  @CalendarDate()
  @ExistingDate()
  asOf?: string;

  @ApiPropertyOptional({
    example: '2026-11-24T10:00:00.000000Z',
    description:
      'Talks recorded after this moment are left out; now when left out. Pass back the knownAt ' +
      'of an answer together with its asOf and policyVersion to replay it exactly.',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: '$property must be an ISO 8601 timestamp' })
  knownAt?: string;
}

export class RankingsQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'CERN', description: 'Region as of asOf' })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toUpperCase() : value))
  @IsString()
  @Matches(/^[A-Z][A-Z0-9_]{0,31}$/, { message: '$property must be a region code' })
  region?: string;

  @ApiPropertyOptional({ enum: CAREER_STAGES, description: 'Career stage as of asOf' })
  @IsOptional()
  @IsIn(CAREER_STAGES)
  careerStage?: CareerStage;

  @ApiPropertyOptional({ example: '2026-12-01', description: 'Today when left out' })
  @IsOptional()
  @CalendarDate()
  @ExistingDate()
  asOf?: string;

  @ApiPropertyOptional({ description: 'Rank policy version; the latest when left out' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  policyVersion?: number;

  @ApiPropertyOptional({ description: 'Talks recorded after this moment are left out; now when left out' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: '$property must be an ISO 8601 timestamp' })
  knownAt?: string;
}

export class TalkContributionView {
  @ApiProperty() talkId: string;
  @ApiProperty() conferenceId: string;
  @ApiProperty() conferenceName: string;
  @ApiProperty({ enum: CONFERENCE_TIERS }) tier: ConferenceTier;
  @ApiProperty({ enum: TALK_TYPES }) talkType: TalkType;
  @ApiProperty() date: string;
  @ApiProperty() ageYears: number;
  @ApiProperty({ description: '0.5 ^ (ageYears / halfLifeYears)' }) decay: number;
  @ApiProperty({ description: 'typeWeight x tierWeight x decay' }) contribution: number;
}

export class EligibilityBreakdownView {
  @ApiProperty() policyVersion: number;
  @ApiProperty() asOf: string;
  @ApiProperty({ enum: CAREER_STAGES }) careerStage: CareerStage;
  @ApiProperty() bonus: number;
  @ApiProperty() talkLoad: number;
  @ApiProperty({ type: [TalkContributionView] }) talks: TalkContributionView[];
}

export class EligibilityView {
  @ApiProperty() memberId: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'bonus - talkLoad; higher is more eligible' }) score: number;
  @ApiProperty() asOf: string;
  @ApiProperty({ description: 'Talks recorded after this moment were left out' }) knownAt: string;
  @ApiProperty() policyVersion: number;
  @ApiProperty({ type: EligibilityBreakdownView }) breakdown: EligibilityBreakdownView;
}

export class CandidateNominatorView {
  @ApiProperty({ description: "The nominator's account" }) userId: string;
  @ApiProperty({ nullable: true, type: String, description: 'Their member record, when the account is linked to one' }) memberId:
    string | null;
  @ApiProperty() name: string;
}

export class CandidateView {
  @ApiProperty() memberId: string;
  @ApiProperty() name: string;
  @ApiProperty() nominationId: string;
  @ApiProperty({ type: CandidateNominatorView }) nominator: CandidateNominatorView;
  @ApiProperty({ description: 'Why the nominator proposed this member' }) reason: string;
  @ApiProperty({
    enum: ['self-nomination', 'same-institute'],
    isArray: true,
    description: "same-institute: the nominator was at the nominee's institute when nominating; self-nomination: where the slot allows it",
  })
  conflictsOfInterest: Array<'self-nomination' | 'same-institute'>;
  @ApiProperty({ enum: ['submitted', 'shortlisted', 'allocated'] }) nominationStatus: string;
  @ApiProperty({ description: '1 = most eligible; equal scores share a rank' }) rank: number;
  @ApiProperty() score: number;
  @ApiProperty({ enum: CAREER_STAGES }) careerStage: CareerStage;
  @ApiProperty() region: string;
  @ApiProperty() instituteId: string;
  @ApiProperty() instituteName: string;
  @ApiProperty({ type: EligibilityBreakdownView }) breakdown: EligibilityBreakdownView;
}

export class RankingEntryView {
  @ApiProperty() memberId: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'Rank across the whole collaboration; equal scores share a rank' }) rank: number;
  @ApiProperty({ description: 'Rank among the members the filters select' }) rankInSelection: number;
  @ApiProperty() score: number;
  @ApiProperty() bonus: number;
  @ApiProperty() talkLoad: number;
  @ApiProperty({ description: 'Talks counted in the window' }) talksCounted: number;
  @ApiProperty({ enum: CAREER_STAGES }) careerStage: CareerStage;
  @ApiProperty() region: string;
  @ApiProperty() instituteId: string;
  @ApiProperty() instituteName: string;
}

export class RankingsView {
  @ApiProperty() asOf: string;
  @ApiProperty() knownAt: string;
  @ApiProperty() policyVersion: number;
  @ApiProperty({ type: [RankingEntryView] }) items: RankingEntryView[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}
