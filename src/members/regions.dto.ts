import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { IsCountryCode, REGION_CODE, Trimmed } from './validators';

const UpperCaseEach = () =>
  Transform(({ value }) => (Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v.trim().toUpperCase() : v)) : value));

export class CreateRegionDto {
  @ApiProperty({ example: 'NORDIC', pattern: REGION_CODE.source })
  @Matches(REGION_CODE, { message: 'code must be upper-case letters, digits and _ (at most 32), starting with a letter' })
  code: string;

  @ApiProperty({ example: 'Nordic countries' }) @Trimmed() @IsString() @Length(1, 100) name: string;

  @ApiProperty({ example: ['DK', 'NO', 'SE'], description: 'ISO 3166-1 alpha-2; a country in another region moves here' })
  @UpperCaseEach()
  @IsArray()
  @ArrayMaxSize(300)
  @ArrayUnique()
  @IsCountryCode({ each: true })
  countries: string[];

  @ApiPropertyOptional({ description: 'Order in listings; default: after the others, before Unassigned' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000)
  position?: number;
}

export class UpdateRegionDto {
  @ApiPropertyOptional() @IsOptional() @Trimmed() @IsString() @Length(1, 100) name?: string;

  @ApiProperty({
    example: ['DK', 'NO', 'SE'],
    description: "The region's whole country list: countries left out become Unassigned, countries of other regions move here",
  })
  @UpperCaseEach()
  @IsArray()
  @ArrayMaxSize(300)
  @ArrayUnique()
  @IsCountryCode({ each: true })
  countries: string[];

  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(10_000) position?: number;
}

export class RegionView {
  @ApiProperty({ example: 'SWITZERLAND' }) code: string;
  @ApiProperty({ example: 'Switzerland' }) name: string;
  @ApiProperty({ example: ['CH'] }) countries: string[];
  @ApiProperty({ example: [], description: 'Institutes placed in this region by override, whatever their country (CERN, JINR Dubna)' })
  institutes: string[];
}

export class UnassignedCountryView {
  @ApiProperty({ example: 'JP' }) country: string;
  @ApiProperty({ example: 'Japan' }) countryName: string;
  @ApiProperty() institutes: number;
  @ApiProperty({ description: 'Current members (not left) at those institutes' }) members: number;
  @ApiProperty({ example: ['KEK'] }) instituteNames: string[];
}

export class RegionDataQualityView {
  @ApiProperty({ type: [UnassignedCountryView], description: 'Countries of institutes that fall in no region' })
  unassigned: UnassignedCountryView[];
  @ApiProperty() unassignedInstitutes: number;
  @ApiProperty() unassignedMembers: number;
}
