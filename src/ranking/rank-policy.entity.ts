import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { RankWeights } from './eligibility';

@Entity('rank_policy')
export class RankPolicy {
  @PrimaryColumn('int') version: number;
  @Column('jsonb') weights: RankWeights;
  @Column('text', { nullable: true }) note: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Column('uuid', { nullable: true }) createdBy: string | null;
}
