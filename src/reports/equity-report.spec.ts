import { EquityRow } from './balance.sql';
import { equityReport } from './equity-report';
import { cochranMantelHaenszel } from './statistics';

const r = (career_stage: string, gender: string, nominations: number, allocations: number): EquityRow => ({
  career_stage,
  gender,
  nominations,
  allocations,
});

describe('equityReport', () => {
  const rows = [
    r('postdoc', 'woman', 20, 8),
    r('postdoc', 'man', 40, 20),
    r('tenured', 'woman', 12, 6),
    r('tenured', 'man', 30, 18),
    r('student', 'woman', 2, 1),
    r('student', 'man', 8, 2),
    r('student', 'nonbinary', 1, 1),
  ];

  it('stratifies women against men by career stage (a = women allocated, d = men not allocated)', () => {
    const { test } = equityReport(rows, 5);
    const expected = cochranMantelHaenszel([
      { a: 1, b: 1, c: 2, d: 6 },
      { a: 8, b: 12, c: 20, d: 20 },
      { a: 6, b: 6, c: 18, d: 12 },
    ]);
    expect(test.shown).toBe(true);
    expect(test.oddsRatio).toBeCloseTo(expected.oddsRatio!, 14);
    expect(test.chiSquare).toBeCloseTo(expected.chiSquare!, 14);
    expect(test.strata).toBe(3);
  });

  it('shows rates only where both counts are shown', () => {
    const { strata } = equityReport(rows, 5);
    const postdoc = strata.find((s) => s.careerStage === 'postdoc')!;
    for (const cell of strata.flatMap((s) => s.cells)) {
      if (cell.nominations === null || cell.allocations === null) expect(cell.rate).toBeNull();
    }
    expect(strata.find((s) => s.careerStage === 'student')!.cells.find((c) => c.gender === 'nonbinary')).toMatchObject({
      nominations: null,
      allocations: null,
      suppressed: true,
    });
    expect(postdoc.nominations).toBe(60);
  });

  it('leaves the stratified test out when women or men are fewer than the threshold', () => {
    const { test } = equityReport([r('postdoc', 'woman', 4, 2), r('postdoc', 'man', 40, 20)], 5);
    expect(test).toMatchObject({ shown: false });
    expect(test.oddsRatio).toBeUndefined();
  });
});
