import { addYears, consecutiveTerms, termRuleBreaches, Tenure } from './term-rules';

const position = { title: 'Higgs convener', termYears: 2, maxTerms: 2, seats: 2 };
const t = (memberId: string, startsOn: string, endsOn: string | null): Tenure => ({ memberId, startsOn, endsOn });
const rules = (others: Tenure[], proposed: Tenure) => termRuleBreaches(position, others, proposed).map((b) => b.rule);

describe('term rules', () => {
  it('adds years, keeping 29 February only in leap years', () => {
    expect(addYears('2024-02-29', 1)).toBe('2025-02-28');
    expect(addYears('2024-02-29', 4)).toBe('2028-02-29');
    expect(addYears('2020-09-01', 2)).toBe('2022-09-01');
  });

  it('counts terms in a row, and a full term away starts the count afresh', () => {
    const a = t('a', '2010-01-01', '2012-01-01');
    const b = t('a', '2012-01-01', '2014-01-01');
    const c = t('a', '2015-06-01', '2017-06-01');
    expect(consecutiveTerms(c, [a, b, c], 2)).toBe(3);
    const late = t('a', '2016-01-01', null);
    expect(consecutiveTerms(late, [a, b, late], 2)).toBe(1);
  });

  it('passes a term that breaks nothing', () => {
    expect(rules([t('b', '2020-01-01', null)], t('a', '2020-06-01', '2022-06-01'))).toEqual([]);
  });

  it('names each rule broken', () => {
    expect(rules([t('a', '2020-01-01', null)], t('a', '2021-01-01', null))).toEqual(['already-holding']);
    expect(rules([t('b', '2020-01-01', null), t('c', '2021-01-01', '2023-01-01')], t('a', '2020-06-01', '2022-06-01'))).toEqual([
      'seats-full',
    ]);
    expect(rules([t('a', '2016-01-01', '2018-01-01'), t('a', '2018-01-01', '2020-01-01')], t('a', '2020-01-01', '2022-01-01'))).toEqual([
      'max-consecutive-terms',
    ]);
    expect(rules([], t('a', '2020-01-01', '2023-01-01'))).toEqual(['term-length']);
  });

  it('frees a seat on the day its holder leaves', () => {
    expect(rules([t('b', '2018-01-01', '2020-01-01'), t('c', '2018-01-01', '2020-01-01')], t('a', '2020-01-01', null))).toEqual([]);
  });
});
