import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('slate_suggestion')
export class SlateSuggestion {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') conferenceId: string;
  @Column('int') policyVersion: number;
  /** The request, the slots and the ranked nominees the optimiser was given. */
  @Column('jsonb') inputs: unknown;
  /** Genders the optimiser saw, only with a gender target (admins only). Read for an admin's replay; never answered. */
  @Column('jsonb', { nullable: true, select: false }) genderSnapshot: Record<string, string> | null;
  @Column('jsonb') result: unknown;
  @Column('uuid', { nullable: true }) createdBy: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Column('timestamptz', { nullable: true }) acceptedAt: Date | null;
  @Column('uuid', { nullable: true }) acceptedBy: string | null;
}
