import { RankingService } from '../src/ranking/ranking.service';
import {
  createConference, createInstitute, createMember, createNomination, createSlot, createTalk,
} from './support/fixtures';
import { createTestApp, TestApp } from './support/test-app';

describe('ranking: candidates for a slot', () => {
  let t: TestApp;
  let ranking: RankingService;
  beforeAll(async () => {
    t = await createTestApp();
    ranking = t.app.get(RankingService);
  });
  afterAll(async () => { await t?.close(); });

  it('ranks the active nominees best first as of the conference start, equal scores sharing a rank', async () => {
    const db = t.dataSource;
    const nominator = await t.user('nominator');
    const institute = await createInstitute(db, { country: 'IT' });
    const conference = await createConference(db, { startDate: '2026-12-01', tier: 'major' });
    const slot = await createSlot(db, { conferenceId: conference.id });
    const major = await createConference(db, { startDate: '2022-12-01', tier: 'major' });
    const old = await createConference(db, { startDate: '2015-06-01', tier: 'major' });

    const student = await createMember(db, { instituteId: institute.id, careerStage: 'student', name: 'Ann Student' });
    // A postdoc since 2020 who was a student before: the stage at the conference start counts.
    const postdoc = await createMember(db, {
      instituteId: institute.id, careerStage: 'student', name: 'Bob Postdoc', stages: [{ from: '2020-01-01', careerStage: 'postdoc' }],
    });
    const tenuredA = await createMember(db, { instituteId: institute.id, careerStage: 'tenured', name: 'Cid Tenured' });
    const tenuredB = await createMember(db, { instituteId: institute.id, careerStage: 'tenured', name: 'Dan Tenured' });
    const withdrawn = await createMember(db, { instituteId: institute.id, careerStage: 'student', name: 'Eve Withdrawn' });

    // 1461 days = exactly 4 years of 365.25 days before the conference start.
    const plenary = await createTalk(db, { memberId: postdoc.id, conferenceId: major.id, talkType: 'plenary', date: '2022-12-01' });
    // Older than the 10-year window, and on the start day itself: neither counts.
    await createTalk(db, { memberId: tenuredA.id, conferenceId: old.id, talkType: 'plenary', date: '2015-06-01' });
    await createTalk(db, { memberId: tenuredB.id, conferenceId: conference.id, talkType: 'plenary', date: '2026-12-01' });

    for (const m of [student, postdoc, tenuredA, tenuredB]) {
      await createNomination(db, { memberId: m.id, slotId: slot.id, nominatorId: nominator.id });
    }
    await createNomination(db, { memberId: withdrawn.id, slotId: slot.id, nominatorId: nominator.id, status: 'withdrawn' });

    const candidates = await ranking.candidatesForSlot(slot.id);
    expect(candidates.map((c) => [c.name, c.rank])).toEqual([
      ['Ann Student', 1], ['Cid Tenured', 2], ['Dan Tenured', 2], ['Bob Postdoc', 4],
    ]);
    const decay = Math.pow(0.5, 4 / 3);
    const bob = candidates[3];
    expect(bob.score).toBeCloseTo(0.5 - 3 * 1.5 * decay, 12);
    expect(bob.careerStage).toBe('postdoc');
    expect(bob.region).toBe('ITALY');
    expect(bob.instituteName).toBe(institute.name);
    expect(bob.breakdown).toMatchObject({ policyVersion: 1, asOf: '2026-12-01', careerStage: 'postdoc', bonus: 0.5 });
    expect(bob.breakdown.talks).toHaveLength(1);
    expect(bob.breakdown.talks[0]).toMatchObject({
      talkId: plenary.id, conferenceId: major.id, tier: 'major', talkType: 'plenary', date: '2022-12-01',
    });
    expect(bob.breakdown.talks[0].ageYears).toBeCloseTo(4, 12);
    expect(bob.breakdown.talks[0].contribution).toBeCloseTo(4.5 * decay, 12);
    expect(candidates[1].breakdown.talks).toEqual([]);
    expect(JSON.stringify(candidates)).not.toMatch(/gender|undisclosed/);
  });

  it('runs inside the caller\'s transaction when given its manager, seeing its uncommitted writes', async () => {
    const db = t.dataSource;
    const nominator = await t.user('nominator');
    const institute = await createInstitute(db);
    const slot = await createSlot(db, { conferenceId: (await createConference(db, { startDate: '2027-01-10' })).id });
    const member = await createMember(db, { instituteId: institute.id });
    await db.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO nomination (member_id, slot_id, nominator_id, reason, career_stage, institute_id)
         VALUES ($1, $2, $3, 'inside', 'tenured', $4)`,
        [member.id, slot.id, nominator.id, institute.id],
      );
      expect((await ranking.candidatesForSlot(slot.id, { manager })).map((c) => c.memberId)).toEqual([member.id]);
      expect(await ranking.candidatesForSlot(slot.id)).toEqual([]);
    });
  });
});
