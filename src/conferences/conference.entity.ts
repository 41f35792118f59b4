import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { ConferenceTier } from '../common/enums';

@Entity('conference')
export class Conference {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') name: string;
  @Column('date') startDate: string;
  @Column('date') endDate: string;
  @Column('char', { length: 2, nullable: true }) country: string | null;
  @Column('text') tier: ConferenceTier;
  @Column('text', { nullable: true }) url: string | null;
  @Column('text', { nullable: true }) city: string | null;
  /** IANA time zone of the venue: how the programme's times read there. */
  @Column('text', { nullable: true }) timeZone: string | null;
  /** Days a speaker has to answer an invitation, unless the slot says otherwise. */
  @Column('int', { nullable: true }) respondWithinDays: number | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
