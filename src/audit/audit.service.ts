import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor } from '../auth/actor';
import { Page } from '../common/pagination';
import { AuditEvent } from './audit-event.entity';
import { AuditEntry, AuditFilter, AuditRepository } from './audit.repository';

export type { AuditEntry, AuditFilter };

@Injectable()
export class AuditService {
  constructor(private readonly repository: AuditRepository) {}

  /** Always pass the manager of the transaction that makes the change: the record and the change commit together. */
  async record(manager: EntityManager, actor: Actor | null, entry: AuditEntry): Promise<void> {
    await this.repository.insertEntry(manager, actor, entry);
  }

  /** Many records at once (imports): one statement. */
  async recordMany(manager: EntityManager, actor: Actor | null, entries: AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.repository.insertEntries(manager, actor, entries);
  }

  async list(filter: AuditFilter, limit: number, offset: number): Promise<Page<AuditEvent>> {
    return this.repository.events(filter, limit, offset);
  }
}
