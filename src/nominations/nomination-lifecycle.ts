import { HttpStatus, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../auth/actor';
import { NominationStatus } from '../common/enums';
import { conflict, notFound, ProblemException } from '../common/problem';
import { checkTransition, NominationActor } from './nomination-status';
import { NominationsRepository } from './nominations.repository';

export interface NominationStatusChange {
  nominationId: string;
  to: NominationStatus;
  /** The capacities the caller acts in (the table in nomination-status.ts says who may do what). */
  as: readonly NominationActor[];
  /** Who, for the audit log (null for the service's own jobs). */
  actor: Actor | null;
  /** The version the change is based on; a newer one in the database answers 409. */
  expectedVersion?: number;
  /** A committee note kept on the nomination (only when acting as committee). */
  note?: string;
  /** The allocation that causes an `allocation` move. */
  allocationId?: string;
}

export interface NominationStatusChanged {
  from: NominationStatus;
  to: NominationStatus;
  version: number;
  nominatorId: string;
}

/** The audit action of each kind of move: the allocation's own moves keep their names. */
function auditAction(from: NominationStatus, to: NominationStatus): string {
  if (to === 'allocated') return 'nomination.allocate';
  if (from === 'allocated') return 'nomination.release';
  return 'nomination.status';
}

/**
 * The one door of the nomination lifecycle: every status change of a nomination, whoever asks (the
 * PATCH route, an invitation, a decline, an expired invitation), is checked against the table, saved
 * and audited here, on the caller's transaction.
 */
@Injectable()
export class NominationLifecycle {
  constructor(
    private readonly nominations: NominationsRepository,
    private readonly audit: AuditService,
  ) {}

  async changeNominationStatus(manager: EntityManager, change: NominationStatusChange): Promise<NominationStatusChanged> {
    const current = await this.nominations.lockNomination(manager, change.nominationId);
    if (!current) throw notFound('Nomination', change.nominationId);
    if (change.expectedVersion !== undefined && change.expectedVersion !== current.version) {
      throw conflict(
        `Nomination ${change.nominationId} changed since version ${change.expectedVersion} (now version ${current.version}); read it again`,
        {
          currentVersion: current.version,
        },
      );
    }
    const from: NominationStatus = current.status;
    const { to } = change;
    const check = checkTransition(from, to, change.as);
    if (!check.allowed) {
      if (check.reason === 'illegal' || check.allowedFor.every((who) => who === 'allocation')) {
        const hint = to === 'allocated' ? ' (a nomination becomes allocated when the committee allocates the slot)' : '';
        throw conflict(`A nomination cannot go from ${from} to ${to}${hint}`, { from, to });
      }
      throw new ProblemException(
        HttpStatus.FORBIDDEN,
        `Only the ${check.allowedFor.join(' or ')} may change a nomination from ${from} to ${to}`,
        undefined,
        { from, to },
      );
    }
    const setNote = change.note !== undefined && change.as.includes('committee');
    await this.nominations.updateNominationStatus(manager, change.nominationId, to, { set: setNote, text: change.note ?? null });
    const byAllocation = change.allocationId !== undefined;
    await this.audit.record(manager, change.actor, {
      action: auditAction(from, to),
      entity: 'nomination',
      entityId: change.nominationId,
      before: byAllocation ? { status: from } : { status: from, version: current.version },
      after: byAllocation
        ? { status: to, allocationId: change.allocationId }
        : { status: to, version: current.version + 1, ...(change.note !== undefined ? { note: change.note } : {}) },
    });
    return { from, to, version: current.version + 1, nominatorId: current.nominatorId };
  }
}
