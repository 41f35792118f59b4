import { CountRow } from './balance.sql';
import { funnelValues } from './funnel-report';

const rows = (stage: string, counts: Record<string, number>): CountRow[] =>
  Object.entries(counts).map(([value, count]) => ({ side: stage, value, value_name: null, group_key: null, group_name: null, count }));

describe('funnelValues', () => {
  const counted = [
    ...rows('members', { woman: 300, man: 700 }),
    ...rows('nominations', { woman: 40, man: 160 }),
    ...rows('allocations', { woman: 20, man: 60 }),
    ...rows('accepted', { woman: 18, man: 60 }),
  ];

  it('gives each stage its share and the test against the previous stage', () => {
    const byGender = funnelValues(counted, 'gender', 5);
    expect(byGender.totals).toEqual({ members: 1000, nominations: 200, allocations: 80, accepted: 78 });
    const women = byGender.values.find((v) => v.value === 'woman')!;
    expect(women.stages[1].share).toBe(0.2);
    // 40/200 against 300/1000: pooled 340/1200; z = -0.1 / sqrt(0.283333 · 0.716667 · (1/200 + 1/1000)) = -2.8748
    expect(women.stages[1].vsPrevious!.z).toBeCloseTo(-0.1 / Math.sqrt((340 / 1200) * (860 / 1200) * (1 / 200 + 1 / 1000)), 12);
    expect(women.stages[1].vsPrevious!.significant).toBe(true);
    expect(women.stages[0].vsPrevious).toBeNull();
  });

  it('shows every count that is not small, accepted beside allocations', () => {
    const women = funnelValues(counted, 'gender', 5).values.find((v) => v.value === 'woman')!;
    expect(women.stages[2]).toMatchObject({ count: 20, suppressed: false });
    expect(women.stages[3]).toMatchObject({ count: 18, suppressed: false });
  });
});
