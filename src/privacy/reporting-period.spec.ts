import fc from 'fast-check';
import { previousQuarterEnd, publishedPeriod, quarterEnd, quarterEndOnOrBefore, quarterOf, quarterStart } from './reporting-period';

const day = fc
  .date({ min: new Date('1990-01-01'), max: new Date('2040-12-31'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

describe('calendar quarters', () => {
  it('start, end and name the quarter of a day', () => {
    expect(quarterStart('2026-05-17')).toBe('2026-04-01');
    expect(quarterEnd('2026-05-17')).toBe('2026-06-30');
    expect(quarterEnd('2024-02-29')).toBe('2024-03-31');
    expect(quarterEnd('2026-12-01')).toBe('2026-12-31');
    expect(previousQuarterEnd('2026-01-15')).toBe('2025-12-31');
    expect(previousQuarterEnd('2026-12-03')).toBe('2026-09-30');
    expect(quarterEndOnOrBefore('2026-09-30')).toBe('2026-09-30');
    expect(quarterEndOnOrBefore('2026-10-01')).toBe('2026-09-30');
    expect(quarterOf('2026-11-30')).toBe('2026-Q4');
  });

  it('every day lies in its quarter, and all days of a quarter agree on it', () => {
    fc.assert(
      fc.property(day, (d) => {
        expect(quarterStart(d) <= d && d <= quarterEnd(d)).toBe(true);
        expect(quarterEnd(quarterStart(d))).toBe(quarterEnd(d));
        expect(previousQuarterEnd(d) < quarterStart(d)).toBe(true);
      }),
    );
  });
});

describe('the period a gender report covers', () => {
  it('is whole quarters, ended ones only, and the membership on a quarter end', () => {
    expect(publishedPeriod('2025-02-10', '2025-08-20', '2026-12-03')).toEqual({
      from: '2025-01-01',
      to: '2025-09-30',
      membersOn: '2025-06-30',
      empty: false,
    });
    // The quarter in progress is left out.
    expect(publishedPeriod(undefined, '2026-12-03', '2026-12-03')).toEqual({
      from: null,
      to: '2026-09-30',
      membersOn: '2026-09-30',
      empty: false,
    });
    expect(publishedPeriod('2026-10-05', '2026-12-03', '2026-12-03').empty).toBe(true);
  });

  it('counts events over the same quarters for any two days of a quarter, members only on quarter ends', () => {
    fc.assert(
      fc.property(day, day, day, (a, b, today) => {
        fc.pre(quarterStart(a) === quarterStart(b));
        const [pa, pb] = [publishedPeriod(a, a, today), publishedPeriod(b, b, today)];
        expect([pa.from, pa.to, pa.empty]).toEqual([pb.from, pb.to, pb.empty]);
        expect(quarterEnd(pa.membersOn)).toBe(pa.membersOn);
        expect(pa.to <= previousQuarterEnd(today) && pa.membersOn <= previousQuarterEnd(today)).toBe(true);
      }),
    );
  });
});
