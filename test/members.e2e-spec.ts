import { bearer, createTestApp, TestApp } from './support/test-app';

describe('members: create, read, change, history, privacy', () => {
  let t: TestApp;
  let committee: string;
  let nominator: string;
  let cernId: string;
  let ethId: string;
  let today: string;
  const api = '/api/v1';

  beforeAll(async () => {
    t = await createTestApp();
    committee = await t.token('committee');
    nominator = await t.token('nominator');
    [{ id: cernId }] = await t.dataSource.query(`SELECT id FROM institute WHERE name = 'CERN'`);
    ethId = (await t.http.post(`${api}/institutes`).set(bearer(t.admin)).send({ name: 'ETH Zurich', country: 'CH' })).body.id;
    [{ today }] = await t.dataSource.query(`SELECT current_date::text AS today`);
  });
  afterAll(async () => {
    await t?.close();
  });

  const create = (body: object) => t.http.post(`${api}/members`).set(bearer(t.admin)).send(body);

  it('creates a member with region from the institute and the first history entries', async () => {
    const res = await create({
      name: 'Marie Curie',
      email: 'marie@example.org',
      externalId: 'M-1',
      instituteId: cernId,
      careerStage: 'postdoc',
      gender: 'woman',
      joinedOn: '2020-03-01',
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      externalId: 'M-1',
      name: 'Marie Curie',
      email: 'marie@example.org',
      instituteId: cernId,
      institute: { id: cernId, name: 'CERN', country: 'CH' },
      country: 'CH',
      region: 'CERN',
      careerStage: 'postdoc',
      joinedOn: '2020-03-01',
      leftOn: null,
      authorSince: null,
      authorUntil: null,
      gender: 'woman',
      version: 1,
    });
    const history = await t.http.get(`${api}/members/${res.body.id}/history`).set(bearer(committee));
    expect(history.body).toEqual({
      careerStages: [{ careerStage: 'postdoc', validFrom: '2020-03-01' }],
      affiliations: [{ instituteId: cernId, instituteName: 'CERN', region: 'CERN', validFrom: '2020-03-01' }],
    });
    const audit = await t.http.get(`${api}/audit?action=member.create&entityId=${res.body.id}`).set(bearer(t.admin));
    expect(audit.body.items).toHaveLength(1);
    expect(JSON.stringify(audit.body.items[0])).not.toContain('woman');
  });

  it('defaults gender to undisclosed and joinedOn to today', async () => {
    const res = await create({ name: 'Anon Ymous', instituteId: ethId, careerStage: 'student' });
    expect(res.body).toMatchObject({ gender: 'undisclosed', joinedOn: today, region: 'SWITZERLAND', externalId: null });
  });

  it('validates: unknown fields and bad values 400, unknown institute 422, taken externalId or e-mail 409', async () => {
    const bad = await create({ name: '', instituteId: 'nope', careerStage: 'professor', gender: 'x', joinedOn: '2021-02-30', age: 3 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['name', 'instituteId', 'careerStage', 'gender', 'joinedOn', 'age']),
    );
    const unknown = await create({ name: 'Z', instituteId: '00000000-0000-4000-8000-000000000000', careerStage: 'student' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toEqual([{ field: 'instituteId', message: 'unknown institute' }]);
    expect((await create({ name: 'Z', externalId: 'M-1', instituteId: cernId, careerStage: 'student' })).status).toBe(409);
    expect((await create({ name: 'Z', email: 'MARIE@example.org', instituteId: cernId, careerStage: 'student' })).status).toBe(409);
    expect(
      (await t.http.post(`${api}/members`).set(bearer(committee)).send({ name: 'Z', instituteId: cernId, careerStage: 'student' })).status,
    ).toBe(403);
  });

  it('never shows gender to the committee: list and get have no gender key; admins see it', async () => {
    const [{ id }] = await t.dataSource.query(`SELECT id FROM member WHERE external_id = 'M-1'`);
    const asCommittee = await t.http.get(`${api}/members/${id}`).set(bearer(committee));
    expect(asCommittee.status).toBe(200);
    expect(asCommittee.body).not.toHaveProperty('gender');
    expect(asCommittee.body.name).toBe('Marie Curie');
    const list = await t.http.get(`${api}/members`).set(bearer(committee));
    expect(list.body.items.length).toBeGreaterThan(0);
    for (const item of list.body.items) expect(item).not.toHaveProperty('gender');
    expect(JSON.stringify(list.body)).not.toMatch(/woman|undisclosed/);
    const asAdmin = await t.http.get(`${api}/members/${id}`).set(bearer(t.admin));
    expect(asAdmin.body.gender).toBe('woman');
    // Nominators look members up to nominate them, and never see gender either.
    const asNominator = await t.http.get(`${api}/members`).set(bearer(nominator));
    expect(asNominator.status).toBe(200);
    for (const item of asNominator.body.items) expect(item).not.toHaveProperty('gender');
    expect((await t.http.get(`${api}/members/${id}`).set(bearer(nominator))).body).not.toHaveProperty('gender');
    expect((await t.http.get(`${api}/members/export`).set(bearer(nominator))).status).toBe(403);
  });

  it('keeps the old career stage in history when the stage changes', async () => {
    const created = await create({
      name: 'Enrico Fermi',
      externalId: 'F-1',
      instituteId: ethId,
      careerStage: 'student',
      joinedOn: '2019-01-01',
    });
    const id = created.body.id;
    const promoted = await t.http
      .patch(`${api}/members/${id}`)
      .set(bearer(t.admin))
      .send({ careerStage: 'postdoc', effectiveFrom: '2023-10-01' });
    expect(promoted.status).toBe(200);
    expect(promoted.body).toMatchObject({ careerStage: 'postdoc', version: 2 });
    const moved = await t.http.patch(`${api}/members/${id}`).set(bearer(t.admin)).send({ careerStage: 'nontenured', instituteId: cernId });
    expect(moved.body).toMatchObject({ careerStage: 'nontenured', instituteId: cernId, region: 'CERN' });

    const history = await t.http.get(`${api}/members/${id}/history`).set(bearer(committee));
    expect(history.body.careerStages).toEqual([
      { careerStage: 'student', validFrom: '2019-01-01' },
      { careerStage: 'postdoc', validFrom: '2023-10-01' },
      { careerStage: 'nontenured', validFrom: today },
    ]);
    expect(history.body.affiliations.map((a: { instituteName: string; validFrom: string }) => [a.instituteName, a.validFrom])).toEqual([
      ['ETH Zurich', '2019-01-01'],
      ['CERN', today],
    ]);
    // What other features rely on: the stage at a past date comes from the history.
    const [{ stage }] = await t.dataSource.query(`SELECT member_career_stage_at($1, '2022-06-01') AS stage`, [id]);
    expect(stage).toBe('student');
  });

  it('replaces a history entry made on the same day, and back-dates without moving the current stage', async () => {
    const { body } = await create({ name: 'Lise Meitner', instituteId: cernId, careerStage: 'postdoc', joinedOn: '2015-01-01' });
    await t.http
      .patch(`${api}/members/${body.id}`)
      .set(bearer(t.admin))
      .send({ careerStage: 'tenured', effectiveFrom: '2024-01-01' })
      .expect(200);
    await t.http
      .patch(`${api}/members/${body.id}`)
      .set(bearer(t.admin))
      .send({ careerStage: 'nontenured', effectiveFrom: '2024-01-01' })
      .expect(200);
    const backdated = await t.http
      .patch(`${api}/members/${body.id}`)
      .set(bearer(t.admin))
      .send({ careerStage: 'engineer', effectiveFrom: '2018-01-01' });
    expect(backdated.body.careerStage).toBe('nontenured');
    const history = await t.http.get(`${api}/members/${body.id}/history`).set(bearer(t.admin));
    expect(history.body.careerStages).toEqual([
      { careerStage: 'postdoc', validFrom: '2015-01-01' },
      { careerStage: 'engineer', validFrom: '2018-01-01' },
      { careerStage: 'nontenured', validFrom: '2024-01-01' },
    ]);
  });

  it('refuses changes dated in the future or before joining, and unknown institutes', async () => {
    const { body } = await create({ name: 'Paul Dirac', instituteId: cernId, careerStage: 'postdoc', joinedOn: '2020-01-01' });
    const future = await t.http
      .patch(`${api}/members/${body.id}`)
      .set(bearer(t.admin))
      .send({ careerStage: 'tenured', effectiveFrom: '2999-01-01' });
    expect(future.status).toBe(422);
    expect(future.body.errors[0].field).toBe('effectiveFrom');
    const early = await t.http
      .patch(`${api}/members/${body.id}`)
      .set(bearer(t.admin))
      .send({ careerStage: 'tenured', effectiveFrom: '2010-01-01' });
    expect(early.status).toBe(422);
    const leftEarly = await t.http.patch(`${api}/members/${body.id}`).set(bearer(t.admin)).send({ leftOn: '2019-12-31' });
    expect(leftEarly.status).toBe(422);
    const noInstitute = await t.http
      .patch(`${api}/members/${body.id}`)
      .set(bearer(t.admin))
      .send({ instituteId: '00000000-0000-4000-8000-000000000000' });
    expect(noInstitute.status).toBe(422);
    expect((await t.http.patch(`${api}/members/${body.id}`).set(bearer(t.admin)).send({ shoeSize: 44 })).status).toBe(400);
    const after = await t.http.get(`${api}/members/${body.id}`).set(bearer(t.admin));
    expect(after.body).toMatchObject({ careerStage: 'postdoc', version: 1 });
  });

  it('detects a stale If-Match with 412 and a stale body version with 409', async () => {
    const { body } = await create({ name: 'Niels Bohr', instituteId: cernId, careerStage: 'tenured' });
    const read = await t.http.get(`${api}/members/${body.id}`).set(bearer(t.admin));
    expect(read.headers.etag).toBe('"1"');
    await t.http
      .patch(`${api}/members/${body.id}`)
      .set(bearer(t.admin))
      .set('If-Match', read.headers.etag)
      .send({ name: 'Niels H. D. Bohr' })
      .expect(200);
    const stale = await t.http
      .patch(`${api}/members/${body.id}`)
      .set(bearer(t.admin))
      .set('If-Match', read.headers.etag)
      .send({ name: 'N. Bohr' });
    expect(stale.status).toBe(412);
    expect(stale.body.currentVersion).toBe(2);
    expect((await t.http.patch(`${api}/members/${body.id}`).set(bearer(t.admin)).send({ name: 'N. Bohr', version: 1 })).status).toBe(409);
    expect((await t.http.patch(`${api}/members/${body.id}`).set(bearer(t.admin)).send({ name: 'N. Bohr', version: 2 })).status).toBe(200);
  });

  it('records leaving and rejoining; members who left are hidden unless asked for; never deleted', async () => {
    const { body } = await create({
      name: 'Wolfgang Pauli',
      externalId: 'P-1',
      instituteId: ethId,
      careerStage: 'tenured',
      gender: 'man',
      joinedOn: '2010-01-01',
    });
    const left = await t.http.patch(`${api}/members/${body.id}`).set(bearer(t.admin)).send({ leftOn: '2024-06-30' });
    expect(left.body.leftOn).toBe('2024-06-30');
    const names = async (query: string) =>
      (await t.http.get(`${api}/members?${query}`).set(bearer(committee))).body.items.map((m: { name: string }) => m.name);
    expect(await names('q=pauli')).toEqual([]);
    expect(await names('q=pauli&includeLeft=true')).toEqual(['Wolfgang Pauli']);
    const removed = await t.http.delete(`${api}/members/${body.id}`).set(bearer(t.admin));
    expect(removed.status).toBe(405);
    expect(removed.body.detail).toMatch(/leftOn/);
    await t.http.patch(`${api}/members/${body.id}`).set(bearer(t.admin)).send({ leftOn: null }).expect(200);
    expect(await names('q=PAULI')).toEqual(['Wolfgang Pauli']);
    const audit = await t.http.get(`${api}/audit?action=member.update&entityId=${body.id}`).set(bearer(t.admin));
    expect(audit.body.items.map((e: { after: { changed: string[] } }) => e.after.changed)).toEqual([['leftOn'], ['leftOn']]);
  });

  it('keeps gender out of the audit log when it changes', async () => {
    const { body } = await create({ name: 'Chien-Shiung Wu', instituteId: cernId, careerStage: 'tenured', gender: 'undisclosed' });
    await t.http.patch(`${api}/members/${body.id}`).set(bearer(t.admin)).send({ gender: 'woman' }).expect(200);
    const audit = await t.http.get(`${api}/audit?action=member.update&entityId=${body.id}`).set(bearer(t.admin));
    expect(audit.body.items[0].after.changed).toEqual(['gender']);
    expect(JSON.stringify(audit.body.items)).not.toMatch(/woman|undisclosed/);
  });

  it('filters the list by region, career stage, institute and name, with pagination', async () => {
    const list = (query: string) => t.http.get(`${api}/members?${query}`).set(bearer(committee));
    const cern = await list('region=CERN&limit=500');
    expect(cern.body.items.length).toBeGreaterThan(0);
    expect(cern.body.items.every((m: { region: string }) => m.region === 'CERN')).toBe(true);
    expect(cern.body.total).toBe(cern.body.items.length);
    const students = await list('careerStage=student');
    expect(students.body.items.map((m: { name: string }) => m.name)).toEqual(['Anon Ymous']);
    const eth = await list(`instituteId=${ethId}`);
    expect(eth.body.items.every((m: { instituteId: string }) => m.instituteId === ethId)).toBe(true);
    expect((await list('q=cURIE')).body.items.map((m: { name: string }) => m.name)).toEqual(['Marie Curie']);
    expect((await list('q=%25')).body.total).toBe(0);
    const page = await list('limit=2&offset=1');
    expect(page.body).toMatchObject({ limit: 2, offset: 1 });
    expect(page.body.items).toHaveLength(2);
    const all = await list('limit=500');
    expect(page.body.items.map((m: { id: string }) => m.id)).toEqual(all.body.items.slice(1, 3).map((m: { id: string }) => m.id));
    expect((await list('careerStage=professor')).status).toBe(400);
    expect((await list('includeLeft=maybe')).status).toBe(400);
    expect((await list('colour=red')).status).toBe(400);
  });

  it('gives a member created without an externalId one, so that imports and ?externalId= find them', async () => {
    const { body } = await create({ name: 'Emmy Noether', instituteId: ethId, careerStage: 'tenured' });
    const res = await t.http.patch(`${api}/members/${body.id}`).set(bearer(t.admin)).send({ externalId: 'N-1' });
    expect(res.body).toMatchObject({ externalId: 'N-1', version: 2 });
    const found = await t.http.get(`${api}/members?externalId=N-1`).set(bearer(committee));
    expect(found.body.items.map((m: { id: string }) => m.id)).toEqual([body.id]);
    expect((await t.http.patch(`${api}/members/${body.id}`).set(bearer(t.admin)).send({ externalId: 'M-1' })).status).toBe(409);
  });

  it('answers 404 for a member that does not exist and 400 for a malformed id', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    expect((await t.http.get(`${api}/members/${missing}`).set(bearer(committee))).status).toBe(404);
    expect((await t.http.get(`${api}/members/${missing}/history`).set(bearer(committee))).status).toBe(404);
    expect((await t.http.patch(`${api}/members/${missing}`).set(bearer(t.admin)).send({ name: 'X' })).status).toBe(404);
    expect((await t.http.get(`${api}/members/12`).set(bearer(committee))).status).toBe(400);
  });
});
