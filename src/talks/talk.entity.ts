import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { CareerStage, TalkType } from '../common/enums';

/** A talk given: the history eligibility is computed from. */
@Entity('talk')
export class Talk {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') memberId: string;
  @Column('uuid') conferenceId: string;
  @Column('text') talkType: TalkType;
  @Column('date') date: string;
  @Column('text', { nullable: true }) title: string | null;
  /** Snapshot of the speaker's stage and institute on the talk's date. */
  @Column('text') careerStage: CareerStage;
  @Column('uuid') instituteId: string;
  /** Set when the talk came from an accepted allocation. */
  @Column('uuid', { nullable: true }) allocationId: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
