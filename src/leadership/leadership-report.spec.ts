import { holmAdjust } from '../reports/statistics';
import { deputyPipeline, levelBelow, proportionalityReview, termLimitStatus } from './leadership-report';
import { SideRow } from './leadership-reports.repository';

const row = (side: string, value: string, count: number): SideRow => ({
  side,
  value,
  value_name: null,
  group_key: null,
  group_name: null,
  count,
});

describe('the leadership review', () => {
  it('compares each level with the one below, and the lowest with the membership', () => {
    expect(levelBelow(['L1', 'L2', 'L3'], 'L1')).toBe('L2');
    expect(levelBelow(['L1', 'L2', 'L3'], 'L3')).toBe('members');
  });

  it('corrects every test of both comparisons as one family', () => {
    const rows = [
      row('L1', 'woman', 5),
      row('L1', 'man', 55),
      row('L2', 'woman', 40),
      row('L2', 'man', 60),
      row('members', 'woman', 240),
      row('members', 'man', 360),
    ];
    const review = proportionalityReview(rows, ['L1', 'L2'], 'gender', 5);
    const cells = [...review.againstLevelBelow, ...review.againstMembership].flatMap((g) => g.cells).filter((c) => c.pValue != null);
    // L1 and L2 against the level below (L2 against the membership) and both against the membership: 8 tests.
    expect(cells).toHaveLength(8);
    expect(cells.map((c) => c.pValueAdjusted)).toEqual(holmAdjust(cells.map((c) => c.pValue as number)));
    expect(review.againstLevelBelow.map((g) => g.baseline)).toEqual(['L2', 'members']);
    expect(review.readings[0]).toMatch(/^woman: 8\.3 % of L1 holders against 40\.0 % of L2 holders, fewer/);
    // L2 is compared with the membership once, not twice.
    expect(review.readings.filter((r) => r.includes('L2 holders') && r.includes('membership'))).toHaveLength(1);
  });

  it('says when there is too little to compare', () => {
    const review = proportionalityReview([row('L1', 'woman', 0)], ['L1'], 'gender', 5);
    expect(review.readings[0]).toMatch(/^Too little data to compare L1 holders with the membership/);
  });
});

describe('the deputy pipeline and term limits', () => {
  it('gives the share of deputies who became conveners with its interval', () => {
    const { areas, readings } = deputyPipeline([{ area: 'physics', deputies: 10, becameConveners: 4, medianYears: 3.456 }]);
    expect(areas[0]).toMatchObject({ share: 0.4, medianYears: 3.5 });
    expect(areas[0].ci95![0]).toBeCloseTo(0.168, 3);
    expect(readings[0]).toMatch(/^physics: 4 of 10 deputies later became conveners \(or led otherwise\) in the area \(40\.0 %/);
    expect(deputyPipeline([]).readings).toEqual(['No deputy appointments are on record.']);
  });

  it('marks who is due, who is overdue and who must rotate', () => {
    const term = (startsOn: string, termEndsOn: string, tenures: Array<{ startsOn: string; endsOn: string | null }>) => ({
      appointmentId: startsOn,
      positionId: 'p',
      positionTitle: 'Convener',
      level: 'L2',
      area: 'physics',
      kind: 'convener',
      memberId: 'm',
      memberName: 'M',
      startsOn,
      endsOn: null,
      termEndsOn,
      termYears: 2,
      maxTerms: 2,
      tenures,
    });
    const [due, overdue, fresh] = termLimitStatus(
      [
        term('2024-09-01', '2026-09-01', [
          { startsOn: '2022-09-01', endsOn: '2024-09-01' },
          { startsOn: '2024-09-01', endsOn: null },
        ]),
        term('2023-01-01', '2025-01-01', [{ startsOn: '2023-01-01', endsOn: null }]),
        term('2025-09-01', '2027-09-01', [{ startsOn: '2025-09-01', endsOn: null }]),
      ],
      '2026-06-01',
      180,
    );
    expect(due).toMatchObject({ status: 'due', consecutiveTerm: 2, mayServeAgain: false });
    expect(overdue).toMatchObject({ status: 'overdue', consecutiveTerm: 1, mayServeAgain: true });
    expect(fresh).toMatchObject({ status: 'in-term' });
  });
});
