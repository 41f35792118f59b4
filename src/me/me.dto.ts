import { ApiProperty, ApiPropertyOptional, IntersectionType, OmitType } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsIn, IsInt, IsOptional, IsString, Length, Max, MaxLength, Min } from 'class-validator';
import {
  ALLOCATION_STATUSES,
  AllocationStatus,
  CAREER_STAGES,
  CareerStage,
  CONFERENCE_TIERS,
  ConferenceTier,
  GENDERS,
  Gender,
  NOMINATION_STATUSES,
  NominationStatus,
  ROLES,
  Role,
  TALK_TYPES,
  TalkType,
} from '../common/enums';
import { Nullable } from '../common/validation';
import { Trimmed } from '../members/validators';
import { DeclineReasonDto } from '../speakers/invitation-answers.dto';
import { AffiliationEntry, CareerStageEntry, MemberView } from '../members/members.dto';

export class MyAccountView {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles: Role[];
}

/** A member's own record: everything the collaboration keeps about them, their own gender included. */
export class MyRecordView extends OmitType(MemberView, ['gender'] as const) {
  @ApiProperty({ enum: GENDERS, description: 'Self-declared; only you and admins ever see it' }) gender: Gender;
  @ApiProperty({ type: [CareerStageEntry], description: 'Career stages with the dates they started' }) careerStages: CareerStageEntry[];
  @ApiProperty({ type: [AffiliationEntry], description: 'Institutes with the dates they started' }) affiliations: AffiliationEntry[];
  @ApiProperty({ type: MyAccountView, description: 'The account you are signed in with' }) account: MyAccountView;
}

/** What a member may change about themselves: the self-declared gender and the contact e-mail. */
export class UpdateMyRecordDto {
  @ApiPropertyOptional({ enum: GENDERS, description: 'Self-declared; undisclosed is always a valid answer' })
  @IsOptional()
  @IsIn(GENDERS)
  gender?: Gender;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'ada@example.org', description: 'Contact e-mail; null removes it' })
  @Nullable()
  @Trimmed()
  @IsEmail()
  @MaxLength(320)
  email?: string | null;
  @ApiPropertyOptional({ description: 'The version you read (or send If-Match); a newer one answers 409' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2_000_000_000)
  version?: number;
}

export class MyTalkView {
  @ApiProperty() id: string;
  @ApiProperty() conferenceId: string;
  @ApiProperty() conference: string;
  @ApiProperty({ enum: CONFERENCE_TIERS }) tier: ConferenceTier;
  @ApiProperty({ enum: TALK_TYPES }) talkType: TalkType;
  @ApiProperty({ example: '2026-07-16' }) date: string;
  @ApiProperty({ nullable: true, type: String }) title: string | null;
  @ApiProperty({ enum: CAREER_STAGES, description: "Your career stage on the talk's date" }) careerStage: CareerStage;
  @ApiProperty() institute: string;
}

export class MyTalkPage {
  @ApiProperty({ type: [MyTalkView] }) items: MyTalkView[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}

export class MyNominationView {
  @ApiProperty() id: string;
  @ApiProperty() slotId: string;
  @ApiProperty() slotTitle: string;
  @ApiProperty({ enum: TALK_TYPES }) talkType: TalkType;
  @ApiProperty() conferenceId: string;
  @ApiProperty() conference: string;
  @ApiProperty({ example: '2027-07-14' }) conferenceStartDate: string;
  @ApiProperty({ enum: NOMINATION_STATUSES }) status: NominationStatus;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
  @ApiPropertyOptional({ description: "Who nominated you: only when the committee's disclosure policy says so" }) nominatorName?: string;
  @ApiPropertyOptional({ description: "Why: only when the committee's disclosure policy says so" }) reason?: string;
}

export class MyNominationPage {
  @ApiProperty({ type: [MyNominationView] }) items: MyNominationView[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
  @ApiProperty({ description: 'The disclosure policy version the answer follows' }) disclosurePolicyVersion: number;
}

export class MyInvitationView {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ALLOCATION_STATUSES }) status: AllocationStatus;
  @ApiProperty({ description: 'Send it back (body `version` or If-Match) with an answer' }) version: number;
  @ApiProperty() slotId: string;
  @ApiProperty() slotTitle: string;
  @ApiProperty({ enum: TALK_TYPES }) talkType: TalkType;
  @ApiProperty({ nullable: true, type: String }) startsAt: string | null;
  @ApiProperty() conferenceId: string;
  @ApiProperty() conference: string;
  @ApiProperty({ example: '2027-07-14' }) conferenceStartDate: string;
  @ApiProperty({ example: '2027-07-18' }) conferenceEndDate: string;
  @ApiProperty({ description: 'When you were invited' }) invitedAt: Date;
  @ApiProperty({ nullable: true, type: Date, description: 'Answer by then, or the invitation expires' }) respondBy: Date | null;
  @ApiProperty({ nullable: true, type: Date }) respondedAt: Date | null;
  @ApiProperty({ enum: ['accept', 'decline'], isArray: true, description: 'What you can answer now' }) answers: Array<'accept' | 'decline'>;
}

export class MyInvitationPage {
  @ApiProperty({ type: [MyInvitationView] }) items: MyInvitationView[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}

export class AcceptInvitationDto {
  @ApiPropertyOptional({ description: 'The version you read (or send If-Match); a newer one answers 409' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2_000_000_000)
  version?: number;
}

/** Your decline: the version you read, and optionally why. */
export class DeclineInvitationDto extends IntersectionType(AcceptInvitationDto, DeclineReasonDto) {}

export class MyActivityView {
  @ApiProperty() at: Date;
  @ApiProperty({ example: 'member.update' }) action: string;
  @ApiProperty({ example: 'member' }) entity: string;
  @ApiProperty({ nullable: true, type: String }) entityId: string | null;
  @ApiProperty({ description: 'You made this change' }) byYou: boolean;
  @ApiProperty({ type: [String], description: 'The roles of whoever made it (empty: the service itself)' }) actorRoles: string[];
  @ApiPropertyOptional({ nullable: true, description: 'What was recorded before (never a gender)' }) before: unknown;
  @ApiPropertyOptional({ nullable: true, description: 'What was recorded after; `changed` names the fields, gender included' })
  after: unknown;
}

export class MyActivityPage {
  @ApiProperty({ type: [MyActivityView] }) items: MyActivityView[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}

export class NominationDisclosurePolicyDto {
  @ApiProperty({ description: 'Members see who nominated them' }) @IsBoolean() showNominator: boolean;
  @ApiProperty({ description: 'Members see the reason given' }) @IsBoolean() showReason: boolean;
  @ApiPropertyOptional({ maxLength: 2000, description: 'Why this version was made' })
  @IsOptional()
  @Trimmed()
  @IsString()
  @Length(1, 2000)
  note?: string;
}

export class NominationDisclosurePolicyView {
  @ApiProperty() version: number;
  @ApiProperty() showNominator: boolean;
  @ApiProperty() showReason: boolean;
  @ApiProperty({ nullable: true, type: String }) note: string | null;
  @ApiProperty() createdAt: Date;
}
