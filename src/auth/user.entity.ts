import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Role } from '../common/enums';

@Entity('app_user')
export class User {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column() name: string;
  @Column() email: string;
  @Column('text', { array: true }) roles: Role[];
  @Column({ select: false }) tokenHash: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
