import { StatementParts } from '../database/sql';
import { likePattern, memberWhere } from './members.sql';

describe('member filters', () => {
  it('matches the search text anywhere, with % and _ taken literally', () => {
    expect(likePattern(' Curie ')).toBe('%Curie%');
    expect(likePattern('100%_a\\b')).toBe('%100\\%\\_a\\\\b%');
  });

  it('hides members who have left unless asked, and numbers parameters after those already given', () => {
    const p = new StatementParts();
    p.add('first', 'text');
    const where = memberWhere({ region: 'CERN', q: 'ada' }, p);
    expect(where).toBe('WHERE (m.left_on IS NULL OR m.left_on > current_date) AND ir.region_code = $2::text AND m.name ILIKE $3::text');
    expect(p.values).toEqual(['first', 'CERN', '%ada%']);
    expect(memberWhere({ includeLeft: true }, new StatementParts())).toBe('');
  });
});
