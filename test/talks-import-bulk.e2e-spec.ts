import { bearer, createTestApp, TestApp } from './support/test-app';
import { insertMember, promote } from './support/talks-fixtures';

// Large imports drop and restore the talk table's foreign keys and plain indexes; a low threshold makes
// small files take that path here.
describe('talk import, large-import path', () => {
  let t: TestApp;
  let committee: string;
  const schema = async () =>
    (
      await t.dataSource.query(`
    SELECT (SELECT json_agg(pg_get_constraintdef(oid) ORDER BY conname) FROM pg_constraint WHERE conrelid = 'talk'::regclass) AS constraints,
           (SELECT json_agg(indexdef ORDER BY indexname) FROM pg_indexes WHERE tablename = 'talk') AS indexes`)
    )[0];

  beforeAll(async () => {
    t = await createTestApp({ env: { TALK_IMPORT_BULK_ROWS: '50' } });
    committee = await t.token('committee');
    for (let i = 1; i <= 10; i++) await insertMember(t.dataSource, { externalId: `BULK-${i}`, since: '2012-01-01' });
  });
  afterAll(async () => {
    await t?.close();
  });

  const importJson = (rows: unknown) =>
    t.http
      .post('/api/v1/talks/import')
      .set(bearer(committee))
      .send(rows as object);
  const rowsFor = (count: number, year: number) =>
    Array.from({ length: count }, (_, i) => ({
      externalId: `BULK-${(i % 10) + 1}`,
      conference: `Bulk Meeting ${i % 3}`,
      year,
      talkType: 'parallel',
      date: `${year}-06-${String((i % 20) + 1).padStart(2, '0')}`,
      tier: 'standard',
    }));

  it('imports, then leaves the constraints and indexes exactly as they were, and still enforced', async () => {
    const before = await schema();
    expect(before.constraints.some((c: string) => c.startsWith('FOREIGN KEY (member_id)'))).toBe(true);
    const res = await importJson(rowsFor(300, 2019));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ created: 300, conferencesCreated: 3 });
    expect(await schema()).toEqual(before);

    // And again, into a table that now holds talks.
    const again = await importJson(rowsFor(60, 2020));
    expect(again.body).toEqual({ created: 60, conferencesCreated: 3 });
    expect(await schema()).toEqual(before);

    await expect(
      t.dataSource.query(
        `INSERT INTO talk (member_id, conference_id, talk_type, date, career_stage, institute_id)
       SELECT gen_random_uuid(), conference_id, talk_type, date, career_stage, institute_id FROM talk LIMIT 1`,
      ),
    ).rejects.toThrow(/foreign key/);
  });

  it('snapshots stages as the history functions do, and writes nothing (schema intact) when a row is bad', async () => {
    await promote(
      t.dataSource,
      (await t.dataSource.query(`SELECT id FROM member WHERE external_id = 'BULK-1'`))[0].id,
      'postdoc',
      '2021-06-10',
    );
    const res = await importJson(rowsFor(100, 2021));
    expect(res.status).toBe(200);
    const mismatches = await t.dataSource.query(
      `SELECT count(*) FILTER (WHERE career_stage <> member_career_stage_at(member_id, date)
                                  OR institute_id <> member_institute_at(member_id, date)) AS wrong,
              count(DISTINCT career_stage) AS stages
       FROM talk WHERE date >= '2021-01-01'`,
    );
    expect(mismatches[0]).toEqual({ wrong: 0, stages: 2 });

    const before = await schema();
    const [{ count }] = await t.dataSource.query(`SELECT count(*) FROM talk`);
    const bad = rowsFor(200, 2022);
    bad[150] = { ...bad[150], externalId: 'NOBODY' };
    const refused = await importJson(bad);
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([expect.objectContaining({ row: 151, field: 'externalId' })]);
    expect((await t.dataSource.query(`SELECT count(*) FROM talk`))[0].count).toBe(count);
    expect(await schema()).toEqual(before);
  });
});
