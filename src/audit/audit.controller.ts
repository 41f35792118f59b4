import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { Roles } from '../auth/actor';
import { ApiPage, ApiProblems, ApiSecured } from '../common/openapi';
import { PageQuery } from '../common/pagination';
import { AuditEventView } from './audit.dto';
import { AuditService } from './audit.service';

export class AuditQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) entity?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) entityId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) action?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() actorId?: string;
  @ApiPropertyOptional({ example: '2026-01-01' }) @IsOptional() @IsISO8601({ strict: true }) from?: string;
  @ApiPropertyOptional({ example: '2026-12-31' }) @IsOptional() @IsISO8601({ strict: true }) to?: string;
}

@ApiTags('audit')
@ApiSecured()
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'The append-only log of every write, newest first' })
  @ApiPage(AuditEventView)
  @ApiProblems(400)
  list(@Query() query: AuditQuery) {
    const { limit, offset, ...filter } = query;
    return this.audit.list(filter, limit, offset);
  }
}
