import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { PageQuery } from '../common/pagination';
import { Nullable } from '../common/validation';
import { IsCountryCode, REGION_CODE, Trimmed, UpperCaseTrimmed } from './validators';

export class CreateInstituteDto {
  @ApiProperty({ example: 'ETH Zurich', description: 'Unique, case-insensitively' })
  @Trimmed()
  @IsString()
  @Length(1, 300)
  name: string;

  @ApiProperty({ example: 'CH', description: 'ISO 3166-1 alpha-2' })
  @UpperCaseTrimmed()
  @IsCountryCode()
  country: string;

  @ApiPropertyOptional({ example: 'CERN', description: "Region code overriding the country's region" })
  @IsOptional()
  @Matches(REGION_CODE, { message: 'region must be a region code' })
  region?: string;
}

export class UpdateInstituteDto {
  @ApiPropertyOptional() @IsOptional() @Trimmed() @IsString() @Length(1, 300) name?: string;
  @ApiPropertyOptional({ example: 'CH' }) @IsOptional() @UpperCaseTrimmed() @IsCountryCode() country?: string;

  @ApiPropertyOptional({
    type: String,
    example: 'CERN',
    nullable: true,
    description: "Region override; null returns the institute to its country's region",
  })
  @Nullable()
  @Matches(REGION_CODE, { message: 'region must be a region code' })
  region?: string | null;
}

export class InstituteQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'CH' }) @IsOptional() @UpperCaseTrimmed() @IsCountryCode() country?: string;
  @ApiPropertyOptional({ example: 'SWITZERLAND' })
  @IsOptional()
  @Matches(REGION_CODE, { message: 'region must be a region code' })
  region?: string;
  @ApiPropertyOptional({ description: 'Part of the name, case-insensitive' }) @IsOptional() @IsString() @MaxLength(200) q?: string;
}

export class InstituteView {
  @ApiProperty() id: string;
  @ApiProperty({ example: 'ETH Zurich' }) name: string;
  @ApiProperty({ example: 'CH' }) country: string;
  @ApiProperty({ example: 'SWITZERLAND', description: "The override if set, else the country's region, else UNASSIGNED" }) region: string;
  @ApiProperty({ nullable: true, type: String, example: null }) regionOverride: string | null;
  @ApiProperty({ description: 'Current members (not left)' }) members: number;
}
