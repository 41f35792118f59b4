import {
  Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn,
} from 'typeorm';
import { CareerStage, Gender } from '../common/enums';

@Entity('member')
export class Member {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text', { nullable: true }) externalId: string | null;
  @Column() name: string;
  @Column('text', { nullable: true }) email: string | null;
  /** Self-declared and sensitive: only admins ever read it for an individual. */
  @Column('text') gender: Gender;
  /** Current institute and stage; the dated histories below are the record. */
  @Column('uuid') instituteId: string;
  @Column('text') careerStage: CareerStage;
  @Column('date') joinedOn: string;
  @Column('date', { nullable: true }) leftOn: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
  @VersionColumn() version: number;
}

@Entity('member_career_stage')
export class MemberCareerStage {
  @PrimaryColumn('uuid') memberId: string;
  @PrimaryColumn('date') validFrom: string;
  @Column('text') careerStage: CareerStage;
}

@Entity('member_affiliation')
export class MemberAffiliation {
  @PrimaryColumn('uuid') memberId: string;
  @PrimaryColumn('date') validFrom: string;
  @Column('uuid') instituteId: string;
}
