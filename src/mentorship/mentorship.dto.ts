import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsUUID,
  Matches,
  Max,
  Min,
  ValidateBy,
} from 'class-validator';
import { CAREER_STAGES, CareerStage } from '../common/enums';
import { PageQuery } from '../common/pagination';
import { IsCalendarDate } from '../conferences/conferences.dto';
import { isTimeZone } from '../conferences/local-time';
import { MENTORSHIP_KINDS, MentorshipKind, REGION_PREFERENCES, RegionPreference, SIGNUP_ROLES, SignupRole } from './mentorship-model';

/**
 * Identity groups a person may consent to be matched on. A closed list, so that nothing free-written
 * (a name, a story) can end up in the sealed field, and an error message never repeats what was sent.
 */
export const IDENTITY_GROUPS = [
  'gender-minority',
  'lgbtq',
  'ethnic-minority',
  'disability',
  'first-generation',
  'carer',
  'religious-minority',
] as const;
export type IdentityGroup = (typeof IDENTITY_GROUPS)[number];

function IsTimeZone(): PropertyDecorator {
  return ValidateBy({
    name: 'isTimeZone',
    validator: {
      validate: (value) => isTimeZone(value),
      defaultMessage: (args) => `${args?.property} must be an IANA time zone such as Europe/Zurich`,
    },
  });
}

const KINDS_HELP =
  'career = career advancement, relocation = relocation to or life at CERN, ' +
  'allyship = allyship for minority identity groups, connection = a new connection in the collaboration';
const IDENTITY_HELP =
  'Consented for matching only: stored encrypted, used by the optimiser, shown to nobody but you ' +
  '(in your own sign-up), never in an explanation, report, audit entry or mail. Only you can give or change them.';

export class CreateRoundDto {
  @ApiProperty({ example: 2027, minimum: 2000, maximum: 2200 }) @IsInt() @Min(2000) @Max(2200) year: number;
  @ApiProperty({ example: '2027-01-10', format: 'date' }) @IsCalendarDate() signUpOpens: string;
  @ApiProperty({ example: '2027-02-14', format: 'date' }) @IsCalendarDate() signUpCloses: string;
  @ApiProperty({ example: '2027-03-01', format: 'date', description: 'The day the matching is planned; time zones are compared on it' })
  @IsCalendarDate()
  matchingOn: string;
}

export class RoundView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() year: number;
  @ApiProperty({ format: 'date' }) signUpOpens: string;
  @ApiProperty({ format: 'date' }) signUpCloses: string;
  @ApiProperty({ format: 'date' }) matchingOn: string;
  @ApiProperty({ enum: ['open', 'published'], description: 'open until its pairs are published; one round is open at a time' })
  status: 'open' | 'published';
  @ApiProperty({ description: 'Whether sign-ups are taken today' }) signUpOpen: boolean;
  @ApiProperty({ minimum: 0 }) signups: number;
  @ApiProperty() version: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class RoundPage {
  @ApiProperty({ type: [RoundView] }) items: RoundView[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}

class SignupFields {
  @ApiPropertyOptional({ enum: MENTORSHIP_KINDS, isArray: true, description: `What a mentee seeks: ${KINDS_HELP}` })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(MENTORSHIP_KINDS.length)
  @IsIn(MENTORSHIP_KINDS, { each: true })
  kindsSought?: MentorshipKind[];

  @ApiPropertyOptional({ enum: MENTORSHIP_KINDS, isArray: true, description: 'What a mentor offers' })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(MENTORSHIP_KINDS.length)
  @IsIn(MENTORSHIP_KINDS, { each: true })
  kindsOffered?: MentorshipKind[];

  @ApiPropertyOptional({ minimum: 1, maximum: 10, description: 'Mentors: how many mentees they take (default 1)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10)
  capacity?: number;

  @ApiPropertyOptional({
    enum: REGION_PREFERENCES,
    default: 'any',
    description: 'A partner from the same region, another region, or either',
  })
  @IsOptional()
  @IsIn(REGION_PREFERENCES)
  regionPreference?: RegionPreference;

  @ApiPropertyOptional({ example: 'Europe/Zurich', description: 'IANA time zone: partners a few hours apart score higher' })
  @IsOptional()
  @IsTimeZone()
  timeZone?: string;

  @ApiPropertyOptional({ example: ['en', 'it'], description: 'ISO 639-1 codes of the languages one is happy to talk in' })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(10)
  @Matches(/^[a-z]{2}$/, { each: true, message: 'each language must be an ISO 639-1 code such as en' })
  languages?: string[];

  @ApiPropertyOptional({ enum: IDENTITY_GROUPS, isArray: true, description: IDENTITY_HELP })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(IDENTITY_GROUPS.length)
  @IsIn(IDENTITY_GROUPS, { each: true, message: 'each identity group must be one of the listed values' })
  identityGroups?: IdentityGroup[];

  @ApiPropertyOptional({ description: 'Mentees: prefer a mentor who shares one of your identity groups (needs identityGroups)' })
  @IsOptional()
  @IsBoolean()
  preferSharedIdentity?: boolean;

  @ApiPropertyOptional({ description: "Continue with last round's partner: kept when both ask and the pair is still allowed" })
  @IsOptional()
  @IsBoolean()
  continueWithPrevious?: boolean;
}

export class CreateSignupDto extends SignupFields {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Coordinators and admins signing someone up; a member signs up themself and leaves it out',
  })
  @IsOptional()
  @IsUUID()
  memberId?: string;

  @ApiProperty({ enum: SIGNUP_ROLES }) @IsIn(SIGNUP_ROLES) role: SignupRole;
}

export class UpdateSignupDto extends SignupFields {
  @ApiPropertyOptional({ enum: SIGNUP_ROLES }) @IsOptional() @IsIn(SIGNUP_ROLES) role?: SignupRole;
  @ApiPropertyOptional({ description: 'The version the change is based on: a stale one answers 409' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export class SignupView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) roundId: string;
  @ApiProperty({ format: 'uuid' }) memberId: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: SIGNUP_ROLES }) role: SignupRole;
  @ApiProperty({ enum: MENTORSHIP_KINDS, isArray: true }) kindsSought: MentorshipKind[];
  @ApiProperty({ enum: MENTORSHIP_KINDS, isArray: true }) kindsOffered: MentorshipKind[];
  @ApiProperty() capacity: number;
  @ApiProperty({ enum: REGION_PREFERENCES }) regionPreference: RegionPreference;
  @ApiProperty({ type: String, nullable: true }) timeZone: string | null;
  @ApiProperty({ type: [String] }) languages: string[];
  @ApiProperty() continueWithPrevious: boolean;
  @ApiProperty({ enum: CAREER_STAGES, description: 'On the day of sign-up' }) careerStage: CareerStage;
  @ApiProperty({ format: 'uuid', description: 'On the day of sign-up' }) instituteId: string;
  @ApiProperty() region: string;
  @ApiPropertyOptional({ enum: IDENTITY_GROUPS, isArray: true, description: 'Only in your own sign-up, to you' })
  identityGroups?: IdentityGroup[];
  @ApiPropertyOptional({ description: 'Only in your own sign-up, to you' }) preferSharedIdentity?: boolean;
  @ApiProperty() version: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class SignupPage {
  @ApiProperty({ type: [SignupView] }) items: SignupView[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}

export class SignupQuery extends PageQuery {
  @ApiPropertyOptional({ enum: SIGNUP_ROLES }) @IsOptional() @IsIn(SIGNUP_ROLES) role?: SignupRole;
}

export class ScoreComponentView {
  @ApiProperty({ enum: ['match', 'kinds', 'careerGap', 'region', 'timeZone', 'language', 'continuation'] }) component: string;
  @ApiProperty() points: number;
  @ApiProperty() reason: string;
}

export class PairPartyView {
  @ApiProperty({ format: 'uuid' }) signupId: string;
  @ApiProperty({ format: 'uuid' }) memberId: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: CAREER_STAGES }) careerStage: CareerStage;
  @ApiProperty() institute: string;
  @ApiProperty() region: string;
}

export class PairView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: PairPartyView }) mentor: PairPartyView;
  @ApiProperty({ type: PairPartyView }) mentee: PairPartyView;
  @ApiProperty({ description: 'The sum of the components' }) score: number;
  @ApiProperty({ type: [ScoreComponentView] }) components: ScoreComponentView[];
  @ApiProperty({ enum: ['optimiser', 'continued', 'coordinator'] }) source: string;
}

export class UnmatchedView {
  @ApiProperty({ format: 'uuid' }) signupId: string;
  @ApiProperty({ format: 'uuid' }) memberId: string;
  @ApiProperty({ type: String, nullable: true }) name: string | null;
  @ApiProperty({ enum: ['mentee', 'mentor'] }) as: 'mentee' | 'mentor';
  @ApiPropertyOptional() spareCapacity?: number;
  @ApiProperty() reason: string;
}

export class ContinuationView {
  @ApiProperty({ format: 'uuid' }) mentorMemberId: string;
  @ApiProperty({ format: 'uuid' }) menteeMemberId: string;
  @ApiProperty() kept: boolean;
  @ApiProperty() reason: string;
}

export class MatchingView {
  @ApiProperty({ format: 'uuid' }) roundId: string;
  @ApiProperty({ enum: ['proposed', 'published'] }) status: 'proposed' | 'published';
  @ApiProperty({ description: "Total of the pairs' shown scores" }) score: number;
  @ApiProperty({ description: 'What the optimiser maximised (the shown scores plus preferences that are never shown)' })
  objectiveNote: string;
  @ApiProperty({ type: [PairView] }) pairs: PairView[];
  @ApiProperty({ type: [UnmatchedView] }) unmatched: UnmatchedView[];
  @ApiProperty({ type: [ContinuationView] }) continuations: ContinuationView[];
  @ApiProperty({ format: 'date-time' }) solvedAt: string;
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) editedAt: string | null;
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) publishedAt: string | null;
  @ApiProperty() version: number;
}

export class ReplacePairDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() mentorSignupId: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID() menteeSignupId: string;
}

export class MentorshipReportQuery {
  @ApiProperty({ format: 'uuid' }) @IsUUID() roundId: string;
}

export class ReportCellView {
  @ApiProperty() value: string;
  @ApiProperty({ type: Number, nullable: true }) count: number | null;
  @ApiProperty({ type: Number, nullable: true }) share: number | null;
  @ApiProperty() suppressed: boolean;
}

export class ReportGroupView {
  @ApiProperty({ enum: ['careerStage', 'region', 'gender'] }) dimension: string;
  @ApiProperty({ description: 'Participants counted (for gender: the sum of the published cells)' }) total: number;
  @ApiProperty({ type: [ReportCellView] }) cells: ReportCellView[];
}

export class ReportDisclosureView {
  @ApiProperty({ description: 'Gender counts carry noise (everyone but admins)' }) perturbed: boolean;
  @ApiProperty({ type: Number, nullable: true }) epsilon: number | null;
  @ApiProperty({ type: Number, nullable: true }) noiseStdDev: number | null;
  @ApiProperty() note: string;
}

export class ReportMatchingView {
  @ApiProperty() solved: boolean;
  @ApiProperty() published: boolean;
  @ApiProperty() pairs: number;
  @ApiProperty() matchedMentees: number;
  @ApiProperty() unmatchedMentees: number;
  @ApiProperty() mentorsWithoutMentee: number;
}

export class ReportContinuationView {
  @ApiProperty({ description: 'Published pairs of the previous round' }) previousPairs: number;
  @ApiProperty({ description: 'Of those, both partners asked to continue' }) bothAsked: number;
  @ApiProperty({ description: 'Continued in this round' }) continued: number;
  @ApiProperty({ type: Number, nullable: true, description: 'continued / previousPairs' }) rate: number | null;
}

export class MentorshipReportView {
  @ApiProperty({ format: 'uuid' }) roundId: string;
  @ApiProperty() year: number;
  @ApiProperty() participants: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, description: 'Sign-ups by role: mentor, mentee, both' })
  byRole: Record<SignupRole, number>;
  @ApiProperty({ type: [ReportGroupView] }) groups: ReportGroupView[];
  @ApiProperty() minimumCellCount: number;
  @ApiProperty({ type: ReportDisclosureView }) disclosure: ReportDisclosureView;
  @ApiProperty({ type: ReportMatchingView }) matching: ReportMatchingView;
  @ApiProperty({ type: ReportContinuationView }) continuation: ReportContinuationView;
}

export class MyMentorshipPairView {
  @ApiProperty() roundId: string;
  @ApiProperty({ example: 2026 }) year: number;
  @ApiProperty({ enum: ['mentor', 'mentee'] }) myRole: 'mentor' | 'mentee';
  @ApiProperty() partnerName: string;
  @ApiProperty({ type: String, nullable: true, description: 'As in the introduction mail, which went to you both' }) partnerEmail:
    string | null;
  @ApiProperty() partnerInstitute: string;
  @ApiProperty({ type: [String], description: 'The kinds of mentoring you both named' }) kinds: string[];
  @ApiProperty({ description: 'Whether you both asked to continue from the round before' }) continued: boolean;
  @ApiProperty({ example: '2026-03-01' }) publishedOn: string;
}

export class MyMentorshipView {
  @ApiProperty({ type: [MyMentorshipPairView], description: 'Your pairings in published rounds, newest first' })
  pairs: MyMentorshipPairView[];
}
