import { balanceCountQuery, equityCountQuery } from '../reports/balance.sql';

describe('the tables a report declares it reads', () => {
  it('lets a talk report depend on talks, members and regions, not on nominations or slots', () => {
    const talksByRegion = balanceCountQuery('talks', 'region', null, { to: '2026-11-30' });
    // Whole quarters from the tally, the days of December not yet come taken away from the talks.
    expect(talksByRegion.tables).toEqual(['institute', 'region', 'region_country', 'talk', 'talk_tally']);
    const talksByGender = balanceCountQuery('talks', 'gender', null, { to: '2026-11-30', tier: 'major' });
    expect(talksByGender.tables).toEqual(['conference', 'member', 'talk', 'talk_tally']);
    const wholeQuarters = balanceCountQuery('talks', 'gender', null, { to: '2026-09-30' });
    expect(wholeQuarters.tables).toEqual(['talk_tally']);
    const allocations = balanceCountQuery('allocations', 'careerStage', null, { to: '2026-11-30', conferenceId: 'x' });
    expect(allocations.tables).toEqual(['allocation', 'nomination', 'slot']);
    expect(equityCountQuery({ to: '2026-11-30' }).tables).toEqual(['allocation', 'member', 'nomination']);
  });
});
