// The invitation lifecycle, as the committee runs it: an invitation is answered once (accepted or
// declined) or withdrawn by the committee; an accepted talk can still be withdrawn. Nothing else.
import { AllocationStatus } from '../common/enums';

const NEXT: Record<AllocationStatus, readonly AllocationStatus[]> = {
  invited: ['accepted', 'declined', 'withdrawn'],
  accepted: ['withdrawn'],
  declined: [],
  withdrawn: [],
};

/** Statuses that hold a seat of the slot (the database trigger counts the same two). */
export const SEAT_HOLDING: readonly AllocationStatus[] = ['invited', 'accepted'];

export function allowedTransitions(from: AllocationStatus): readonly AllocationStatus[] {
  return NEXT[from];
}

export function canTransition(from: AllocationStatus, to: AllocationStatus): boolean {
  return NEXT[from].includes(to);
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
