import { Client } from 'pg';
import { hashToken } from '../src/auth/tokens';
import { DatabaseNotEmpty, seedDatabase, SeedResult } from '../src/demo/seed';
import { balanceCountQuery } from '../src/reports/balance.sql';
import { fullScanBalanceCountQuery } from './support/full-scan';
import { bearer, createTestApp, TestApp } from './support/test-app';

const TODAY = new Date().toISOString().slice(0, 10);
const OPTIONS = { members: 400, talks: 3000, crowdedSlotNominees: 30, seed: 7, today: TODAY };

/** The schema as the catalog describes it: constraints, indexes and NOT NULL columns. */
async function schemaOf(client: Client): Promise<unknown[]> {
  const { rows } = await client.query(`
    SELECT 'constraint' AS kind, conrelid::regclass::text AS on, conname AS name, pg_get_constraintdef(oid) AS definition
      FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid <> 0
    UNION ALL
    SELECT 'index', indrelid::regclass::text, indexrelid::regclass::text, pg_get_indexdef(indexrelid)
      FROM pg_index WHERE indrelid::regclass::text NOT LIKE 'pg_%'
    UNION ALL
    SELECT 'not null', table_name, column_name, is_nullable FROM information_schema.columns WHERE table_schema = 'public'
    ORDER BY 1, 2, 3`);
  return rows;
}

describe('demo collaboration: seeding a database', () => {
  let t: TestApp;
  let db: Client;
  let schemaBefore: unknown[];
  let seeded: SeedResult;
  const tokenOf = (email: string) => seeded.users.find((u) => u.email === email)!.token;

  beforeAll(async () => {
    t = await createTestApp();
    db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
    schemaBefore = await schemaOf(db);
    seeded = await seedDatabase(t.databaseUrl, OPTIONS);
  });
  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  it('writes every generated row and reports the counts', async () => {
    for (const [table, count] of Object.entries(seeded.counts)) {
      if (table === 'institute') continue;
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM ${table}`);
      expect([table, rows[0].n]).toEqual([table, table === 'app_user' ? count + 1 : count]);
    }
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM institute`);
    expect(rows[0].n).toBe(seeded.counts.institute + 2);
    expect(seeded.counts.talk).toBe(3000);
  });

  it('leaves the schema exactly as the migrations made it (keys, indexes, foreign keys)', async () => {
    expect(await schemaOf(db)).toEqual(schemaBefore);
  });

  it('records talks and nominations with the stage and institute the database reads from the histories', async () => {
    const { rows } = await db.query(`
      SELECT count(*)::int AS n FROM talk
      WHERE career_stage <> member_career_stage_at(member_id, date) OR institute_id <> member_institute_at(member_id, date)`);
    expect(rows[0].n).toBe(0);
    const nominations = await db.query(`
      SELECT count(*)::int AS n FROM nomination
      WHERE career_stage <> member_career_stage_at(member_id, created_at::date)
         OR institute_id <> member_institute_at(member_id, created_at::date)`);
    expect(nominations.rows[0].n).toBe(0);
    const reused = await db.query(
      `SELECT count(*)::int AS n FROM member m JOIN institute i ON i.id = m.institute_id WHERE i.name IN ('CERN', 'JINR Dubna')`,
    );
    expect(reused.rows[0].n).toBeGreaterThan(0);
  });

  it('leaves nominations in the state the service would: allocated while invited or accepted, shortlisted after a decline', async () => {
    const { rows } = await db.query(`
      SELECT a.status AS allocation, n.status AS nomination, count(*)::int AS n
      FROM allocation a JOIN nomination n ON n.id = a.nomination_id
      GROUP BY 1, 2 ORDER BY 1, 2`);
    const states = Object.fromEntries(rows.map((r) => [`${r.allocation}/${r.nomination}`, r.n]));
    expect(Object.keys(states).sort()).toEqual(expect.arrayContaining(['accepted/allocated', 'declined/shortlisted']));
    for (const key of Object.keys(states)) {
      expect(['invited/allocated', 'accepted/allocated', 'declined/shortlisted']).toContain(key);
    }
  });

  it("stores the demo users' tokens only hashed, and they work", async () => {
    const { rows } = await db.query(`SELECT token_hash FROM app_user WHERE email = 'committee@demo.example'`);
    expect(rows[0].token_hash).toBe(hashToken(tokenOf('committee@demo.example')));
    const candidates = await t.http.get(`/api/v1/slots/${seeded.crowdedSlotId}/candidates`).set(bearer(tokenOf('committee@demo.example')));
    expect(candidates.status).toBe(200);
    expect(candidates.body).toHaveLength(30);
    const quality = await t.http.get('/api/v1/regions/data-quality').set(bearer(tokenOf('admin@demo.example')));
    expect(quality.status).toBe(200);
    expect(JSON.stringify(quality.body)).toMatch(/"JP"/);
  });

  it('shows a nominator only their own seeded nominations', async () => {
    const me = seeded.users.find((u) => u.email === 'nominator@demo.example')!;
    const res = await t.http.get('/api/v1/nominations?limit=500').set(bearer(me.token));
    expect(res.status).toBe(200);
    expect(res.body.total).toBeGreaterThan(0);
    expect(res.body.items.every((n: { nominatorId: string }) => n.nominatorId === me.id)).toBe(true);
    const all = await db.query(`SELECT count(*)::int AS n FROM nomination`);
    expect(res.body.total).toBeLessThan(all.rows[0].n);
  });

  it('refuses a database that has data, unless asked to reset it; the audit log survives a reset', async () => {
    await expect(seedDatabase(t.databaseUrl, OPTIONS)).rejects.toThrow(DatabaseNotEmpty);
    const audit = await db.query(`SELECT count(*)::int AS n FROM audit_event`);
    const again = await seedDatabase(t.databaseUrl, { ...OPTIONS, reset: true });
    expect(again.counts).toEqual(seeded.counts);
    const after = await db.query(`SELECT count(*)::int AS n FROM audit_event`);
    expect(after.rows[0].n).toBe(audit.rows[0].n + 1);
    const members = await db.query(`SELECT count(*)::int AS n FROM member`);
    expect(members.rows[0].n).toBe(400);
    // The demo users exist once, with the new tokens.
    const res = await t.http
      .get('/api/v1/rankings?limit=5')
      .set(bearer(again.users.find((u) => u.email === 'committee@demo.example')!.token));
    expect(res.status).toBe(200);
    seeded = again;
  });

  it('leaves no count of the emptied collaboration in the maintained tallies after a reset', async () => {
    const to = TODAY;
    for (const population of ['talks', 'members', 'authors'] as const) {
      const mine = balanceCountQuery(population, 'region', null, { to, from: population === 'talks' ? '2015-01-01' : undefined });
      const reference = fullScanBalanceCountQuery(population, 'region', null, {
        to,
        from: population === 'talks' ? '2015-01-01' : undefined,
      });
      const counts = async (q: { text: string; values: unknown[] }) =>
        (await db.query(q.text, q.values)).rows.map((r) => `${r.value}:${r.count}`).sort();
      expect(await counts(mine)).toEqual(await counts(reference));
    }
    const { rows } = await db.query(
      `SELECT (SELECT sum(talk_count) FROM member_rank_basis)::int AS basis, (SELECT count(*) FROM talk)::int AS talks`,
    );
    expect(rows[0].basis).toBe(rows[0].talks);
  });
});
