import { ApiProperty } from '@nestjs/swagger';

/** One entry of the audit log, as GET /audit lists it. */
export class AuditEventView {
  @ApiProperty({ example: '1042', description: 'Increases with every entry' }) id: string;
  @ApiProperty() at: Date;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'null for start-up and anonymous actions' }) actorId:
    string | null;
  @ApiProperty({ type: [String], example: ['admin'] }) actorRoles: string[];
  @ApiProperty({ example: 'member.update' }) action: string;
  @ApiProperty({ example: 'member' }) entity: string;
  @ApiProperty({ nullable: true, type: String }) entityId: string | null;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true, description: 'What changed, before' }) before: unknown;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true, description: 'What changed, after' }) after: unknown;
  @ApiProperty({ nullable: true, type: String, description: 'The X-Request-Id of the request that made the change' })
  requestId: string | null;
}
