import { bearer, createTestApp, TestApp } from './support/test-app';

const DEFAULTS = {
  typeWeight: { plenary: 3, summary: 3, parallel: 1, seminar: 0.5, poster: 0.25 },
  tierWeight: { major: 1.5, standard: 1, minor: 0.5 },
  halfLifeYears: 3,
  windowYears: 10,
  careerBonus: { student: 1, postdoc: 0.5, nontenured: 0, tenured: 0, engineer: 0, other: 0 },
};

describe('ranking: the versioned rank policy', () => {
  let t: TestApp;
  let committee: string;
  beforeAll(async () => {
    t = await createTestApp();
    committee = await t.token('committee');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('serves version 1 with the documented defaults to the committee, admins and monitors', async () => {
    for (const token of [committee, t.admin, await t.token('monitor')]) {
      const res = await t.http.get('/api/v1/rank-policy').set(bearer(token));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ version: 1, weights: DEFAULTS });
    }
    expect((await t.http.get('/api/v1/rank-policy').set(bearer(await t.token('nominator')))).status).toBe(403);
  });

  it('creates version n+1 on PUT, keeps the old versions readable and audits the change', async () => {
    const changed = { ...DEFAULTS, halfLifeYears: 5, typeWeight: { ...DEFAULTS.typeWeight, poster: 0 }, note: 'posters are free' };
    const put = await t.http.put('/api/v1/rank-policy').set(bearer(t.admin)).send(changed);
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({ version: 2, note: 'posters are free', weights: { halfLifeYears: 5 } });
    expect(put.body.weights.typeWeight.poster).toBe(0);
    expect(put.body.weights).not.toHaveProperty('note');

    expect((await t.http.get('/api/v1/rank-policy').set(bearer(committee))).body.version).toBe(2);
    const v1 = await t.http.get('/api/v1/rank-policy/1').set(bearer(committee));
    expect(v1.status).toBe(200);
    expect(v1.body.weights).toEqual(DEFAULTS);
    const versions = await t.http.get('/api/v1/rank-policy/versions').set(bearer(committee));
    expect(versions.body.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect((await t.http.get('/api/v1/rank-policy/99').set(bearer(committee))).status).toBe(404);

    const audit = await t.dataSource.query(`SELECT action, after FROM audit_event WHERE entity = 'rank_policy' AND entity_id = '2'`);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'rank-policy.create', after: { version: 2 } });
  });

  it('lets only admins write a policy', async () => {
    expect((await t.http.put('/api/v1/rank-policy').set(bearer(committee)).send(DEFAULTS)).status).toBe(403);
  });

  it.each([
    ['a negative weight', { typeWeight: { ...DEFAULTS.typeWeight, poster: -1 } }, 'typeWeight.poster'],
    ['a missing key', { tierWeight: { major: 1.5, standard: 1 } }, 'tierWeight.minor'],
    ['an unknown key', { careerBonus: { ...DEFAULTS.careerBonus, emeritus: 1 } }, 'careerBonus.emeritus'],
    ['a string for a number', { typeWeight: { ...DEFAULTS.typeWeight, plenary: '3' } }, 'typeWeight.plenary'],
    ['a zero half-life', { halfLifeYears: 0 }, 'halfLifeYears'],
    ['a negative window', { windowYears: -2 }, 'windowYears'],
    ['a missing section', { careerBonus: undefined }, 'careerBonus'],
    ['an unknown section', { speakerBonus: {} }, 'speakerBonus'],
  ])('answers 400 naming the field for %s, and writes nothing', async (_what, change, field) => {
    const before = await t.dataSource.query(`SELECT count(*)::int AS n FROM rank_policy`);
    const res = await t.http
      .put('/api/v1/rank-policy')
      .set(bearer(t.admin))
      .send({ ...DEFAULTS, ...change });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    const after = await t.dataSource.query(`SELECT count(*)::int AS n FROM rank_policy`);
    expect(after[0].n).toBe(before[0].n);
  });
});
