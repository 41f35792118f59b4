import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, MaxLength, Min } from 'class-validator';
import { CAREER_STAGES, CareerStage, GENDERS, Gender } from '../common/enums';
import { PageQuery } from '../common/pagination';
import { Nullable } from '../common/validation';
import { IsCountryCode, IsDateOnly, QueryBoolean, REGION_CODE, Trimmed, UpperCaseTrimmed } from './validators';

export class CreateMemberDto {
  @ApiProperty({ example: 'Ada Lovelace' }) @Trimmed() @IsString() @Length(1, 300) name: string;
  @ApiPropertyOptional({ example: 'ada@example.org' }) @IsOptional() @Trimmed() @IsEmail() @MaxLength(320) email?: string;
  @ApiPropertyOptional({ example: 'CMS-12345', description: 'The collaboration database id; imports match on it' })
  @IsOptional()
  @Trimmed()
  @IsString()
  @Length(1, 100)
  externalId?: string;
  @ApiProperty() @IsUUID() instituteId: string;
  @ApiProperty({ enum: CAREER_STAGES }) @IsIn(CAREER_STAGES) careerStage: CareerStage;
  @ApiPropertyOptional({ enum: GENDERS, default: 'undisclosed', description: 'Self-declared; only admins read it back' })
  @IsOptional()
  @IsIn(GENDERS)
  gender?: Gender;
  @ApiPropertyOptional({ example: '2024-09-01', description: 'Default today; the first stage and affiliation start here' })
  @IsOptional()
  @IsDateOnly()
  joinedOn?: string;
}

export class UpdateMemberDto {
  @ApiPropertyOptional() @IsOptional() @Trimmed() @IsString() @Length(1, 300) name?: string;
  @ApiPropertyOptional({ description: 'Give a member created without one an externalId, so imports find them' })
  @IsOptional()
  @Trimmed()
  @IsString()
  @Length(1, 100)
  externalId?: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'null removes the address' })
  @Nullable()
  @Trimmed()
  @IsEmail()
  @MaxLength(320)
  email?: string | null;
  @ApiPropertyOptional({ enum: GENDERS }) @IsOptional() @IsIn(GENDERS) gender?: Gender;
  @ApiPropertyOptional({ enum: CAREER_STAGES, description: 'Adds a career-stage history entry from effectiveFrom' })
  @IsOptional()
  @IsIn(CAREER_STAGES)
  careerStage?: CareerStage;
  @ApiPropertyOptional({ description: 'Adds an affiliation history entry from effectiveFrom' })
  @IsOptional()
  @IsUUID()
  instituteId?: string;
  @ApiPropertyOptional({
    example: '2026-10-01',
    description:
      'When the stage or institute change takes effect; default today. A career-stage change alone may be dated up to 3 years ahead (a planned PhD defence); an institute change never in the future',
  })
  @IsOptional()
  @IsDateOnly()
  effectiveFrom?: string;
  @ApiPropertyOptional({ nullable: true, type: String, example: '2026-12-31', description: 'Leaving the collaboration; null to rejoin' })
  @Nullable()
  @IsDateOnly()
  leftOn?: string | null;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    example: '2021-01-01',
    description: "First day as an author of the collaboration's papers; null: not an author (clears authorUntil too)",
  })
  @Nullable()
  @IsDateOnly()
  authorSince?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, example: '2027-06-30', description: 'Last day as an author; null: still an author' })
  @Nullable()
  @IsDateOnly()
  authorUntil?: string | null;
  @ApiPropertyOptional({ description: 'The version read; a stale one answers 409 (or send If-Match)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export class MemberFilterQuery {
  @ApiPropertyOptional({ example: 'CMS-12345' }) @IsOptional() @IsString() @MaxLength(100) externalId?: string;
  @ApiPropertyOptional({ example: 'SWITZERLAND' })
  @IsOptional()
  @Matches(REGION_CODE, { message: 'region must be a region code' })
  region?: string;
  @ApiPropertyOptional({ enum: CAREER_STAGES }) @IsOptional() @IsIn(CAREER_STAGES) careerStage?: CareerStage;
  @ApiPropertyOptional() @IsOptional() @IsUUID() instituteId?: string;
  @ApiPropertyOptional({ example: 'CH' }) @IsOptional() @UpperCaseTrimmed() @IsCountryCode() country?: string;
  @ApiPropertyOptional({ description: 'Part of the name, case-insensitive' }) @IsOptional() @IsString() @MaxLength(200) q?: string;
  @ApiPropertyOptional({ default: false, description: 'Include members who have left (leftOn today or earlier)' })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  includeLeft?: boolean;
}

export class MemberQuery extends IntersectionType(PageQuery, MemberFilterQuery) {}

export class MemberInstituteView {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() country: string;
}

export class MemberView {
  @ApiProperty() id: string;
  @ApiProperty({ nullable: true, type: String }) externalId: string | null;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) email: string | null;
  @ApiProperty() instituteId: string;
  @ApiProperty({ type: MemberInstituteView }) institute: MemberInstituteView;
  @ApiProperty({ example: 'CH' }) country: string;
  @ApiProperty({ example: 'CERN' }) region: string;
  @ApiProperty({ enum: CAREER_STAGES }) careerStage: CareerStage;
  @ApiProperty({ example: '2024-09-01' }) joinedOn: string;
  @ApiProperty({ nullable: true, type: String }) leftOn: string | null;
  @ApiProperty({ nullable: true, type: String, description: "First day as an author of the collaboration's papers" }) authorSince:
    string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Last day as an author (null: still one, if authorSince is set)' })
  authorUntil: string | null;
  @ApiPropertyOptional({ enum: GENDERS, description: 'Present for admins only' }) gender?: Gender;
  @ApiProperty({ description: 'Increases with every change; send it back (or If-Match) to avoid overwriting' }) version: number;
}

export class CareerStageEntry {
  @ApiProperty({ enum: CAREER_STAGES }) careerStage: CareerStage;
  @ApiProperty({ example: '2024-09-01' }) validFrom: string;
}

export class AffiliationEntry {
  @ApiProperty() instituteId: string;
  @ApiProperty() instituteName: string;
  @ApiProperty({ description: "The institute's region today" }) region: string;
  @ApiProperty({ example: '2024-09-01' }) validFrom: string;
}

export class MemberHistoryView {
  @ApiProperty({ type: [CareerStageEntry] }) careerStages: CareerStageEntry[];
  @ApiProperty({ type: [AffiliationEntry] }) affiliations: AffiliationEntry[];
}

/** Documents one import row for Swagger; the rows themselves are checked by member-import.ts. */
export class MemberImportRecord {
  @ApiProperty({ example: 'CMS-12345' }) externalId: string;
  @ApiProperty({ example: 'Ada Lovelace' }) name: string;
  @ApiPropertyOptional({ example: 'ada@example.org' }) email?: string;
  @ApiProperty({ example: 'ETH Zurich', description: 'Matched by name, case-insensitively; created if missing and country is given' })
  institute: string;
  @ApiPropertyOptional({ example: 'CH' }) country?: string;
  @ApiProperty({ enum: CAREER_STAGES }) careerStage: CareerStage;
  @ApiPropertyOptional({ enum: GENDERS }) gender?: Gender;
  @ApiPropertyOptional({ example: '2024-09-01', description: 'Used when the member is created' }) joinedOn?: string;
}

export class MemberImportResult {
  @ApiProperty() created: number;
  @ApiProperty() updated: number;
  @ApiProperty({ description: 'Rows identical to what was stored' }) unchanged: number;
  @ApiProperty() institutesCreated: number;
}
