import { bearer, createTestApp, TestApp } from './support/test-app';
import { insertMember } from './support/talks-fixtures';

describe('conferences and slots', () => {
  let t: TestApp;
  let committee: string;
  beforeAll(async () => {
    t = await createTestApp();
    committee = await t.token('committee');
  });
  afterAll(async () => {
    await t?.close();
  });

  const post = (path: string, body: object, token = committee) => t.http.post(`/api/v1${path}`).set(bearer(token)).send(body);
  const patch = (path: string, body: object, token = committee) => t.http.patch(`/api/v1${path}`).set(bearer(token)).send(body);
  const get = (path: string, token = committee) => t.http.get(`/api/v1${path}`).set(bearer(token));

  const conference = (overrides: object = {}) => ({
    name: 'Lepton Photon',
    startDate: '2025-08-04',
    endDate: '2025-08-08',
    country: 'it',
    tier: 'major',
    ...overrides,
  });

  it('creates a conference, audited, and reads it back with its slots', async () => {
    const res = await post('/conferences', conference({ url: 'https://lp2025.example.org' }));
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      name: 'Lepton Photon',
      startDate: '2025-08-04',
      endDate: '2025-08-08',
      country: 'IT',
      tier: 'major',
      url: 'https://lp2025.example.org',
      city: null,
      timeZone: null,
      respondWithinDays: null,
    });
    const slot = await post(`/conferences/${res.body.id}/slots`, { title: 'Flavour highlights', talkType: 'plenary' });
    expect(slot.status).toBe(201);
    expect(slot.body).toMatchObject({
      id: expect.any(String),
      conferenceId: res.body.id,
      title: 'Flavour highlights',
      talkType: 'plenary',
      seats: 1,
      topic: null,
      seatsTaken: 0,
    });

    const read = await get(`/conferences/${res.body.id}`, await t.token('monitor'));
    expect(read.status).toBe(200);
    expect(read.body.slots.map((s: { id: string }) => s.id)).toEqual([slot.body.id]);
    const audit = await t.dataSource.query(`SELECT action FROM audit_event WHERE entity_id IN ($1, $2) ORDER BY id`, [
      res.body.id,
      slot.body.id,
    ]);
    expect(audit.map((a: { action: string }) => a.action)).toEqual(['conference.create', 'slot.create']);
  });

  it('refuses a conference that ends before it starts with 422 naming endDate', async () => {
    const res = await post('/conferences', conference({ name: 'Backwards', startDate: '2025-05-10', endDate: '2025-05-09' }));
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'endDate' })]);
  });

  it('refuses bad enums, bad countries, impossible dates and unknown fields with 400 naming each', async () => {
    const res = await post('/conferences', {
      name: 'Bad',
      startDate: '2025-02-30',
      endDate: '2025/03/01',
      country: 'XX',
      tier: 'huge',
      colour: 'red',
    });
    expect(res.status).toBe(400);
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['startDate', 'endDate', 'country', 'tier', 'colour']));
  });

  it('answers 409 for a second conference of the same name (any case) in the same year, not in another year', async () => {
    expect((await post('/conferences', conference({ name: 'Moriond EW', startDate: '2024-03-10', endDate: '2024-03-17' }))).status).toBe(
      201,
    );
    const again = await post('/conferences', conference({ name: 'moriond ew', startDate: '2024-11-01', endDate: '2024-11-02' }));
    expect(again.status).toBe(409);
    expect(again.body.detail).toMatch(/2024/);
    expect((await post('/conferences', conference({ name: 'Moriond EW', startDate: '2025-03-09', endDate: '2025-03-16' }))).status).toBe(
      201,
    );
  });

  it('lets only the committee write, and monitors and nominators read', async () => {
    const monitor = await t.token('monitor');
    expect((await post('/conferences', conference({ name: 'Monitor conf' }), monitor)).status).toBe(403);
    expect((await get('/conferences', monitor)).status).toBe(200);
    expect((await get('/conferences', await t.token('nominator'))).status).toBe(200);
    expect((await get('/conferences', await t.token('contact'))).status).toBe(403);
  });

  it('lists newest first with tier, period and name filters, paginated', async () => {
    for (const [name, startDate, endDate, tier] of [
      ['Filter Alpha', '2019-01-10', '2019-01-12', 'minor'],
      ['Filter Beta', '2019-06-01', '2019-06-30', 'standard'],
      ['Filter Gamma', '2019-12-30', '2020-01-02', 'minor'],
    ]) {
      expect((await post('/conferences', { name, startDate, endDate, tier })).status).toBe(201);
    }
    const all = await get('/conferences?q=filter&limit=2');
    expect(all.body).toMatchObject({ total: 3, limit: 2, offset: 0 });
    expect(all.body.items.map((c: { name: string }) => c.name)).toEqual(['Filter Gamma', 'Filter Beta']);
    const minor = await get('/conferences?q=FILTER&tier=minor');
    expect(minor.body.items.map((c: { name: string }) => c.name)).toEqual(['Filter Gamma', 'Filter Alpha']);
    // Held (at least partly) in 2020: only the one spanning new year.
    const in2020 = await get('/conferences?q=filter&from=2020-01-01&to=2020-12-31');
    expect(in2020.body.items.map((c: { name: string }) => c.name)).toEqual(['Filter Gamma']);
    expect((await get('/conferences?tier=huge')).status).toBe(400);
  });

  it('patches a conference, keeping end >= start and the name unique per year', async () => {
    const created = (await post('/conferences', conference({ name: 'Patchable', startDate: '2023-05-01', endDate: '2023-05-05' }))).body;
    const moved = await patch(`/conferences/${created.id}`, { startDate: '2023-05-02', country: null, tier: 'minor' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ startDate: '2023-05-02', endDate: '2023-05-05', country: null, tier: 'minor' });
    const backwards = await patch(`/conferences/${created.id}`, { endDate: '2023-04-30' });
    expect(backwards.status).toBe(422);
    expect(backwards.body.errors[0].field).toBe('endDate');
    expect((await patch(`/conferences/${created.id}`, { name: null })).status).toBe(400);
    await post('/conferences', conference({ name: 'Taken name', startDate: '2023-09-01', endDate: '2023-09-02' }));
    expect((await patch(`/conferences/${created.id}`, { name: 'Taken Name' })).status).toBe(409);
    expect((await patch('/conferences/00000000-0000-4000-8000-000000000000', { tier: 'major' })).status).toBe(404);
    expect((await get(`/conferences/${created.id}`)).body).toMatchObject({ name: 'Patchable', endDate: '2023-05-05' });
  });

  it('validates slots: seats >= 1, talk types, date-times; 404 for an unknown conference', async () => {
    const c = (await post('/conferences', conference({ name: 'Slot rules' }))).body;
    const bad = await post(`/conferences/${c.id}/slots`, { title: 'x', talkType: 'keynote', seats: 0, startsAt: '2025-08-04' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['talkType', 'seats', 'startsAt']));
    const ok = await post(`/conferences/${c.id}/slots`, {
      title: 'Posters',
      talkType: 'poster',
      seats: 12,
      topic: 'Detectors',
      startsAt: '2025-08-05T14:00:00+02:00',
    });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ seats: 12, topic: 'Detectors', startsAt: '2025-08-05T12:00:00.000Z' });
    expect((await post('/conferences/00000000-0000-4000-8000-000000000000/slots', { title: 'x', talkType: 'poster' })).status).toBe(404);
    expect((await get('/conferences/00000000-0000-4000-8000-000000000000/slots')).status).toBe(404);
    expect((await get('/slots/not-a-uuid')).status).toBe(400);
    const listed = await get(`/conferences/${c.id}/slots`);
    expect(listed.body.map((s: { id: string }) => s.id)).toEqual([ok.body.id]);
  });

  it('refuses to cut seats below the seats taken by invited or accepted speakers (409), ignoring declined ones', async () => {
    const c = (await post('/conferences', conference({ name: 'Seat cuts' }))).body;
    const slot = (await post(`/conferences/${c.id}/slots`, { title: 'Parallel session', talkType: 'parallel', seats: 3 })).body;
    const nominator = await t.user('nominator');
    for (const [index, status] of ['invited', 'accepted', 'declined'].entries()) {
      const member = await insertMember(t.dataSource, { name: `Seat holder ${index}` });
      await t.dataSource.query(
        `WITH n AS (
           INSERT INTO nomination (member_id, slot_id, nominator_id, reason, career_stage, institute_id)
           SELECT id, $2, $3, 'good speaker', career_stage, institute_id FROM member WHERE id = $1 RETURNING id, member_id)
         INSERT INTO allocation (slot_id, member_id, nomination_id, status) SELECT $2, member_id, id, $4 FROM n`,
        [member.id, slot.id, nominator.id, status],
      );
    }
    expect((await get(`/slots/${slot.id}`)).body.seatsTaken).toBe(2);
    const tooFew = await patch(`/slots/${slot.id}`, { seats: 1 });
    expect(tooFew.status).toBe(409);
    expect(tooFew.body.seatsTaken).toBe(2);
    const exact = await patch(`/slots/${slot.id}`, { seats: 2, topic: 'Higgs', title: 'Higgs parallel' });
    expect(exact.status).toBe(200);
    expect(exact.body).toMatchObject({ seats: 2, seatsTaken: 2, topic: 'Higgs', title: 'Higgs parallel' });
    const cleared = await patch(`/slots/${slot.id}`, { topic: null });
    expect(cleared.body).toMatchObject({ topic: null, title: 'Higgs parallel', seats: 2 });
    expect((await patch(`/slots/${slot.id}`, { seats: 0 })).status).toBe(400);
    expect((await patch(`/slots/${slot.id}`, { seats: 5 }, await t.token('monitor'))).status).toBe(403);
  });
});

describe('conference venue, time zone and timed slots', () => {
  let t: TestApp;
  let committee: string;
  beforeAll(async () => {
    t = await createTestApp();
    committee = await t.token('committee');
  });
  afterAll(async () => {
    await t?.close();
  });

  it("keeps the venue city and time zone, and reads a slot's wall-clock start in that zone", async () => {
    const created = await t.http.post('/api/v1/conferences').set(bearer(committee)).send({
      name: 'ICHEP',
      startDate: '2028-07-05',
      endDate: '2028-07-12',
      country: 'JP',
      tier: 'major',
      city: 'Sendai',
      timeZone: 'Asia/Tokyo',
      respondWithinDays: 10,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ city: 'Sendai', timeZone: 'Asia/Tokyo', respondWithinDays: 10 });
    const slot = await t.http
      .post(`/api/v1/conferences/${created.body.id}/slots`)
      .set(bearer(committee))
      .send({ title: 'Neutrinos', talkType: 'plenary', startsAt: '2028-07-06T09:00', durationMinutes: 40, room: 'Hall A' });
    expect(slot.status).toBe(201);
    expect(slot.body).toMatchObject({ startsAt: '2028-07-06T00:00:00.000Z', durationMinutes: 40, room: 'Hall A', respondWithinDays: null });
    // With an offset the instant is taken as given.
    const moved = await t.http
      .patch(`/api/v1/slots/${slot.body.id}`)
      .set(bearer(committee))
      .send({ startsAt: '2028-07-06T10:00:00+09:00', room: null });
    expect(moved.body).toMatchObject({ startsAt: '2028-07-06T01:00:00.000Z', room: null, durationMinutes: 40 });
    const programme = await t.http.get(`/api/v1/conferences/${created.body.id}/programme`).set(bearer(committee));
    expect(programme.body.slots[0]).toMatchObject({
      startsLocal: 'Thursday, 6 July 2028, 10:00 (Asia/Tokyo)',
      endsAt: '2028-07-06T01:40:00.000Z',
      durationMinutes: 40,
    });
    expect(programme.body.conference).toMatchObject({ city: 'Sendai', timeZone: 'Asia/Tokyo' });
  });

  it('refuses an unknown time zone, a zero-length talk and a deadline beyond 90 days with 400 naming each', async () => {
    const res = await t.http.post('/api/v1/conferences').set(bearer(committee)).send({
      name: 'Bad zone',
      startDate: '2028-01-05',
      endDate: '2028-01-06',
      tier: 'minor',
      timeZone: 'Europe/Atlantis',
      respondWithinDays: 91,
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['respondWithinDays', 'timeZone']);
    const ok = await t.http
      .post('/api/v1/conferences')
      .set(bearer(committee))
      .send({ name: 'Fine', startDate: '2028-01-05', endDate: '2028-01-06', tier: 'minor' });
    const slot = await t.http
      .post(`/api/v1/conferences/${ok.body.id}/slots`)
      .set(bearer(committee))
      .send({ title: 'Zero', talkType: 'poster', durationMinutes: 0 });
    expect(slot.status).toBe(400);
    expect(slot.body.errors).toEqual([expect.objectContaining({ field: 'durationMinutes' })]);
    const audit = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_event WHERE action = 'slot.create' AND after->>'title' = 'Zero'`,
    );
    expect(audit[0].n).toBe(0);
  });
});
