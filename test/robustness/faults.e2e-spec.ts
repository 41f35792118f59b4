// Faults an operator will meet: the database going away and coming back, SIGTERM under load, and a
// process killed in the middle of a bulk import.
import http from 'node:http';
import { Client } from 'pg';
import { freePort } from '../../src/database/embedded-postgres';
import { PostgresProcess, spawnService } from '../support/postgres-process';
import { ADMIN_TOKEN, bearer, bootApp, TestApp } from '../support/test-app';

async function createDatabase(pg: PostgresProcess, name: string): Promise<string> {
  const client = new Client({ connectionString: pg.url() });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  return pg.url(name);
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition not reached in time');
}

function get(port: number, path: string, token?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false, headers: token ? bearer(token) : {} }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

function post(port: number, path: string, token: string, payload: unknown, contentType = 'application/json') {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const data = typeof payload === 'string' ? payload : JSON.stringify(payload);
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent: false,
        headers: { ...bearer(token), 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(data) },
      },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

describe('faults', () => {
  let pg: PostgresProcess;
  beforeAll(async () => {
    pg = await PostgresProcess.create();
  }, 60_000);
  afterAll(async () => {
    await pg?.destroy();
  });

  describe('the database stops mid-run and comes back', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await bootApp(await createDatabase(pg, 'outage'));
    });
    afterAll(async () => {
      await t?.close();
    });

    it('answers 503 quickly while it is down, recovers without a restart, and loses no acknowledged write', async () => {
      const acknowledged: string[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await t.http
          .post('/api/v1/users')
          .set(bearer(t.admin))
          .send({ name: `Before ${i}`, email: `before${i}@example.org`, roles: ['monitor'] });
        expect(res.status).toBe(201);
        acknowledged.push(res.body.id);
      }

      await pg.stop();
      const health = await t.http.get('/health').timeout(5_000);
      expect(health.status).toBe(503);
      expect(health.headers['content-type']).toMatch(/^application\/problem\+json/);
      const write = await t.http
        .post('/api/v1/users')
        .set(bearer(t.admin))
        .timeout(8_000)
        .send({ name: 'During', email: 'during@example.org', roles: ['monitor'] });
      expect(write.status).toBe(503);
      expect(write.headers['content-type']).toMatch(/^application\/problem\+json/);

      await pg.start();
      await waitFor(async () => (await t.http.get('/health')).status === 200);
      const after = await t.http
        .post('/api/v1/users')
        .set(bearer(t.admin))
        .send({ name: 'After', email: 'after@example.org', roles: ['monitor'] });
      expect(after.status).toBe(201);
      acknowledged.push(after.body.id);
      const list = await t.http.get('/api/v1/users').query({ limit: 500 }).set(bearer(t.admin));
      const ids = list.body.items.map((u: { id: string }) => u.id);
      expect(ids).toEqual(expect.arrayContaining(acknowledged));
      expect(list.body.items.some((u: { email: string }) => u.email === 'during@example.org')).toBe(false);
    });
  });

  describe('SIGTERM under load', () => {
    it('finishes in-flight requests, refuses new ones, keeps every acknowledged write and exits 0', async () => {
      const url = await createDatabase(pg, 'sigterm');
      const port = await freePort();
      const service = spawnService({ DATABASE_URL: url, PORT: String(port), ADMIN_TOKEN });
      try {
        await waitFor(async () => (await get(port, '/health')).status === 200, 60_000);
        const results: Array<{ status: number; body: string } | { error: string }> = [];
        const inFlight = Array.from({ length: 60 }, (_, i) =>
          post(port, '/api/v1/users', ADMIN_TOKEN, { name: `Load ${i}`, email: `load${i}@example.org`, roles: ['monitor'] }).then(
            (r) => results.push(r),
            (e: Error) => results.push({ error: String(e.message) }),
          ),
        );
        await new Promise((r) => setTimeout(r, 20));
        service.child.kill('SIGTERM');
        await Promise.all(inFlight);
        const code = await service.exited;
        expect(code).toBe(0);

        // Every request either completed normally or was refused at the door; none failed half-way.
        const answered = results.filter((r): r is { status: number; body: string } => 'status' in r);
        const refused = results.filter((r): r is { error: string } => 'error' in r);
        for (const r of answered) expect(r.status).toBe(201);
        for (const e of refused) expect(e.error).toMatch(/ECONNREFUSED|ECONNRESET|socket hang up/);
        expect(answered.length).toBeGreaterThan(0);
        await expect(get(port, '/health')).rejects.toThrow(/ECONNREFUSED/);

        const client = new Client({ connectionString: url });
        await client.connect();
        const stored = await client.query(`SELECT id FROM app_user WHERE email LIKE 'load%'`);
        await client.end();
        const acknowledgedIds = answered.map((r) => JSON.parse(r.body).id);
        expect(stored.rows.map((r) => r.id)).toEqual(expect.arrayContaining(acknowledgedIds));
      } finally {
        service.child.kill('SIGKILL');
      }
    }, 90_000);
  });
});
