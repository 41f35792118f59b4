import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { LEADERSHIP_AREAS, LEADERSHIP_LEVEL, LeadershipArea, POSITION_KINDS, PositionKind } from '../common/enums';
import { PageQuery } from '../common/pagination';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const OneOf = (values: readonly string[]) => IsIn(values as string[], { message: `$property must be one of: ${values.join(', ')}` });
const Level = () => Matches(LEADERSHIP_LEVEL, { message: '$property must be a level L1 to L9 (L1 is the top)' });

export class CreatePositionDto {
  @ApiProperty({ example: 'Higgs physics group convener', minLength: 1, maxLength: 300, description: 'Unique (any case)' })
  @Transform(trim)
  @IsString()
  @Length(1, 300)
  title: string;

  @ApiProperty({ example: 'L2', pattern: '^L[1-9]$', description: 'L1 is the top of the leadership, L2 reports to L1, ...' })
  @Level()
  level: string;

  @ApiProperty({ enum: LEADERSHIP_AREAS }) @OneOf(LEADERSHIP_AREAS) area: LeadershipArea;

  @ApiProperty({ enum: POSITION_KINDS }) @OneOf(POSITION_KINDS) kind: PositionKind;

  @ApiPropertyOptional({ maxLength: 10000, description: 'What the holder is responsible for; shown with every open call' })
  @IsOptional()
  @IsString()
  @MaxLength(10000)
  mandate?: string;

  @ApiPropertyOptional({ maxLength: 10000, description: 'What a candidate should bring' })
  @IsOptional()
  @IsString()
  @MaxLength(10000)
  requirements?: string;

  @ApiProperty({ minimum: 1, maximum: 10, example: 2 }) @IsInt() @Min(1) @Max(10) termYears: number;

  @ApiProperty({ minimum: 1, maximum: 10, example: 2, description: 'Most terms one person may serve in a row' })
  @IsInt()
  @Min(1)
  @Max(10)
  maxTerms: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 1, description: 'How many people hold the position at once' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  seats?: number;

  @ApiPropertyOptional({ default: false, description: 'Whether the holder decides on people or money' })
  @IsOptional()
  @IsBoolean()
  allocatesResources?: boolean;
}

export class UpdatePositionDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 300 }) @IsOptional() @Transform(trim) @IsString() @Length(1, 300) title?: string;
  @ApiPropertyOptional({ pattern: '^L[1-9]$' }) @IsOptional() @Level() level?: string;
  @ApiPropertyOptional({ enum: LEADERSHIP_AREAS }) @IsOptional() @OneOf(LEADERSHIP_AREAS) area?: LeadershipArea;
  @ApiPropertyOptional({ enum: POSITION_KINDS }) @IsOptional() @OneOf(POSITION_KINDS) kind?: PositionKind;
  @ApiPropertyOptional({ maxLength: 10000 }) @IsOptional() @IsString() @MaxLength(10000) mandate?: string;
  @ApiPropertyOptional({ maxLength: 10000 }) @IsOptional() @IsString() @MaxLength(10000) requirements?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 10 }) @IsOptional() @IsInt() @Min(1) @Max(10) termYears?: number;
  @ApiPropertyOptional({ minimum: 1, maximum: 10 }) @IsOptional() @IsInt() @Min(1) @Max(10) maxTerms?: number;
  @ApiPropertyOptional({ minimum: 1, maximum: 100 }) @IsOptional() @IsInt() @Min(1) @Max(100) seats?: number;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() allocatesResources?: boolean;
  @ApiPropertyOptional({ description: 'The version you read; a newer one answers 409 (If-Match: 412)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export class PositionQuery extends PageQuery {
  @ApiPropertyOptional({ pattern: '^L[1-9]$' }) @IsOptional() @Level() level?: string;
  @ApiPropertyOptional({ enum: LEADERSHIP_AREAS }) @IsOptional() @OneOf(LEADERSHIP_AREAS) area?: LeadershipArea;
  @ApiPropertyOptional({ enum: POSITION_KINDS }) @IsOptional() @OneOf(POSITION_KINDS) kind?: PositionKind;
}

export class PositionView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() title: string;
  @ApiProperty({ example: 'L2' }) level: string;
  @ApiProperty({ enum: LEADERSHIP_AREAS }) area: LeadershipArea;
  @ApiProperty({ enum: POSITION_KINDS }) kind: PositionKind;
  @ApiProperty() mandate: string;
  @ApiProperty() requirements: string;
  @ApiProperty() termYears: number;
  @ApiProperty() maxTerms: number;
  @ApiProperty() seats: number;
  @ApiProperty() allocatesResources: boolean;
  @ApiProperty({ description: 'Appointments in force today' }) holdersToday: number;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
  @ApiProperty() version: number;
}
