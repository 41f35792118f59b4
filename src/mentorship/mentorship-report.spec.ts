import { rate, reportGroup } from './mentorship-report';

describe("the round's report cells", () => {
  it('keeps the order given, adds other values after it, and shares add up', () => {
    const group = reportGroup(
      'careerStage',
      new Map([
        ['postdoc', 3],
        ['student', 7],
        ['zeta', 0],
      ]),
      ['student', 'postdoc', 'tenured'],
      5,
      false,
    );
    expect(group.cells.map((c) => [c.value, c.count, c.share])).toEqual([
      ['student', 7, 0.7],
      ['postdoc', 3, 0.3],
      ['tenured', 0, 0],
      ['zeta', 0, 0],
    ]);
    expect(group.total).toBe(10);
  });

  it('hides a count 0 < n < threshold only where asked (gender), never a zero', () => {
    const counts = new Map([
      ['woman', 4],
      ['man', 12],
      ['nonbinary', 0],
    ]);
    const hidden = reportGroup('gender', counts, ['woman', 'man', 'nonbinary', 'undisclosed'], 5, true);
    expect(hidden.cells).toEqual([
      { value: 'woman', count: null, share: null, suppressed: true },
      { value: 'man', count: 12, share: 0.75, suppressed: false },
      { value: 'nonbinary', count: 0, share: 0, suppressed: false },
      { value: 'undisclosed', count: 0, share: 0, suppressed: false },
    ]);
    expect(reportGroup('region', counts, [], 5, false).cells.every((c) => !c.suppressed)).toBe(true);
  });

  it('gives no rate without a whole', () => {
    expect(rate(1, 4)).toBe(0.25);
    expect(rate(0, 0)).toBeNull();
  });
});
