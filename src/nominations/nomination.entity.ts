import {
  Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn,
} from 'typeorm';
import { CareerStage, NominationStatus } from '../common/enums';

@Entity('nomination')
export class Nomination {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') memberId: string;
  @Column('uuid') slotId: string;
  @Column('uuid') nominatorId: string;
  @Column('text') reason: string;
  @Column('text') status: NominationStatus;
  /** Snapshot of the nominee's stage and institute when nominated (reports use these). */
  @Column('text') careerStage: CareerStage;
  @Column('uuid') instituteId: string;
  @Column('text', { nullable: true }) committeeNote: string | null;
  /** The nominator as a member of the collaboration, and their institute on the day (conflicts of interest). */
  @Column('uuid', { nullable: true }) nominatorMemberId: string | null;
  @Column('uuid', { nullable: true }) nominatorInstituteId: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
  @VersionColumn() version: number;
}
