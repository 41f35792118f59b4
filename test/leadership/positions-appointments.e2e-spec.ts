// Positions and appointments: CRUD and validation, the history of who held what, the term rules with
// their overrides, the import of the historical record, and who sees an individual's gender.
import { createInstitute, createMember, MemberFixture } from '../support/fixtures';
import { bearer, createTestApp, TestApp } from '../support/test-app';

const POSITION = {
  title: 'Higgs physics group convener',
  level: 'L2',
  area: 'physics',
  kind: 'convener',
  mandate: 'Leads the Higgs analyses',
  requirements: 'Analysis experience',
  termYears: 2,
  maxTerms: 2,
  seats: 2,
  allocatesResources: false,
};

describe('leadership positions and appointments', () => {
  let t: TestApp;
  let committee: string;
  let monitor: string;
  let alice: MemberFixture;
  let bob: MemberFixture;
  let carol: MemberFixture;
  let dave: MemberFixture;
  const count = async (table: string) => Number((await t.dataSource.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n);
  const audits = async (action: string) =>
    Number((await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_event WHERE action = $1`, [action]))[0].n);

  beforeAll(async () => {
    t = await createTestApp();
    committee = await t.token('committee');
    monitor = await t.token('monitor');
    const cern = await createInstitute(t.dataSource, { country: 'CH', regionOverride: 'CERN' });
    const desy = await createInstitute(t.dataSource, { country: 'DE' });
    alice = await createMember(t.dataSource, {
      instituteId: cern.id,
      careerStage: 'postdoc',
      gender: 'woman',
      joinedOn: '2005-01-01',
      stages: [{ from: '2015-01-01', careerStage: 'tenured' }],
      affiliations: [{ from: '2016-01-01', instituteId: desy.id }],
    });
    bob = await createMember(t.dataSource, { instituteId: desy.id, gender: 'man', joinedOn: '2005-01-01' });
    carol = await createMember(t.dataSource, { instituteId: desy.id, gender: 'woman', joinedOn: '2005-01-01' });
    dave = await createMember(t.dataSource, { instituteId: cern.id, gender: 'man', joinedOn: '2005-01-01' });
    await t.dataSource.query(`UPDATE member SET external_id = 'ext-' || name WHERE id = ANY ($1)`, [[alice.id, bob.id, carol.id, dave.id]]);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('creates, reads, lists, changes and deletes positions, each write audited', async () => {
    const created = await t.http.post('/api/v1/leadership/positions').set(bearer(committee)).send(POSITION);
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(`/api/v1/leadership/positions/${created.body.id}`);
    expect(created.body).toMatchObject({ ...POSITION, holdersToday: 0, version: 1 });
    const read = await t.http.get(`/api/v1/leadership/positions/${created.body.id}`).set(bearer(monitor));
    expect(read.status).toBe(200);
    expect(read.headers.etag).toBe('"1"');
    const list = await t.http.get('/api/v1/leadership/positions?level=L2').set(bearer(monitor));
    expect(list.body).toMatchObject({ total: 1, items: [{ title: POSITION.title }] });
    const stale = await t.http
      .patch(`/api/v1/leadership/positions/${created.body.id}`)
      .set(bearer(committee))
      .set('If-Match', '"7"')
      .send({ seats: 3 });
    expect(stale.status).toBe(412);
    const changed = await t.http
      .patch(`/api/v1/leadership/positions/${created.body.id}`)
      .set(bearer(committee))
      .set('If-Match', '"1"')
      .send({ seats: 3 });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ seats: 3, version: 2 });
    const duplicate = await t.http
      .post('/api/v1/leadership/positions')
      .set(bearer(t.admin))
      .send({ ...POSITION, title: POSITION.title.toUpperCase() });
    expect(duplicate.status).toBe(409);
    const removed = await t.http.delete(`/api/v1/leadership/positions/${created.body.id}`).set(bearer(committee));
    expect(removed.status).toBe(204);
    expect(await audits('leadership-position.create')).toBe(1);
    expect(await audits('leadership-position.update')).toBe(1);
    expect(await audits('leadership-position.delete')).toBe(1);
    expect((await t.http.post('/api/v1/leadership/positions').set(bearer(monitor)).send(POSITION)).status).toBe(403);
  });

  it('refuses malformed positions with 400 and writes nothing', async () => {
    const before = await count('leadership_position');
    for (const bad of [
      { ...POSITION, level: 'top' },
      { ...POSITION, area: 'cooking' },
      { ...POSITION, kind: 'king' },
      { ...POSITION, termYears: 0 },
      { ...POSITION, seats: '2' },
      { ...POSITION, title: '' },
      { ...POSITION, colour: 'red' },
      { ...POSITION, mandate: null },
    ]) {
      const res = await t.http.post('/api/v1/leadership/positions').set(bearer(committee)).send(bad);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.errors.length).toBeGreaterThan(0);
    }
    expect(await count('leadership_position')).toBe(before);
  });

  describe('appointments', () => {
    let position: string;
    beforeAll(async () => {
      const res = await t.http
        .post('/api/v1/leadership/positions')
        .set(bearer(committee))
        .send({ ...POSITION, title: 'Top quark group convener', seats: 1 });
      position = res.body.id;
    });

    it('records the holder as they were on the first day, keeps the history and ends a term once', async () => {
      const first = await t.http
        .post('/api/v1/leadership/appointments')
        .set(bearer(committee))
        .send({ positionId: position, memberId: alice.id, startsOn: '2012-09-01', endsOn: '2014-09-01' });
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ careerStage: 'postdoc', region: 'CERN', termEndsOn: '2014-09-01', source: 'direct' });
      expect(first.body).not.toHaveProperty('gender');
      const second = await t.http
        .post('/api/v1/leadership/appointments')
        .set(bearer(committee))
        .send({ positionId: position, memberId: alice.id, startsOn: '2016-03-01' });
      expect(second.status).toBe(201);
      expect(second.body).toMatchObject({ careerStage: 'tenured', region: 'GERMANY', endsOn: null });
      const ended = await t.http
        .post(`/api/v1/leadership/appointments/${second.body.id}/end`)
        .set(bearer(committee))
        .send({ endsOn: '2018-03-01', reason: 'end of term' });
      expect(ended.status).toBe(200);
      expect(ended.body).toMatchObject({ endsOn: '2018-03-01', endReason: 'end of term', version: 2 });
      const again = await t.http
        .post(`/api/v1/leadership/appointments/${second.body.id}/end`)
        .set(bearer(committee))
        .send({ endsOn: '2019-01-01' });
      expect(again.status).toBe(409);
      const history = await t.http.get(`/api/v1/leadership/appointments?positionId=${position}`).set(bearer(monitor));
      expect(history.body.items.map((a: { startsOn: string; endsOn: string }) => [a.startsOn, a.endsOn])).toEqual([
        ['2016-03-01', '2018-03-01'],
        ['2012-09-01', '2014-09-01'],
      ]);
      const on = await t.http.get(`/api/v1/leadership/appointments?positionId=${position}&on=2013-01-01`).set(bearer(monitor));
      expect(on.body.total).toBe(1);
      expect(await audits('leadership-appointment.end')).toBe(1);
      // A later change of the term leaves the terms already made as they were.
      await t.http.patch(`/api/v1/leadership/positions/${position}`).set(bearer(committee)).send({ termYears: 4 });
      expect((await t.http.get(`/api/v1/leadership/appointments/${first.body.id}`).set(bearer(monitor))).body.termEndsOn).toBe(
        '2014-09-01',
      );
      await t.http.patch(`/api/v1/leadership/positions/${position}`).set(bearer(committee)).send({ termYears: 2 });
    });

    it('answers 422 naming the term rule, and appoints with an override whose reason is recorded', async () => {
      const before = await count('leadership_appointment');
      // Alice served 2012-14 and 2016-18, less than a term apart, so a third term in a row.
      const third = { positionId: position, memberId: alice.id, startsOn: '2018-03-01', endsOn: '2020-03-01' };
      const refused = await t.http.post('/api/v1/leadership/appointments').set(bearer(committee)).send(third);
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({ rule: 'max-consecutive-terms', errors: [{ field: 'startsOn' }] });
      expect(refused.body.detail).toMatch(/at most 2 consecutive terms/);
      const seats = await t.http
        .post('/api/v1/leadership/appointments')
        .set(bearer(committee))
        .send({ positionId: position, memberId: bob.id, startsOn: '2013-01-01', endsOn: '2015-01-01' });
      expect(seats.status).toBe(422);
      expect(seats.body.rule).toBe('seats-full');
      const tooLong = await t.http
        .post('/api/v1/leadership/appointments')
        .set(bearer(committee))
        .send({ positionId: position, memberId: bob.id, startsOn: '2020-09-01', endsOn: '2030-09-01' });
      expect(tooLong.body.rule).toBe('term-length');
      expect(await count('leadership_appointment')).toBe(before);
      const overridden = await t.http
        .post('/api/v1/leadership/appointments')
        .set(bearer(committee))
        .send({ ...third, override: { reason: 'No other candidate during the upgrade' } });
      expect(overridden.status).toBe(201);
      expect(overridden.body).toMatchObject({
        overriddenRules: ['max-consecutive-terms'],
        overrideReason: 'No other candidate during the upgrade',
      });
      const [entry] = await t.dataSource.query(`SELECT after FROM audit_event WHERE entity_id = $1`, [overridden.body.id]);
      expect(entry.after).toMatchObject({
        overriddenRules: ['max-consecutive-terms'],
        overrideReason: 'No other candidate during the upgrade',
      });
      // Holding the position twice at once is never overridden.
      const twice = await t.http
        .post('/api/v1/leadership/appointments')
        .set(bearer(committee))
        .send({ positionId: position, memberId: alice.id, startsOn: '2019-01-01', override: { reason: 'please' } });
      expect(twice.status).toBe(422);
      expect(twice.body.rule).toBe('already-holding');
    });

    it('gives the last seat to one of two appointments made at the same moment', async () => {
      const single = (
        await t.http
          .post('/api/v1/leadership/positions')
          .set(bearer(committee))
          .send({ ...POSITION, title: 'Run coordinator', area: 'operations', kind: 'coordinator', seats: 1 })
      ).body.id;
      const answers = await Promise.all(
        [carol, dave].map((m) =>
          t.http
            .post('/api/v1/leadership/appointments')
            .set(bearer(committee))
            .send({ positionId: single, memberId: m.id, startsOn: '2024-01-01' }),
        ),
      );
      expect(answers.map((a) => a.status).sort()).toEqual([201, 422]);
      expect(answers.find((a) => a.status === 422)!.body.rule).toBe('seats-full');
    });

    it('refuses bad appointments with 400 or 422 and writes nothing', async () => {
      const before = await count('leadership_appointment');
      const audited = await count('audit_event');
      const post = (body: object) => t.http.post('/api/v1/leadership/appointments').set(bearer(committee)).send(body);
      expect((await post({ positionId: position, memberId: bob.id, startsOn: '2021-02-30' })).status).toBe(400);
      expect((await post({ positionId: 'x', memberId: bob.id, startsOn: '2021-01-01' })).status).toBe(400);
      expect((await post({ positionId: position, memberId: bob.id, startsOn: '2021-01-01', endsOn: '2020-01-01' })).status).toBe(400);
      expect((await post({ positionId: position, memberId: bob.id, startsOn: '2021-01-01', override: { reason: '' } })).status).toBe(400);
      const unknown = await post({ positionId: position, memberId: '00000000-0000-4000-8000-000000000000', startsOn: '2021-01-01' });
      expect(unknown.status).toBe(422);
      const early = await post({ positionId: position, memberId: bob.id, startsOn: '2001-01-01', endsOn: '2002-01-01' });
      expect(early.status).toBe(422);
      expect(early.body.rule).toBe('not-a-member');
      expect((await t.http.post('/api/v1/leadership/appointments').set(bearer(monitor)).send({})).status).toBe(403);
      expect(await count('leadership_appointment')).toBe(before);
      expect(await count('audit_event')).toBe(audited);
    });

    it('imports the historical record from CSV or JSON, all or nothing', async () => {
      await t.http
        .post('/api/v1/leadership/positions')
        .set(bearer(committee))
        .send({ ...POSITION, title: 'Tracker project manager', area: 'detector', kind: 'manager', seats: 1, termYears: 3 });
      const before = await count('leadership_appointment');
      const bad = await t.http
        .post('/api/v1/leadership/appointments/import')
        .set(bearer(committee))
        .set('Content-Type', 'text/csv')
        .send(
          [
            'position,externalId,startsOn,endsOn',
            `Tracker project manager,ext-${bob.name},2008-01-01,2011-01-01`,
            `Tracker project manager,ext-${carol.name},2010-01-01,2013-01-01`,
            `No such position,ext-${carol.name},2010-01-01,`,
            `Tracker project manager,nobody,2015-13-01,`,
          ].join('\n'),
        );
      expect(bad.status).toBe(422);
      expect(bad.body.errors).toEqual([
        { row: 2, field: 'startsOn', message: expect.stringMatching(/seat/) },
        { row: 3, field: 'position', message: expect.stringMatching(/No such position/) },
        { row: 4, field: 'startsOn', message: 'must be a date YYYY-MM-DD' },
      ]);
      expect(await count('leadership_appointment')).toBe(before);
      const good = await t.http
        .post('/api/v1/leadership/appointments/import')
        .set(bearer(t.admin))
        .send([
          { position: 'tracker project manager', externalId: `ext-${bob.name}`, startsOn: '2008-01-01', endsOn: '2011-01-01' },
          { position: 'Tracker project manager', memberId: carol.id, startsOn: '2011-01-01', endsOn: '2014-01-01' },
          {
            position: 'Tracker project manager',
            memberId: dave.id,
            startsOn: '2014-01-01',
            endsOn: '2018-01-01',
            overrideReason: 'extended for the upgrade',
          },
        ]);
      expect(good.status).toBe(200);
      expect(good.body).toEqual({ created: 3, overridden: 1 });
      expect(await audits('leadership-appointment.import')).toBe(3);
    });

    it("shows an individual's gender to admins only", async () => {
      const forAdmin = await t.http.get(`/api/v1/leadership/appointments?memberId=${alice.id}`).set(bearer(t.admin));
      expect(forAdmin.body.items[0].gender).toBe('woman');
      for (const token of [committee, monitor, await t.token('nominator')]) {
        const res = await t.http.get(`/api/v1/leadership/appointments?memberId=${alice.id}`).set(bearer(token));
        expect(res.status).toBe(200);
        expect(JSON.stringify(res.body)).not.toMatch(/gender|woman/);
        const one = await t.http.get(`/api/v1/leadership/appointments/${res.body.items[0].id}`).set(bearer(token));
        expect(one.body).not.toHaveProperty('gender');
      }
    });
  });
});
