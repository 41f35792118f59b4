import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Role } from '../common/enums';

@Entity('app_user')
export class User {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') name: string;
  @Column('text') email: string;
  @Column('text', { array: true }) roles: Role[];
  /** Null once retired (the bootstrap admin's token after ADMIN_TOKEN is removed): no token opens the account. */
  @Column('text', { select: false, nullable: true }) tokenHash: string | null;
  /** A disabled user's token is refused (401); the account and its history stay. */
  @Column({ default: false }) disabled: boolean;
  /** The bootstrap admin whose token is ADMIN_TOKEN; its token follows the variable at every start. */
  @Column({ default: false }) fromAdminToken: boolean;
  /** The member record this account belongs to (by the provider's claims, or linked by an admin). */
  @Column('uuid', { nullable: true }) memberId: string | null;
  /** An account created by signing in through the identity provider: its roles follow the groups there. */
  @Column('text', { nullable: true }) identityIssuer: string | null;
  @Column('text', { nullable: true }) identitySubject: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
