import { bearer, createTestApp, TestApp } from './support/test-app';

const STAGES = ['student', 'postdoc', 'nontenured', 'tenured', 'engineer', 'other'];
const INSTITUTES: [string, string][] = [
  ['CERN', 'CH'],
  ['Imperial College', 'GB'],
  ['DESY', 'DE'],
  ['JINR Dubna', 'RU'],
];

function rows(n: number, prefix = 'X') {
  return Array.from({ length: n }, (_, i) => {
    const [institute, country] = INSTITUTES[i % INSTITUTES.length];
    return {
      externalId: `${prefix}-${i + 1}`,
      name: `Person ${prefix}${i + 1}`,
      email: `${prefix.toLowerCase()}${i + 1}@example.org`,
      institute,
      country,
      careerStage: STAGES[i % STAGES.length],
      gender: i % 2 ? 'man' : 'woman',
    };
  });
}

describe('members: bulk import and export', () => {
  let t: TestApp;
  let committee: string;
  const api = '/api/v1';

  beforeAll(async () => {
    t = await createTestApp();
    committee = await t.token('committee');
  });
  afterAll(async () => {
    await t?.close();
  });

  const importJson = (body: unknown) =>
    t.http
      .post(`${api}/members/import`)
      .set(bearer(t.admin))
      .send(body as object);
  const importCsv = (csv: string) => t.http.post(`${api}/members/import`).set(bearer(t.admin)).set('Content-Type', 'text/csv').send(csv);
  const count = async (sql: string) => (await t.dataSource.query(sql))[0].n as number;

  it('writes nothing when one row among 500 is bad, and names that row', async () => {
    const body = rows(500);
    body[316] = { ...body[316], careerStage: 'professor' };
    const res = await importJson(body);
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.body.errors).toEqual([{ row: 317, field: 'careerStage', message: expect.stringContaining('student') }]);
    expect(res.body.detail).toMatch(/1 of 500 rows/);
    expect(await count(`SELECT count(*)::int AS n FROM member`)).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM institute`)).toBe(2);
    expect(await count(`SELECT count(*)::int AS n FROM audit_event WHERE action = 'member.import'`)).toBe(0);
  });

  it('lists every bad row, file and database problems alike, capping the list at 1000', async () => {
    const body: Record<string, unknown>[] = rows(10, 'B');
    body[1] = { ...body[1], externalId: 'B-1' };
    body[4] = { ...body[4], institute: 'Unknown Lab', country: '' };
    body[6] = { ...body[6], institute: 'DESY', country: 'FR' };
    body[8] = { ...body[8], country: 'XX', favouriteColour: 'blue' };
    const res = await importJson(body);
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      { row: 2, field: 'externalId', message: 'B-1 is already on row 1' },
      { row: 5, field: 'institute', message: 'unknown institute Unknown Lab; give its country to create it' },
      { row: 7, field: 'country', message: 'institute DESY is given country DE on row 3' },
      { row: 9, field: 'favouriteColour', message: 'is not an accepted field' },
      { row: 9, field: 'country', message: 'XX is not an ISO 3166-1 alpha-2 country code' },
    ]);

    const many = rows(1500, 'C').map((r) => ({ ...r, gender: 'unknown' }));
    const capped = await importJson(many);
    expect(capped.status).toBe(422);
    expect(capped.body.errors).toHaveLength(1000);
    expect(capped.body.errors.at(-1).row).toBe(1000);
    expect(capped.body).toMatchObject({ badRows: 1500, errorCount: 1500, moreErrors: 500 });
  });

  it('imports, creating missing institutes, then updates on re-import instead of duplicating', async () => {
    const first = await importJson(rows(500));
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ created: 500, updated: 0, unchanged: 0, institutesCreated: 2 });
    expect(await count(`SELECT count(*)::int AS n FROM member_career_stage`)).toBe(500);
    expect(await count(`SELECT count(*)::int AS n FROM member_affiliation`)).toBe(500);
    const desy = await t.http.get(`${api}/institutes?q=desy`).set(bearer(committee));
    expect(desy.body.items[0]).toMatchObject({ name: 'DESY', country: 'DE', region: 'GERMANY', members: 125 });

    const again = await importJson(rows(500));
    expect(again.body).toEqual({ created: 0, updated: 0, unchanged: 500, institutesCreated: 0 });

    const changed = rows(500);
    changed[0] = { ...changed[0], careerStage: 'tenured' };
    changed[1] = { ...changed[1], name: 'Renamed Person', institute: 'cern', country: '' };
    const re = await importJson([...changed, { ...rows(1, 'N')[0] }]);
    expect(re.body).toEqual({ created: 1, updated: 2, unchanged: 498, institutesCreated: 0 });
    expect(await count(`SELECT count(*)::int AS n FROM member`)).toBe(501);

    const [{ id }] = await t.dataSource.query(`SELECT id FROM member WHERE external_id = 'X-1'`);
    const [{ today }] = await t.dataSource.query(`SELECT current_date::text AS today`);
    const history = await t.http.get(`${api}/members/${id}/history`).set(bearer(committee));
    // Joined today (no joinedOn) and changed today: the same day's entry is replaced, not doubled.
    expect(history.body.careerStages).toEqual([{ careerStage: 'tenured', validFrom: today }]);
    const member = await t.http.get(`${api}/members/${id}`).set(bearer(t.admin));
    expect(member.body).toMatchObject({ careerStage: 'tenured', version: 2, gender: 'woman' });

    const audit = await t.http.get(`${api}/audit?action=member.import`).set(bearer(t.admin));
    expect(audit.body.items).toHaveLength(3);
    expect(audit.body.items[0].after).toMatchObject({ created: 1, updated: 2 });
    expect(JSON.stringify(audit.body.items)).not.toMatch(/woman|Person/);
  });

  it('keeps the stage someone had before a re-import changed it (history entries dated by joinedOn and today)', async () => {
    const csv = 'externalId,name,institute,country,careerStage,joinedOn\nH-1,Hist Ory,CERN,,student,2021-09-01\n';
    expect((await importCsv(csv)).body).toMatchObject({ created: 1 });
    expect((await importCsv(csv.replace('student', 'postdoc'))).body).toMatchObject({ updated: 1 });
    const [{ id }] = await t.dataSource.query(`SELECT id FROM member WHERE external_id = 'H-1'`);
    const [{ today }] = await t.dataSource.query(`SELECT current_date::text AS today`);
    const history = await t.http.get(`${api}/members/${id}/history`).set(bearer(t.admin));
    expect(history.body.careerStages).toEqual([
      { careerStage: 'student', validFrom: '2021-09-01' },
      { careerStage: 'postdoc', validFrom: today },
    ]);
  });

  it('reads CSV: quoted cells, any column order; keeps stored e-mail and gender when the cells are empty', async () => {
    const csv = [
      'name,externalId,institute,country,careerStage,email,gender',
      '"Smith, Anna",CSV-1,Université de Genève,CH,postdoc,anna@example.org,woman',
      '"Jones, Bob",CSV-2,cern,,engineer,,',
    ].join('\r\n');
    const res = await importCsv(csv);
    expect(res.body).toEqual({ created: 2, updated: 0, unchanged: 0, institutesCreated: 1 });
    const anna = await t.http.get(`${api}/members?q=anna`).set(bearer(t.admin));
    expect(anna.body.items[0]).toMatchObject({ name: 'Smith, Anna', region: 'SWITZERLAND', gender: 'woman', email: 'anna@example.org' });
    const bob = await t.http.get(`${api}/members?q=bob`).set(bearer(t.admin));
    expect(bob.body.items[0]).toMatchObject({ region: 'CERN', gender: 'undisclosed', email: null });

    const blanked = await importCsv(csv.replace('anna@example.org,woman', ','));
    expect(blanked.body).toMatchObject({ updated: 0, unchanged: 2 });
  });

  it('refuses an e-mail that belongs to another member, and files it cannot read', async () => {
    const taken = await importJson([{ ...rows(1, 'E')[0], email: 'X1@example.org' }]);
    expect(taken.status).toBe(422);
    expect(taken.body.errors).toEqual([{ row: 1, field: 'email', message: 'already belongs to member X-1' }]);

    const unknownColumn = await importCsv('externalId,name,institute,careerStage,shoeSize\nA,B,CERN,student,44\n');
    expect(unknownColumn.status).toBe(400);
    expect(unknownColumn.body.detail).toMatch(/shoeSize/);
    expect((await importJson({ externalId: 'A' })).status).toBe(400);
    expect((await importJson([])).status).toBe(422);
    const malformed = await t.http.post(`${api}/members/import`).set(bearer(t.admin)).set('Content-Type', 'application/json').send('[{');
    expect(malformed.status).toBe(400);
    expect((await t.http.post(`${api}/members/import`).set(bearer(committee)).send(rows(1))).status).toBe(403);
  });

  it('exports CSV for admins only, with gender, that re-imports with nothing changed', async () => {
    expect((await t.http.get(`${api}/members/export`).set(bearer(committee))).status).toBe(403);
    const res = await t.http.get(`${api}/members/export`).set(bearer(t.admin));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="members-\d{4}-\d{2}-\d{2}\.csv"/);
    const lines = res.text.trim().split('\r\n');
    expect(lines[0]).toBe('externalId,name,email,institute,country,careerStage,gender,joinedOn');
    expect(lines).toHaveLength(1 + (await count(`SELECT count(*)::int AS n FROM member`)));
    expect(res.text).toContain('"Smith, Anna",anna@example.org,Université de Genève,CH,postdoc,woman,');

    const reimported = await importCsv(res.text);
    expect(reimported.status).toBe(200);
    expect(reimported.body).toMatchObject({ created: 0, updated: 0, institutesCreated: 0 });
    expect(reimported.body.unchanged).toBe(lines.length - 1);

    const filtered = await t.http.get(`${api}/members/export?region=CERN`).set(bearer(t.admin));
    expect(
      filtered.text
        .trim()
        .split('\r\n')
        .slice(1)
        .every((line) => /,(CERN|cern),CH,/.test(line)),
    ).toBe(true);
  });

  it('imports 20,000 rows in one go', async () => {
    const res = await importJson(rows(20_000, 'BULK'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 20_000, updated: 0 });
    expect(await count(`SELECT count(*)::int AS n FROM member WHERE external_id LIKE 'BULK-%'`)).toBe(20_000);
    expect(
      await count(
        `SELECT count(*)::int AS n FROM member_career_stage s JOIN member m ON m.id = s.member_id WHERE m.external_id LIKE 'BULK-%'`,
      ),
    ).toBe(20_000);
  });
});
