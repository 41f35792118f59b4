import { NOMINATION_STATUSES } from '../common/enums';
import { checkTransition, NOMINATION_TRANSITIONS } from './nomination-status';

describe('nomination status transitions', () => {
  it('lets the nominator withdraw a submitted or shortlisted nomination, nothing else', () => {
    expect(checkTransition('submitted', 'withdrawn', ['nominator'])).toEqual({ allowed: true });
    expect(checkTransition('shortlisted', 'withdrawn', ['nominator'])).toEqual({ allowed: true });
    expect(checkTransition('submitted', 'shortlisted', ['nominator'])).toMatchObject({ allowed: false, reason: 'forbidden' });
    expect(checkTransition('submitted', 'rejected', ['nominator'])).toMatchObject({ allowed: false, reason: 'forbidden' });
    expect(checkTransition('rejected', 'withdrawn', ['nominator'])).toMatchObject({ allowed: false, reason: 'illegal' });
    expect(checkTransition('allocated', 'withdrawn', ['nominator'])).toMatchObject({ allowed: false, reason: 'illegal' });
  });

  it('lets the committee shortlist, reject, un-shortlist and reconsider a rejection', () => {
    for (const [from, to] of [
      ['submitted', 'shortlisted'],
      ['submitted', 'rejected'],
      ['shortlisted', 'rejected'],
      ['shortlisted', 'submitted'],
      ['rejected', 'submitted'],
    ] as const) {
      expect(checkTransition(from, to, ['committee'])).toEqual({ allowed: true });
    }
    expect(checkTransition('submitted', 'withdrawn', ['committee'])).toMatchObject({ allowed: false, reason: 'forbidden' });
  });

  it('reserves allocated to the allocation service', () => {
    for (const from of NOMINATION_STATUSES) {
      expect(checkTransition(from, 'allocated', ['committee', 'nominator'])).toMatchObject({ allowed: false });
    }
    expect(checkTransition('shortlisted', 'allocated', ['allocation'])).toEqual({ allowed: true });
    expect(checkTransition('allocated', 'shortlisted', ['allocation'])).toEqual({ allowed: true });
    expect(checkTransition('allocated', 'rejected', ['committee'])).toMatchObject({ allowed: false, reason: 'illegal' });
  });

  it('treats withdrawn as final and never allows a status to move to itself', () => {
    for (const to of NOMINATION_STATUSES) {
      expect(checkTransition('withdrawn', to, ['committee', 'nominator', 'allocation'])).toMatchObject({
        allowed: false,
        reason: 'illegal',
      });
    }
    for (const status of NOMINATION_STATUSES) expect(NOMINATION_TRANSITIONS[status][status]).toBeUndefined();
  });

  it('lets a person holding both roles use either', () => {
    expect(checkTransition('submitted', 'withdrawn', ['committee', 'nominator'])).toEqual({ allowed: true });
    expect(checkTransition('submitted', 'shortlisted', ['committee', 'nominator'])).toEqual({ allowed: true });
  });
});
