import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  MaxLength,
} from 'class-validator';
import { Role, ROLES } from '../common/enums';
import { Nullable } from '../common/validation';

export class CreateUserDto {
  @ApiProperty() @IsString() @Length(1, 200) name: string;
  @ApiProperty() @IsEmail() @MaxLength(320) email: string;
  @ApiProperty({ enum: ROLES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ROLES.length)
  @ArrayUnique()
  @IsIn(ROLES, { each: true })
  roles: Role[];
  @ApiPropertyOptional({ format: 'uuid', description: 'The member record the account belongs to; required for the role member' })
  @IsOptional()
  @IsUUID()
  memberId?: string;
}

export class UpdateUserDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) name?: string;
  @ApiPropertyOptional({ enum: ROLES, isArray: true, description: "Replaces the roles; applies from the user's next request" })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ROLES.length)
  @ArrayUnique()
  @IsIn(ROLES, { each: true })
  roles?: Role[];
  @ApiPropertyOptional({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'Link the account to a member record (null unlinks). A signed-in account gains or loses the role member with it.',
  })
  @Nullable()
  @IsUUID()
  memberId?: string | null;
  @ApiPropertyOptional({ description: "true: the user's token is refused (401) from now on; false enables the account again" })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
}

export class UserView {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() email: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles: Role[];
  @ApiProperty({ description: "A disabled user's token is refused" }) disabled: boolean;
  @ApiProperty({ description: 'The bootstrap admin whose token is ADMIN_TOKEN: retired when the variable is removed' })
  fromAdminToken: boolean;
  @ApiProperty({ nullable: true, type: String, description: 'The member record the account belongs to' }) memberId: string | null;
  @ApiProperty({
    enum: ['token', 'identity-provider'],
    description: 'identity-provider: created by signing in there; its roles follow its groups (and member its link)',
  })
  signsInWith: 'token' | 'identity-provider';
  @ApiProperty() createdAt: Date;
}

export class CreatedUserView extends UserView {
  @ApiProperty({ description: 'Shown once; only its hash is stored' }) token: string;
}

export class CurrentUserView {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles: Role[];
  @ApiProperty({ nullable: true, type: String, description: 'The member record of this account (GET /me reads it)' }) memberId:
    string | null;
}
