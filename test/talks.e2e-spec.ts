import { parse } from 'csv-parse/sync';
import { insertTalkFromAllocation } from '../src/talks/talk-records';
import { bearer, createTestApp, TestApp } from './support/test-app';
import { insertMember, moveInstitute, promote } from './support/talks-fixtures';

describe('talks: the history ranks are built from', () => {
  let t: TestApp;
  let committee: string;
  let ichep: { id: string };
  let moriond: { id: string };
  beforeAll(async () => {
    t = await createTestApp();
    committee = await t.token('committee');
    ichep = (await post('/conferences', { name: 'ICHEP', startDate: '2020-07-28', endDate: '2020-08-06', tier: 'major' })).body;
    moriond = (await post('/conferences', { name: 'Moriond QCD', startDate: '2023-03-25', endDate: '2023-04-01', tier: 'standard' })).body;
  });
  afterAll(async () => {
    await t?.close();
  });

  function post(path: string, body: object, token = committee) {
    return t.http.post(`/api/v1${path}`).set(bearer(token)).send(body);
  }
  const get = (path: string, token = committee) => t.http.get(`/api/v1${path}`).set(bearer(token));

  it('records a talk dated at the conference start by default, with the speaker named, audited', async () => {
    const member = await insertMember(t.dataSource, { name: 'Ada Student', careerStage: 'student' });
    const res = await post('/talks', { memberId: member.id, conferenceId: ichep.id, talkType: 'parallel', title: 'Dark photons' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: expect.any(String),
      memberId: member.id,
      memberName: 'Ada Student',
      conferenceId: ichep.id,
      conference: 'ICHEP',
      tier: 'major',
      talkType: 'parallel',
      date: '2020-07-28',
      title: 'Dark photons',
      careerStage: 'student',
      instituteId: member.instituteId,
      institute: 'CERN',
      allocationId: null,
    });
    expect(res.body).not.toHaveProperty('gender');
    const [event] = await t.dataSource.query(`SELECT action, after FROM audit_event WHERE entity_id = $1`, [res.body.id]);
    expect(event).toMatchObject({ action: 'talk.create', after: expect.objectContaining({ careerStage: 'student' }) });
  });

  it('refuses bad enums and dates with 400, unknown members and conferences with 422 naming the field', async () => {
    const member = await insertMember(t.dataSource);
    const badEnum = await post('/talks', { memberId: member.id, conferenceId: ichep.id, talkType: 'keynote', date: '2020-13-01' });
    expect(badEnum.status).toBe(400);
    expect(badEnum.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['talkType', 'date']));
    const unknownMember = await post('/talks', {
      memberId: '00000000-0000-4000-8000-000000000000',
      conferenceId: ichep.id,
      talkType: 'poster',
    });
    expect(unknownMember.status).toBe(422);
    expect(unknownMember.body.errors).toEqual([expect.objectContaining({ field: 'memberId' })]);
    const unknownConference = await post('/talks', {
      memberId: member.id,
      conferenceId: '00000000-0000-4000-8000-000000000000',
      talkType: 'poster',
    });
    expect(unknownConference.status).toBe(422);
    expect(unknownConference.body.errors).toEqual([expect.objectContaining({ field: 'conferenceId' })]);
    const [{ count }] = await t.dataSource.query(`SELECT count(*) FROM talk WHERE member_id = $1`, [member.id]);
    expect(count).toBe(0);
  });

  it('keeps the career stage and institute a speaker had on the talk date after a promotion and a move', async () => {
    const member = await insertMember(t.dataSource, { name: 'Bo Rising', careerStage: 'student', since: '2015-09-01' });
    const before = await post('/talks', { memberId: member.id, conferenceId: ichep.id, talkType: 'plenary', date: '2020-07-30' });
    expect(before.body.careerStage).toBe('student');

    await promote(t.dataSource, member.id, 'postdoc', '2021-10-01');
    const desy = await moveInstitute(t.dataSource, member.id, 'DESY', '2021-10-01');

    const kept = await get(`/talks/${before.body.id}`);
    expect(kept.body).toMatchObject({ careerStage: 'student', institute: 'CERN' });
    const after = await post('/talks', { memberId: member.id, conferenceId: moriond.id, talkType: 'summary' });
    expect(after.body).toMatchObject({ date: '2023-03-25', careerStage: 'postdoc', instituteId: desy, institute: 'DESY' });
    // Recorded late, dated before the promotion: the stage of its date, not today's.
    const late = await post('/talks', { memberId: member.id, conferenceId: ichep.id, talkType: 'poster', date: '2020-08-01' });
    expect(late.body).toMatchObject({ careerStage: 'student', institute: 'CERN' });
    // Dated before the first history entry: the first entry applies, as member_career_stage_at says.
    const early = await post('/talks', { memberId: member.id, conferenceId: ichep.id, talkType: 'poster', date: '2014-01-01' });
    expect(early.body.careerStage).toBe('student');
  });

  it('lists talks most recent first with filters, for a member and for a conference', async () => {
    const member = await insertMember(t.dataSource, { name: 'Cy Lister' });
    for (const [conferenceId, talkType, date] of [
      [ichep.id, 'plenary', '2020-07-29'],
      [ichep.id, 'poster', '2020-07-31'],
      [moriond.id, 'plenary', '2023-03-27'],
    ]) {
      expect((await post('/talks', { memberId: member.id, conferenceId, talkType, date })).status).toBe(201);
    }
    const mine = await get(`/members/${member.id}/talks`);
    expect(mine.status).toBe(200);
    expect(mine.body.total).toBe(3);
    expect(mine.body.items.map((x: { date: string }) => x.date)).toEqual(['2023-03-27', '2020-07-31', '2020-07-29']);
    const plenaries = await get(`/talks?memberId=${member.id}&talkType=plenary&limit=1`);
    expect(plenaries.body).toMatchObject({ total: 2, limit: 1, offset: 0 });
    expect(plenaries.body.items[0].date).toBe('2023-03-27');
    const standardTier = await get(`/talks?memberId=${member.id}&tier=standard`);
    expect(standardTier.body.items.map((x: { conferenceId: string }) => x.conferenceId)).toEqual([moriond.id]);
    const in2020 = await get(`/members/${member.id}/talks?from=2020-01-01&to=2020-07-30`);
    expect(in2020.body.items.map((x: { date: string }) => x.date)).toEqual(['2020-07-29']);
    const atMoriond = await get(`/conferences/${moriond.id}/talks?talkType=plenary`);
    expect(atMoriond.body.items.map((x: { memberId: string }) => x.memberId)).toContain(member.id);
    expect(atMoriond.body.items.every((x: { conferenceId: string }) => x.conferenceId === moriond.id)).toBe(true);

    expect((await get('/members/00000000-0000-4000-8000-000000000000/talks')).status).toBe(404);
    expect((await get('/conferences/00000000-0000-4000-8000-000000000000/talks')).status).toBe(404);
    expect((await get('/talks?talkType=keynote')).status).toBe(400);
    expect((await get(`/members/${member.id}/talks?memberId=${member.id}`)).status).toBe(400);
  });

  it('lets the committee and admins at the history, nobody else', async () => {
    expect((await get('/talks', t.admin)).status).toBe(200);
    expect((await get('/talks', await t.token('monitor'))).status).toBe(403);
    expect((await get('/talks/export', await t.token('nominator'))).status).toBe(403);
    const member = await insertMember(t.dataSource);
    expect(
      (await post('/talks', { memberId: member.id, conferenceId: ichep.id, talkType: 'poster' }, await t.token('monitor'))).status,
    ).toBe(403);
  });

  it('exports the talks as CSV that spreadsheets open safely, with the list filters', async () => {
    const member = await insertMember(t.dataSource, { name: '=HYPERLINK("x")', externalId: 'EXP-1' });
    await post('/talks', { memberId: member.id, conferenceId: ichep.id, talkType: 'seminar', title: 'Jets, "boosted"' });
    const res = await get(`/talks/export?memberId=${member.id}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/attachment/);
    const rows = parse(res.text, { columns: true });
    expect(rows).toEqual([
      {
        memberExternalId: 'EXP-1',
        memberName: '\'=HYPERLINK("x")',
        conference: 'ICHEP',
        year: '2020',
        tier: 'major',
        talkType: 'seminar',
        date: '2020-07-28',
        title: 'Jets, "boosted"',
        careerStage: 'student',
        institute: 'CERN',
      },
    ]);
    const all = parse((await get('/talks/export')).text, { columns: true }) as { date: string }[];
    expect(all.length).toBeGreaterThan(5);
    expect(all.map((r) => r.date)).toEqual([...all.map((r) => r.date)].sort());
    expect((await get('/talks/export?limit=5')).status).toBe(400);
  });

  it('turns an accepted allocation into a talk once, on the slot day, and never a declined one', async () => {
    const nominator = await t.user('nominator');
    const slot = (
      await post(`/conferences/${moriond.id}/slots`, {
        title: 'QCD summary',
        talkType: 'summary',
        seats: 2,
        startsAt: '2023-03-31T23:30:00-02:00',
      })
    ).body;
    const allocate = async (status: string, careerStage: 'postdoc' | 'tenured') => {
      const member = await insertMember(t.dataSource, { careerStage });
      const [{ id }] = await t.dataSource.query(
        `WITH n AS (
           INSERT INTO nomination (member_id, slot_id, nominator_id, reason, career_stage, institute_id)
           SELECT id, $2, $3, 'expert', career_stage, institute_id FROM member WHERE id = $1 RETURNING id, member_id)
         INSERT INTO allocation (slot_id, member_id, nomination_id, status) SELECT $2, member_id, id, $4 FROM n RETURNING id`,
        [member.id, slot.id, nominator.id, status],
      );
      return { allocationId: id as string, member };
    };
    const accepted = await allocate('accepted', 'postdoc');
    const talk = await t.dataSource.transaction((manager) => insertTalkFromAllocation(manager, accepted.allocationId));
    expect(talk).toMatchObject({
      memberId: accepted.member.id,
      conferenceId: moriond.id,
      talkType: 'summary',
      title: 'QCD summary',
      date: '2023-04-01',
      careerStage: 'postdoc',
      allocationId: accepted.allocationId,
    });
    expect(await t.dataSource.transaction((manager) => insertTalkFromAllocation(manager, accepted.allocationId))).toBeNull();
    const declined = await allocate('declined', 'tenured');
    expect(await t.dataSource.transaction((manager) => insertTalkFromAllocation(manager, declined.allocationId))).toBeNull();
    const [{ count }] = await t.dataSource.query(`SELECT count(*) FROM talk WHERE allocation_id IN ($1, $2)`, [
      accepted.allocationId,
      declined.allocationId,
    ]);
    expect(count).toBe(1);
  });
});
