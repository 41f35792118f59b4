// One slow statement must not hang the service: with DB_STATEMENT_TIMEOUT_MS set, every pooled session
// runs under that statement_timeout, and a request whose statement cannot finish (here: stuck behind
// a lock someone else holds, as during maintenance) answers 503 problem+json, writes nothing, leaves
// no session waiting in PostgreSQL, and the same request works once the lock is gone.
import { Client } from 'pg';
import { toProblem } from '../../src/common/problem.filter';
import { bearer, createTestApp, TestApp } from '../support/test-app';

const TIMEOUT_MS = 200;
// A bound on the wait, so a hanging request fails the test instead of stalling it; far above the timeout.
const HANG = 15_000;

describe('statement timeout', () => {
  let t: TestApp;
  let committee: string;
  let blocker: Client;

  beforeAll(async () => {
    t = await createTestApp({ env: { DB_STATEMENT_TIMEOUT_MS: String(TIMEOUT_MS) } });
    committee = await t.token('committee');
    blocker = new Client({ connectionString: t.databaseUrl, application_name: 'timeout-test-blocker' });
    await blocker.connect();
  });
  afterAll(async () => {
    await blocker?.end();
    await t?.close();
  });

  /** The service's own sessions that are waiting for a lock right now. */
  const waitingSessions = async () =>
    (
      await blocker.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity
     WHERE datname = current_database() AND application_name = 'speaker-allocation' AND wait_event_type = 'Lock'`,
      )
    ).rows[0].n as number;

  it('runs every pooled session with the configured statement_timeout', async () => {
    // Concurrent queries take several sessions out of the pool at once.
    const settings = await Promise.all(
      Array.from({ length: 8 }, () =>
        t.dataSource.query(`SELECT current_setting('statement_timeout') AS timeout, pg_backend_pid() AS pid, pg_sleep(0.05)`),
      ),
    );
    expect(new Set(settings.map(([row]) => row.pid)).size).toBeGreaterThan(1);
    for (const [row] of settings) expect(row.timeout).toBe(`${TIMEOUT_MS}ms`);
  });

  it("cancels a slow statement on the service's connections with 57014, which becomes 503 problem+json", async () => {
    const error = await t.dataSource.query('SELECT pg_sleep(5)').catch((e: unknown) => e);
    expect((error as { driverError?: { code?: string } }).driverError?.code).toBe('57014');
    expect(toProblem(error)).toMatchObject({ status: 503, detail: expect.stringMatching(/too long/) });
  });

  describe('while another session holds a lock the request needs', () => {
    afterEach(async () => {
      await blocker.query('ROLLBACK');
    });

    it('answers a ranking or report 503 problem+json instead of hanging, keeps serving others, and recovers', async () => {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE talk IN ACCESS EXCLUSIVE MODE');

      for (const [url, query] of [
        ['/api/v1/rankings', {}],
        ['/api/v1/reports/balance', { population: 'talks', dimension: 'region' }],
      ] as const) {
        const res = await t.http.get(url).query(query).set(bearer(committee)).timeout(HANG);
        expect(res.status).toBe(503);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body).toMatchObject({ status: 503, detail: expect.stringMatching(/too long/) });
      }
      // The statement was cancelled in PostgreSQL, not merely abandoned by the service.
      expect(await waitingSessions()).toBe(0);
      // Requests that do not need the lock are answered meanwhile.
      expect((await t.http.get('/health').timeout(HANG)).status).toBe(200);
      expect((await t.http.get('/api/v1/regions').set(bearer(committee)).timeout(HANG)).status).toBe(200);

      await blocker.query('ROLLBACK');
      // Every pooled session is usable again: more requests than the pool has sessions, at once.
      const after = await Promise.all(
        Array.from({ length: 15 }, () => t.http.get('/api/v1/rankings').set(bearer(committee)).timeout(HANG)),
      );
      expect(after.map((r) => r.status)).toEqual(after.map(() => 200));
    });

    it('answers a write 503 and writes nothing, not even its audit event', async () => {
      const created = await t.http.post('/api/v1/institutes').set(bearer(t.admin)).send({ name: 'Timeout Institute', country: 'CH' });
      expect(created.status).toBe(201);
      const member = await t.http
        .post('/api/v1/members')
        .set(bearer(t.admin))
        .send({ name: 'Tim Out', instituteId: created.body.id, careerStage: 'postdoc' });
      expect(member.status).toBe(201);

      await blocker.query('BEGIN');
      await blocker.query('SELECT 1 FROM member WHERE id = $1 FOR UPDATE', [member.body.id]);
      const change = await t.http
        .patch(`/api/v1/members/${member.body.id}`)
        .set(bearer(t.admin))
        .send({ name: 'Tim Changed' })
        .timeout(HANG);
      expect(change.status).toBe(503);
      expect(change.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(await waitingSessions()).toBe(0);
      await blocker.query('ROLLBACK');

      const [row] = await t.dataSource.query(`SELECT name FROM member WHERE id = $1`, [member.body.id]);
      expect(row.name).toBe('Tim Out');
      const laterEvents = async () =>
        (
          await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_event WHERE entity_id = $1 AND action <> 'member.create'`, [
            member.body.id,
          ])
        )[0].n;
      expect(await laterEvents()).toBe(0);

      const retry = await t.http.patch(`/api/v1/members/${member.body.id}`).set(bearer(t.admin)).send({ name: 'Tim Changed' });
      expect(retry.status).toBe(200);
      expect(retry.body.name).toBe('Tim Changed');
      expect(await laterEvents()).toBe(1);
    });
  });
});
