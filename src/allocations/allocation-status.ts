// The invitation lifecycle: an invitation is answered once (accepted or declined, by the committee on
// the speaker's behalf or by the speaker), withdrawn by the committee, or expires unanswered at its
// respond-by deadline; an accepted talk can still be withdrawn. Nothing else.
import { checkMove, LifecycleTable, MoveCheck, movesFrom } from '../common/lifecycle';
import { AllocationStatus } from '../common/enums';

/**
 * - committee: PATCH /allocations/:id, answering for the speaker or withdrawing.
 * - speaker: the invited member, through the link in the invitation mail or their own account.
 * - deadline: the service's own job, when an invitation's respond-by time has passed unanswered.
 */
export type AllocationActor = 'committee' | 'speaker' | 'deadline';

export const ALLOCATION_TRANSITIONS: LifecycleTable<AllocationStatus, AllocationActor> = {
  invited: { accepted: ['committee', 'speaker'], declined: ['committee', 'speaker'], withdrawn: ['committee'], expired: ['deadline'] },
  accepted: { withdrawn: ['committee'] },
  declined: {},
  withdrawn: {},
  // Like a decline, it never counts against the person: only talks given are history.
  expired: {},
};

/** Statuses that hold a seat of the slot (the database trigger counts the same two). */
export const SEAT_HOLDING: readonly AllocationStatus[] = ['invited', 'accepted'];

export function allowedTransitions(from: AllocationStatus, actors?: readonly AllocationActor[]): readonly AllocationStatus[] {
  return movesFrom(ALLOCATION_TRANSITIONS, from, actors);
}

export function canTransition(from: AllocationStatus, to: AllocationStatus): boolean {
  return ALLOCATION_TRANSITIONS[from][to] !== undefined;
}

export function checkAllocationMove(
  from: AllocationStatus,
  to: AllocationStatus,
  actors: readonly AllocationActor[],
): MoveCheck<AllocationActor> {
  return checkMove(ALLOCATION_TRANSITIONS, from, to, actors);
}

export function holdsSeat(status: AllocationStatus): boolean {
  return SEAT_HOLDING.includes(status);
}

/** A reason is recorded only when the invitation ends without a talk. */
export function takesReason(status: AllocationStatus): boolean {
  return status === 'declined' || status === 'withdrawn';
}

/** Whether the change ends the allocation, so the seat should be offered to someone else. */
export function freesSeat(from: AllocationStatus, to: AllocationStatus): boolean {
  return holdsSeat(from) && !holdsSeat(to);
}
