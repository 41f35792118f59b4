import { likePattern, memberWhere } from './members.sql';

describe('member filters', () => {
  it('matches the search text anywhere, with % and _ taken literally', () => {
    expect(likePattern(' Curie ')).toBe('%Curie%');
    expect(likePattern('100%_a\\b')).toBe('%100\\%\\_a\\\\b%');
  });

  it('hides members who have left unless asked, and numbers parameters after those already given', () => {
    const params: unknown[] = ['first'];
    const where = memberWhere({ region: 'CERN', q: 'ada' }, params);
    expect(where).toBe("WHERE (m.left_on IS NULL OR m.left_on > current_date) AND ir.region_code = $2 AND m.name ILIKE $3");
    expect(params).toEqual(['first', 'CERN', '%ada%']);
    expect(memberWhere({ includeLeft: true }, [])).toBe('');
  });
});
