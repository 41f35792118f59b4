import { balanceCountQuery, equityCountQuery } from '../reports/balance.sql';
import { tablesNamed, tablesRead } from './change-feed';

describe('the tables a statement names and reads', () => {
  it('finds table names as words, quoted or not, and not inside longer names', () => {
    expect(tablesNamed('INSERT INTO "member"("name") VALUES ($1)')).toEqual(['member']);
    expect(tablesNamed('UPDATE member_career_stage SET career_stage = $1')).toEqual(['member_career_stage']);
    expect(tablesNamed('SELECT 1 FROM audit_event')).toEqual([]);
  });

  it('reads the tables behind a view', () => {
    expect(tablesRead('SELECT region_code FROM institute_region WHERE institute_id = $1')).toEqual(['institute', 'region_country']);
  });

  it('lets a talk report depend on talks, members and regions, not on nominations or slots', () => {
    const talksByRegion = balanceCountQuery('talks', 'region', null, { to: '2026-11-30' });
    expect(tablesRead(talksByRegion.text)).toEqual(['institute', 'region', 'region_country', 'talk']);
    const talksByGender = balanceCountQuery('talks', 'gender', null, { to: '2026-11-30', tier: 'major' });
    expect(tablesRead(talksByGender.text)).toEqual(['conference', 'member', 'talk']);
    const allocations = balanceCountQuery('allocations', 'careerStage', null, { to: '2026-11-30', conferenceId: 'x' });
    expect(tablesRead(allocations.text)).toEqual(['allocation', 'nomination', 'slot']);
    expect(tablesRead(equityCountQuery({ to: '2026-11-30' }).text)).toEqual(['allocation', 'member', 'nomination']);
  });
});
