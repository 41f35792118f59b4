import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsEmail, IsIn, IsOptional, IsString, Length, MaxLength,
} from 'class-validator';
import { Role, ROLES } from '../common/enums';

export class CreateUserDto {
  @ApiProperty() @IsString() @Length(1, 200) name: string;
  @ApiProperty() @IsEmail() @MaxLength(320) email: string;
  @ApiProperty({ enum: ROLES, isArray: true })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(5) @ArrayUnique() @IsIn(ROLES, { each: true })
  roles: Role[];
}

export class UpdateUserDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) name?: string;
  @ApiPropertyOptional({ enum: ROLES, isArray: true, description: 'Replaces the roles; applies from the user\'s next request' })
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(5) @ArrayUnique() @IsIn(ROLES, { each: true })
  roles?: Role[];
  @ApiPropertyOptional({ description: 'true: the user\'s token is refused (401) from now on; false enables the account again' })
  @IsOptional() @IsBoolean() disabled?: boolean;
}

export class UserView {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() email: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles: Role[];
  @ApiProperty({ description: 'A disabled user\'s token is refused' }) disabled: boolean;
  @ApiProperty({ description: 'The bootstrap admin whose token is ADMIN_TOKEN: retired when the variable is removed' })
  fromAdminToken: boolean;
  @ApiProperty() createdAt: Date;
}

export class CreatedUserView extends UserView {
  @ApiProperty({ description: 'Shown once; only its hash is stored' }) token: string;
}
