import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { ConferenceTier, TalkType } from '../common/enums';

@Entity('conference')
export class Conference {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column() name: string;
  @Column('date') startDate: string;
  @Column('date') endDate: string;
  @Column('char', { length: 2, nullable: true }) country: string | null;
  @Column('text') tier: ConferenceTier;
  @Column('text', { nullable: true }) url: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}

@Entity('slot')
export class Slot {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') conferenceId: string;
  @Column() title: string;
  @Column('text') talkType: TalkType;
  @Column('int') seats: number;
  @Column('text', { nullable: true }) topic: string | null;
  @Column('timestamptz', { nullable: true }) startsAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
