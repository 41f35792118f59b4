import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { IncidentStatus } from './incident-status';

/** A harassment report. The bytea columns hold iv | tag | ciphertext (see incident-crypto.ts). */
@Entity('incident')
export class Incident {
  /** Chosen by the service before encrypting: it is part of every value's associated data. */
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') conferenceId: string;
  @Column('date', { nullable: true }) occurredOn: string | null;
  @Column('boolean') anonymous: boolean;
  @Column('bytea') description: Buffer;
  @Column('bytea', { nullable: true }) concerns: Buffer | null;
  @Column('bytea', { nullable: true }) reporter: Buffer | null;
  @Column('bytea', { nullable: true }) reporterLookup: Buffer | null;
  @Column('text') followUpCodeHash: string;
  @Column('text') status: IncidentStatus;
  @Column('int') version: number;
  @Column({ type: 'timestamptz', insert: false }) receivedAt: Date;
  @Column({ type: 'timestamptz', insert: false }) updatedAt: Date;
}

export type IncidentEntryKind = 'addition' | 'note' | 'status_change';

@Entity('incident_entry')
export class IncidentEntry {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' }) id: string;
  @Column('uuid') incidentId: string;
  @Column('text') kind: IncidentEntryKind;
  @Column('uuid', { nullable: true }) authorId: string | null;
  @Column('bytea', { nullable: true }) body: Buffer | null;
  @Column('text', { nullable: true }) fromStatus: IncidentStatus | null;
  @Column('text', { nullable: true }) toStatus: IncidentStatus | null;
  @Column({ type: 'timestamptz', insert: false }) at: Date;
}
