import fc from 'fast-check';
import { ALLOCATION_STATUSES, AllocationStatus } from '../common/enums';
import { allowedTransitions, canTransition, checkAllocationMove, freesSeat, holdsSeat, takesReason } from './allocation-status';

describe('allocation status machine', () => {
  it('lets an invitation be accepted, declined or withdrawn', () => {
    expect(canTransition('invited', 'accepted')).toBe(true);
    expect(canTransition('invited', 'declined')).toBe(true);
    expect(canTransition('invited', 'withdrawn')).toBe(true);
  });

  it('lets an accepted talk only be withdrawn', () => {
    expect(allowedTransitions('accepted')).toEqual(['withdrawn']);
    expect(canTransition('accepted', 'declined')).toBe(false);
    expect(canTransition('accepted', 'invited')).toBe(false);
  });

  it('treats declined, withdrawn and expired as final', () => {
    for (const to of ALLOCATION_STATUSES) {
      expect(canTransition('declined', to)).toBe(false);
      expect(canTransition('withdrawn', to)).toBe(false);
      expect(canTransition('expired', to)).toBe(false);
    }
  });

  it('lets only the deadline expire an invitation, and the speaker only answer it', () => {
    expect(allowedTransitions('invited', ['deadline'])).toEqual(['expired']);
    expect(allowedTransitions('invited', ['speaker'])).toEqual(['accepted', 'declined']);
    expect(allowedTransitions('invited', ['committee'])).toEqual(['accepted', 'declined', 'withdrawn']);
    expect(checkAllocationMove('accepted', 'expired', ['deadline'])).toMatchObject({ allowed: false, reason: 'illegal' });
    expect(checkAllocationMove('accepted', 'withdrawn', ['speaker'])).toMatchObject({ allowed: false, reason: 'forbidden' });
  });

  it('never allows staying in the same status or going back to invited', () => {
    const status = fc.constantFrom<AllocationStatus>(...ALLOCATION_STATUSES);
    fc.assert(fc.property(status, (from) => !canTransition(from, from) && !canTransition(from, 'invited')));
  });

  it('frees the seat exactly when a seat-holding allocation ends without a talk', () => {
    const status = fc.constantFrom<AllocationStatus>(...ALLOCATION_STATUSES);
    fc.assert(
      fc.property(status, status, (from, to) => {
        if (!canTransition(from, to)) return true;
        return freesSeat(from, to) === (to === 'declined' || to === 'withdrawn' || to === 'expired');
      }),
    );
    expect(holdsSeat('invited') && holdsSeat('accepted')).toBe(true);
    expect(holdsSeat('declined') || holdsSeat('withdrawn') || holdsSeat('expired')).toBe(false);
  });

  it('records a reason only for declines and withdrawals', () => {
    expect(ALLOCATION_STATUSES.filter(takesReason)).toEqual(['declined', 'withdrawn']);
  });
});
