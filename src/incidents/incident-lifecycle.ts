import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../auth/actor';
import { conflict, notFound, unprocessable } from '../common/problem';
import { IncidentKeys, seal } from './incident-crypto';
import { IncidentActor, IncidentStatus, judgeStatusChange, nextStatuses } from './incident-status';
import { IncidentsRepository } from './incidents.repository';

export interface IncidentStatusChange {
  incidentId: string;
  to: IncidentStatus;
  /** The capacity the caller acts in; only the contact works a report today. */
  as: IncidentActor;
  actor: Actor;
  /** What was recommended or done (stored encrypted, never audited). */
  action?: string;
  expectedVersion?: number;
}

/**
 * The one door of a report's lifecycle: every status change, whoever makes it, is checked against the
 * table in incident-status.ts, saved with its history entry (the action sealed) and audited without
 * content, on the caller's transaction.
 */
@Injectable()
export class IncidentLifecycle {
  constructor(
    private readonly incidents: IncidentsRepository,
    private readonly audit: AuditService,
  ) {}

  async changeIncidentStatus(manager: EntityManager, keys: IncidentKeys, change: IncidentStatusChange): Promise<void> {
    const id = change.incidentId;
    const current = await this.incidents.lockIncidentStatus(manager, id);
    if (!current) throw notFound('incident', id);
    if (change.expectedVersion !== undefined && change.expectedVersion !== current.version) {
      throw conflict(`The report changed since you read it (version ${change.expectedVersion}, now ${current.version}); reload it`, {
        currentVersion: current.version,
        currentStatus: current.status,
      });
    }
    const verdict = judgeStatusChange(current.status, change.to, change.action);
    if (!verdict.ok) {
      if (verdict.kind === 'illegal') {
        throw conflict(verdict.reason, { currentStatus: current.status, nextStatuses: nextStatuses(current.status) });
      }
      throw unprocessable(verdict.reason, [
        {
          field: 'action',
          message: verdict.kind === 'action-required' ? 'is required for this status' : 'is not recorded for this status',
        },
      ]);
    }
    await this.incidents.recordStatusChange(manager, {
      incidentId: id,
      from: current.status,
      to: change.to,
      authorId: change.actor.id,
      action: change.action === undefined ? null : seal(keys.encryption, change.action, id, 'action'),
    });
    await this.audit.record(manager, change.actor, {
      action: 'incident.status',
      entity: 'incident',
      entityId: id,
      before: { status: current.status, version: current.version },
      after: { status: change.to, version: current.version + 1 },
    });
  }
}
