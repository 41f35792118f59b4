import { isSmallCount } from './suppression';

describe('the small-cell rule', () => {
  it('hides counts strictly between zero and the threshold', () => {
    expect([0, 1, 4, 5, 6].map((n) => isSmallCount(n, 5))).toEqual([false, true, true, false, false]);
  });
});
