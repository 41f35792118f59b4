import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('audit_event')
export class AuditEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' }) id: string;
  @Column({ type: 'timestamptz', insert: false }) at: Date;
  @Column('uuid', { nullable: true }) actorId: string | null;
  @Column('text', { array: true }) actorRoles: string[];
  @Column('text') action: string;
  @Column('text') entity: string;
  @Column('text', { nullable: true }) entityId: string | null;
  @Column('jsonb', { nullable: true }) before: unknown;
  @Column('jsonb', { nullable: true }) after: unknown;
  @Column('text', { nullable: true }) requestId: string | null;
}
