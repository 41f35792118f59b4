import { randomBytes } from 'node:crypto';
import { PeriodCountRow, releaseGenderCounts, ReleaseSpec } from './gender-release';

const key = randomBytes(32);
const spec = (genderOn: 'value' | 'group', otherAxis: string | null): ReleaseSpec => ({
  key,
  epsilon: 0.5,
  populationOf: () => 'talks',
  filtersOf: () => ({}),
  genderOn,
  otherAxis,
});

/** Rows of gender by region over quarters, as the counting query gives them. */
function rows(cells: Array<[string, string, string, number]>): PeriodCountRow[] {
  return cells.map(([period, region, gender, count], i) => ({
    side: 'main',
    value: gender,
    value_name: null,
    group_key: region,
    group_name: `Region ${region}`,
    period,
    count,
    cell_key: 37 * (i + 1) * count,
  }));
}

const data = rows([
  ['2025-01-01', 'CERN', 'woman', 40],
  ['2025-01-01', 'CERN', 'man', 90],
  ['2025-01-01', 'USA', 'man', 3],
  ['2025-04-01', 'CERN', 'woman', 35],
  ['2025-04-01', 'USA', 'woman', 12],
  ['2025-04-01', 'USA', 'man', 30],
]);

const byCell = (out: PeriodCountRow[], gender: (r: PeriodCountRow) => string, other: (r: PeriodCountRow) => string | null) =>
  Object.fromEntries(out.map((r) => [`${other(r)}/${gender(r)}`, r.count]));

describe('releasing gender counts', () => {
  it('gives every gender of every place with records a noisy count, summed over quarters', () => {
    const out = releaseGenderCounts(data, spec('value', 'region'));
    expect(out).toHaveLength(2 * 4); // CERN and USA, four genders each
    expect(out.every((r) => r.period === undefined && r.cell_key === undefined)).toBe(true);
    expect(out.every((r) => Number.isInteger(r.count) && r.count >= 0)).toBe(true);
    const cern = out.find((r) => r.group_key === 'CERN' && r.value === 'woman') as PeriodCountRow;
    expect(Math.abs(cern.count - 75)).toBeLessThan(30);
    expect(cern.group_name).toBe('Region CERN');
  });

  it('publishes the same cell alike whichever axis gender is on', () => {
    const transposed = data.map((r) => ({
      ...r,
      value: r.group_key as string,
      value_name: r.group_name,
      group_key: r.value,
      group_name: null,
    }));
    const a = byCell(
      releaseGenderCounts(data, spec('value', 'region')),
      (r) => r.value,
      (r) => r.group_key,
    );
    const b = byCell(
      releaseGenderCounts(transposed, spec('group', 'region')),
      (r) => r.group_key as string,
      (r) => r.value,
    );
    expect(b).toEqual(a);
  });

  it('keeps an exact zero only where a place had no record at all', () => {
    const out = releaseGenderCounts(rows([['2025-01-01', 'CERN', 'man', 50]]), spec('value', 'region'));
    expect(out.map((r) => r.group_key)).toEqual(['CERN', 'CERN', 'CERN', 'CERN']);
  });

  it('draws every cell of a table anew when one record changes, so the moved cell is not singled out', () => {
    let unchangedElsewhere = 0;
    const trials = 200;
    for (let t = 0; t < trials; t++) {
      const base = rows([
        ['2025-01-01', 'CERN', 'woman', 40 + t],
        ['2025-01-01', 'CERN', 'man', 90],
      ]);
      const plusOne = base.map((r) => (r.value === 'woman' ? { ...r, count: r.count + 1, cell_key: (r.cell_key ?? 0) + 17 } : r));
      const before = byCell(
        releaseGenderCounts(base, spec('value', 'region')),
        (r) => r.value,
        (r) => r.group_key,
      );
      const after = byCell(
        releaseGenderCounts(plusOne, spec('value', 'region')),
        (r) => r.value,
        (r) => r.group_key,
      );
      if (before['CERN/man'] === after['CERN/man'] && before['CERN/nonbinary'] === after['CERN/nonbinary']) unchangedElsewhere++;
    }
    // With a record-keyed noise the cells without the newcomer would never move (200 of 200).
    expect(unchangedElsewhere).toBeLessThan(trials / 4);
  });
});
