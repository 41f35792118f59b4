import {
  Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn,
} from 'typeorm';
import { AllocationStatus, DeclineCategory } from '../common/enums';

@Entity('allocation')
export class Allocation {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') slotId: string;
  @Column('uuid') memberId: string;
  @Column('uuid') nominationId: string;
  @Column('text') status: AllocationStatus;
  @Column('text', { nullable: true }) rationale: string | null;
  /** Confidential to the committee. */
  @Column('text', { nullable: true }) declineReason: string | null;
  @Column('text', { nullable: true }) declineCategory: DeclineCategory | null;
  /** What the rank said when the committee chose: kept so the choice can be reviewed later. */
  @Column('int', { nullable: true }) rankAtAllocation: number | null;
  @Column('double precision', { nullable: true }) scoreAtAllocation: number | null;
  @Column('int', { nullable: true }) policyVersion: number | null;
  @Column('uuid', { nullable: true }) allocatedBy: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
  @Column('timestamptz', { nullable: true }) respondedAt: Date | null;
  /** An open invitation's answer deadline; it expires after. */
  @Column('timestamptz', { nullable: true }) respondBy: Date | null;
  @Column('timestamptz', { nullable: true }) remindedAt: Date | null;
  @VersionColumn() version: number;
}
