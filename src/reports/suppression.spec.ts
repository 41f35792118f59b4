import { DEFAULT_MIN_CELL, isSmallCount, minimumCellCount } from './suppression';

describe('the small-cell threshold', () => {
  it('is REPORT_MIN_CELL when that is a positive integer, else 5', () => {
    expect(minimumCellCount({})).toBe(DEFAULT_MIN_CELL);
    expect(minimumCellCount({ REPORT_MIN_CELL: '10' })).toBe(10);
    expect(minimumCellCount({ REPORT_MIN_CELL: ' ' })).toBe(DEFAULT_MIN_CELL);
    expect(minimumCellCount({ REPORT_MIN_CELL: '2.5' })).toBe(DEFAULT_MIN_CELL);
    expect(minimumCellCount({ REPORT_MIN_CELL: '0' })).toBe(DEFAULT_MIN_CELL);
  });

  it('hides counts strictly between zero and the threshold', () => {
    expect([0, 1, 4, 5, 6].map((n) => isSmallCount(n, 5))).toEqual([false, true, true, false, false]);
  });
});
