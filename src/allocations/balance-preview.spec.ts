import fc from 'fast-check';
import { balanceTable, BalanceCounts } from './balance-preview';

describe('balance preview table', () => {
  it('gives counts and shares before, after and for the membership', () => {
    const table = balanceTable([
      { value: 'CERN', before: 1, after: 2, members: 10 },
      { value: 'USA', before: 1, after: 1, members: 30 },
    ]);
    expect(table.totals).toEqual({ before: 2, after: 3, members: 40 });
    expect(table.values[0]).toEqual({
      value: 'CERN',
      before: { count: 1, share: 0.5 },
      after: { count: 2, share: 2 / 3 },
      members: { count: 10, share: 0.25 },
    });
  });

  it('lists known values with zeros and has no share for an empty column', () => {
    const table = balanceTable([{ value: 'postdoc', before: 0, after: 1, members: 3 }], ['student', 'postdoc']);
    expect(table.values.map((v) => v.value)).toEqual(['student', 'postdoc']);
    expect(table.values[0].after).toEqual({ count: 0, share: 0 });
    expect(table.values[1].before).toEqual({ count: 0, share: null });
  });

  it('has shares summing to one in every non-empty column', () => {
    const counts = fc.uniqueArray(fc.record({ value: fc.string(), before: fc.nat(50), after: fc.nat(50), members: fc.nat(1000) }), {
      selector: (c) => c.value,
      maxLength: 12,
    });
    fc.assert(
      fc.property(counts, (rows: BalanceCounts[]) => {
        const table = balanceTable(rows);
        for (const column of ['before', 'after', 'members'] as const) {
          const shares = table.values.map((v) => v[column].share);
          if (table.totals[column] === 0) {
            if (shares.some((s) => s !== null)) return false;
          } else if (Math.abs(shares.reduce<number>((a, s) => a + (s ?? 0), 0) - 1) > 1e-9) {
            return false;
          }
        }
        return true;
      }),
    );
  });
});
