import fc from 'fast-check';
import { NOMINATION_STATUSES } from '../common/enums';
import { nextCandidates, passedOver, RankedNominee } from './allocation-rules';

const nominee = (memberId: string, rank: number, nominationStatus: RankedNominee['nominationStatus'] = 'submitted'): RankedNominee => ({
  memberId,
  name: `Name ${memberId}`,
  rank,
  score: -rank,
  nominationStatus,
});

describe('passed-over nominees', () => {
  const ranked = [nominee('a', 1), nominee('b', 2), nominee('c', 2), nominee('d', 4)];

  it('names every available nominee ranked better than the choice, best first', () => {
    expect(passedOver(ranked, 'd', new Set())).toEqual([
      { memberId: 'a', name: 'Name a', rank: 1 },
      { memberId: 'b', name: 'Name b', rank: 2 },
      { memberId: 'c', name: 'Name c', rank: 2 },
    ]);
  });

  it('passes nobody over when the best is chosen, nor a tie', () => {
    expect(passedOver(ranked, 'a', new Set())).toEqual([]);
    expect(passedOver(ranked, 'c', new Set()).map((p) => p.memberId)).toEqual(['a']);
  });

  it('ignores nominees who are rejected, withdrawn, allocated or already had an allocation here', () => {
    const others = [
      nominee('a', 1, 'rejected'),
      nominee('b', 2, 'withdrawn'),
      nominee('c', 3, 'allocated'),
      nominee('e', 4, 'shortlisted'),
      nominee('d', 5),
    ];
    expect(passedOver(others, 'd', new Set(['e']))).toEqual([]);
    expect(passedOver(others, 'd', new Set()).map((p) => p.memberId)).toEqual(['e']);
  });

  it('treats a choice missing from the ranking as ranked last', () => {
    expect(passedOver(ranked, 'zz', new Set()).map((p) => p.memberId)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('never names the chosen one and only ever names better ranks', () => {
    const list = fc.uniqueArray(
      fc.record({
        memberId: fc.string({ minLength: 1 }),
        rank: fc.integer({ min: 1, max: 20 }),
        status: fc.constantFrom(...NOMINATION_STATUSES),
      }),
      { selector: (n) => n.memberId, minLength: 1, maxLength: 15 },
    );
    fc.assert(
      fc.property(list, fc.nat(), (rows, pick) => {
        const all = rows.map((r) => nominee(r.memberId, r.rank, r.status));
        const chosen = all[pick % all.length];
        const result = passedOver(all, chosen.memberId, new Set());
        return result.every((p) => p.memberId !== chosen.memberId && p.rank < chosen.rank);
      }),
    );
  });
});

describe('next candidates', () => {
  it('offers the five best available nominees in rank order', () => {
    const ranked = [7, 6, 5, 4, 3, 2, 1].map((r) => nominee(`m${r}`, r));
    ranked.push(nominee('gone', 1, 'withdrawn'));
    const next = nextCandidates(ranked, new Set(['m1']));
    expect(next.map((n) => n.memberId)).toEqual(['m2', 'm3', 'm4', 'm5', 'm6']);
  });
});
