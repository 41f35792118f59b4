import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditEntry, AuditService } from '../audit/audit.service';
import { Actor } from '../auth/actor';
import { AllocationStatus, DeclineCategory, NominationStatus } from '../common/enums';
import { conflict, notFound, unprocessable } from '../common/problem';
import { NominationLifecycle } from '../nominations/nomination-lifecycle';
import { insertTalkFromAllocation } from '../talks/talk-records';
import { AllocationNotices } from './allocation-notices';
import { AllocationRecord, AllocationsRepository } from './allocations.repository';
import { AllocationActor, allowedTransitions, checkAllocationMove, freesSeat, takesReason } from './allocation-status';

const AUDIT_ACTION: Record<Exclude<AllocationStatus, 'invited'>, string> = {
  accepted: 'allocation.accept',
  declined: 'allocation.decline',
  withdrawn: 'allocation.withdraw',
  expired: 'allocation.expire',
};

export interface NewAllocation extends Omit<AllocationRecord, 'allocatedBy'> {
  actor: Actor;
  /** Kept with the audit entry: who was passed over, or the slate suggestion it came from. */
  context?: Record<string, unknown>;
}

export interface AllocationStatusChange {
  allocationId: string;
  to: AllocationStatus;
  /** The capacities the caller acts in (the table in allocation-status.ts says who may do what). */
  as: readonly AllocationActor[];
  /** Who, for the audit log (null for the service's own jobs and for an answer by link). */
  actor: Actor | null;
  /** Why it was declined or withdrawn; confidential to the committee, never audited. */
  reason?: string;
  /** The kind of reason a decline had, for the declines report (audited: it is no one's words). */
  category?: DeclineCategory;
  /** The version the change is based on; a newer one in the database answers 409. */
  expectedVersion?: number;
  /** How the change arrived when it is not the committee's PATCH, kept in the audit entry. */
  via?: string;
}

export interface AllocationStatusChanged {
  id: string;
  slotId: string;
  memberId: string;
  nominationId: string;
  from: AllocationStatus;
  to: AllocationStatus;
  version: number;
  /** The change ended a seat-holding allocation: the seat is free for someone else. */
  freedSeat: boolean;
}

/**
 * The one door of the allocation lifecycle. An invitation is created, and every status change made,
 * here only, whoever asks (the committee's routes, an accepted slate, the speaker's answer, the
 * deadline), on the caller's transaction: the check against the table, the write, the talk record,
 * the nomination's move through its own door, the audit entries, and the mail the change causes.
 */
@Injectable()
export class AllocationLifecycle {
  constructor(
    private readonly allocations: AllocationsRepository,
    private readonly audit: AuditService,
    private readonly nominations: NominationLifecycle,
    private readonly notices: AllocationNotices,
  ) {}

  /** Inserts the invitation and marks the nomination allocated. The caller has checked seats and the nomination. */
  async createAllocation(manager: EntityManager, allocation: NewAllocation): Promise<{ id: string; respondBy: Date }> {
    const id = await this.allocations.insertAllocation(manager, {
      slotId: allocation.slotId,
      memberId: allocation.memberId,
      nominationId: allocation.nominationId,
      rationale: allocation.rationale,
      rankAtAllocation: allocation.rankAtAllocation,
      scoreAtAllocation: allocation.scoreAtAllocation,
      policyVersion: allocation.policyVersion,
      allocatedBy: allocation.actor.id,
    });
    // The deadline and the invitation mail first, so the audit entry records the deadline too.
    const respondBy = await this.notices.invited(manager, id);
    await this.audit.record(manager, allocation.actor, {
      action: 'allocation.create',
      entity: 'allocation',
      entityId: id,
      after: {
        slotId: allocation.slotId,
        memberId: allocation.memberId,
        nominationId: allocation.nominationId,
        status: 'invited',
        rankAtAllocation: allocation.rankAtAllocation,
        scoreAtAllocation: allocation.scoreAtAllocation,
        policyVersion: allocation.policyVersion,
        rationale: allocation.rationale,
        respondBy: respondBy.toISOString(),
        ...allocation.context,
      },
    });
    await this.nominations.changeNominationStatus(manager, {
      nominationId: allocation.nominationId,
      to: 'allocated',
      as: ['allocation'],
      actor: allocation.actor,
      allocationId: id,
    });
    return { id, respondBy };
  }

  /**
   * Moves an allocation along its lifecycle. Acceptance records the talk; withdrawing an accepted
   * allocation deletes that talk again (a withdrawn talk was never given, so it must not count against
   * the speaker's eligibility). A decline creates no talk, so it never lowers eligibility. A freed seat
   * sends the nomination back to the shortlist: the committee may invite the person again, but they are
   * not offered the seat automatically.
   */
  async changeAllocationStatus(manager: EntityManager, change: AllocationStatusChange): Promise<AllocationStatusChanged> {
    const { allocationId: id, to } = change;
    const current = await this.allocations.lockAllocation(manager, id);
    if (!current) throw notFound('Allocation', id);
    if (change.expectedVersion !== undefined && change.expectedVersion !== current.version) {
      throw conflict(
        `Allocation ${id} has changed since version ${change.expectedVersion} (now version ${current.version}, ${current.status}); reload and retry`,
        { currentVersion: current.version, currentStatus: current.status },
      );
    }
    const from: AllocationStatus = current.status;
    const check = checkAllocationMove(from, to, change.as);
    if (!check.allowed) {
      throw conflict(`An allocation that is ${from} cannot become ${to}`, {
        currentStatus: from,
        allowed: allowedTransitions(from, change.as),
      });
    }
    if (change.reason !== undefined && !takesReason(to)) {
      throw unprocessable('A reason is recorded only for a decline or a withdrawal', [
        { field: 'reason', message: `not recorded when the allocation becomes ${to}` },
      ]);
    }
    if (change.category !== undefined && to !== 'declined') {
      throw unprocessable('A reason category is recorded only for a decline', [
        { field: 'category', message: `not recorded when the allocation becomes ${to}` },
      ]);
    }
    await this.allocations.updateAllocationStatus(manager, id, { to, reason: change.reason ?? null, category: change.category ?? null });
    const entries: AuditEntry[] = [
      {
        action: AUDIT_ACTION[to as Exclude<AllocationStatus, 'invited'>],
        entity: 'allocation',
        entityId: id,
        before: { status: from, version: current.version },
        after: {
          status: to,
          version: current.version + 1,
          ...(change.via ? { via: change.via } : {}),
          ...(change.category ? { category: change.category } : {}),
        },
      },
    ];
    if (to === 'accepted') {
      const talk = await insertTalkFromAllocation(manager, id);
      if (talk) {
        entries.push({
          action: 'talk.create',
          entity: 'talk',
          entityId: talk.id,
          after: {
            memberId: talk.memberId,
            conferenceId: talk.conferenceId,
            talkType: talk.talkType,
            date: talk.date,
            allocationId: id,
          },
        });
      }
    }
    if (from === 'accepted' && to === 'withdrawn') {
      const removed = await this.allocations.deleteTalkOf(manager, id);
      for (const talk of removed) entries.push({ action: 'talk.delete', entity: 'talk', entityId: talk.id, before: talk });
    }
    await this.audit.recordMany(manager, change.actor, entries);
    const freedSeat = freesSeat(from, to);
    if (freedSeat) {
      const nominationStatus = await this.allocations.lockNominationStatus(manager, current.nominationId);
      if ((nominationStatus as NominationStatus | undefined) === 'allocated') {
        await this.nominations.changeNominationStatus(manager, {
          nominationId: current.nominationId,
          to: 'shortlisted',
          as: ['allocation'],
          actor: change.actor,
          allocationId: id,
        });
      }
    }
    const changed = {
      id,
      slotId: current.slotId,
      memberId: current.memberId,
      nominationId: current.nominationId,
      from,
      to,
      version: current.version + 1,
      freedSeat,
    };
    await this.notices.changed(manager, changed);
    return changed;
  }
}
