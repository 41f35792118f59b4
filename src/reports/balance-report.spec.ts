import { balanceGroups } from './balance-report';
import { CountRow } from './balance.sql';

const row = (value: string, group: string | null, count: number, side = 'main'): CountRow => ({
  side,
  value,
  value_name: null,
  group_key: group,
  group_name: null,
  count,
});

describe('balanceGroups', () => {
  it('lists every value of an enumerated dimension, zeros included, with shares of the group total', () => {
    const [group] = balanceGroups([row('postdoc', null, 30), row('tenured', null, 10)], {
      dimension: 'careerStage',
      within: null,
      threshold: 5,
    });
    expect(group.total).toBe(40);
    expect(group.cells.map((c) => [c.value, c.count, c.share])).toEqual([
      ['student', 0, 0],
      ['postdoc', 30, 0.75],
      ['nontenured', 0, 0],
      ['tenured', 10, 0.25],
      ['engineer', 0, 0],
      ['other', 0, 0],
    ]);
  });

  it('does not suppress tables without gender', () => {
    const [group] = balanceGroups([row('postdoc', null, 1), row('tenured', null, 50)], {
      dimension: 'careerStage',
      within: null,
      threshold: 5,
    });
    expect(group.cells.find((c) => c.value === 'postdoc')).toMatchObject({ count: 1, suppressed: false });
  });

  it('hides a small gender group total with gender as `within`, and every share of that group', () => {
    const rows = [
      row('CERN', 'woman', 30),
      row('ETH', 'woman', 20),
      row('CERN', 'man', 40),
      row('ETH', 'man', 35),
      row('CERN', 'nonbinary', 2),
    ];
    const groups = balanceGroups(rows, { dimension: 'institute', within: 'gender', threshold: 5 });
    expect(groups.map((g) => g.key)).toEqual(['woman', 'man', 'nonbinary', 'undisclosed']);
    const nonbinary = groups.find((g) => g.key === 'nonbinary')!;
    expect(nonbinary).toMatchObject({ total: null, totalSuppressed: true });
    expect(nonbinary.cells.find((c) => c.value === 'CERN')).toMatchObject({ count: null, suppressed: true });
    expect(nonbinary.cells.every((c) => c.share === null && c.ci95 === null)).toBe(true);
    // Only the small total is hidden: the counts are exact for admins (who may see anyone's gender)
    // and noisy for everyone else, so no complementary total is needed.
    expect(groups.filter((g) => g.totalSuppressed).map((g) => g.key)).toEqual(['nonbinary']);
    expect(groups.find((g) => g.key === 'woman')).toMatchObject({ total: 50, totalSuppressed: false });
  });

  it('compares shown cells with the baseline and leaves hidden ones untested', () => {
    const rows = [row('woman', null, 3), row('man', null, 40), row('nonbinary', null, 0), row('undisclosed', null, 7)];
    const baseline = [row('woman', null, 400, 'baseline'), row('man', null, 500, 'baseline'), row('undisclosed', null, 100, 'baseline')];
    const [group] = balanceGroups(rows, { dimension: 'gender', within: null, threshold: 5 }, baseline);
    expect(group.baselineTotal).toBe(1000);
    const woman = group.cells.find((c) => c.value === 'woman')!;
    expect(woman).toMatchObject({ suppressed: true, baselineShare: 0.4, difference: null, z: null, pValue: null, significant: null });
    const man = group.cells.find((c) => c.value === 'man')!;
    // 40/50 against 500/1000: pooled 540/1050, z = 0.3 / sqrt(0.514286 · 0.485714 · (1/50 + 1/1000)) = 4.1139
    expect(man.z).toBeCloseTo(0.3 / Math.sqrt((540 / 1050) * (510 / 1050) * (1 / 50 + 1 / 1000)), 12);
    expect(man.significant).toBe(true);
  });
});
