// SIGTERM (a deploy, `docker stop`, Ctrl-C) while a client is still streaming a talk import: the client
// gets an answer, never a dropped connection. An import that completes within the grace period is
// answered 200 and written whole; one still streaming when the grace period ends is refused with 503
// (problem+json, Connection: close) and rolled back. Either way the service then exits by itself.
// Runs the compiled service (dist/) on its own database in the test run's PostgreSQL.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort, startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { requestAsAdmin, ServiceAnswer, spawnService } from '../support/postgres-process';
import { ADMIN_TOKEN, cloneTemplate } from '../support/test-app';

const APPLICATION = 'speaker-allocation';
const GRACE_MS = 3_000;
const MEMBERS = 200;
const HEADER = 'externalId,conference,year,talkType,date,tier\n';

/** What an import leaves behind: talks, the conferences it creates, its audit event. */
async function counts(client: Client): Promise<{ talks: number; conferences: number; imports: number }> {
  return (
    await client.query(`
    SELECT (SELECT count(*) FROM talk)::int AS talks,
           (SELECT count(*) FROM conference)::int AS conferences,
           (SELECT count(*) FROM audit_event WHERE action = 'talk.import')::int AS imports`)
  ).rows[0];
}

function talkRows(from: number, count: number): string {
  let text = '';
  for (let i = from; i < from + count; i++)
    text += `SHUT-${i % MEMBERS},Shutdown Conference ${i % 7},2024,parallel,2024-05-${String((i % 28) + 1).padStart(2, '0')},standard\n`;
  return text;
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what}: not reached in ${timeoutMs} ms`);
}

/**
 * A chunked CSV upload that goes on sending rows every 50 ms until told to finish or stop. The answer
 * is whatever status line arrives first; an error only when the connection ends without one.
 */
function streamingImport(port: number) {
  let answered = false;
  let sent = 0;
  const req = http.request({
    host: '127.0.0.1',
    port,
    path: '/api/v1/talks/import',
    method: 'POST',
    agent: false,
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'text/csv', 'Transfer-Encoding': 'chunked' },
  });
  const answer = new Promise<ServiceAnswer>((resolve, reject) => {
    req.on('response', (res) => {
      answered = true;
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
  });
  answer.catch(() => undefined);
  req.write(HEADER + talkRows(0, 100));
  sent = 100;
  const timer = setInterval(() => {
    if (answered || req.destroyed) return clearInterval(timer);
    req.write(talkRows(sent, 100));
    sent += 100;
  }, 50);
  return {
    answer,
    rowsSent: () => sent,
    finish: () => {
      clearInterval(timer);
      req.end();
    },
    abandon: () => {
      clearInterval(timer);
      req.destroy();
    },
  };
}

describe('SIGTERM during a streamed talk import', () => {
  const databases: Array<{ drop(): Promise<void> }> = [];

  afterAll(async () => {
    for (const database of databases) await database.drop();
  });

  /** A migrated database of its own. */
  async function freshDatabase(prefix: string): Promise<string> {
    const database = await cloneTemplate(prefix);
    databases.push(database);
    return database.url;
  }

  /** The service on `databaseUrl` (or its embedded PostgreSQL), with members to give talks to, and a session watching its database. */
  async function startService(env: Record<string, string>, databaseUrl: string) {
    const port = await freePort();
    const service = spawnService({ ...env, PORT: String(port), ADMIN_TOKEN, SHUTDOWN_GRACE_MS: String(GRACE_MS) });
    try {
      await waitFor(async () => (await requestAsAdmin(port, 'GET', '/health')).status === 200, 'service healthy', 60_000);
    } catch (error) {
      service.child.kill('SIGKILL');
      throw new Error(`${(error as Error).message}\n${service.output()}`);
    }
    const watcher = new Client({ connectionString: databaseUrl, application_name: 'shutdown-test' });
    // An embedded PostgreSQL goes with the service: this session then ends with it.
    watcher.on('error', () => undefined);
    await watcher.connect();
    const members = ['externalId,name,email,institute,country,careerStage,gender'];
    for (let i = 0; i < MEMBERS; i++) members.push(`SHUT-${i},Member ${i},shut${i}@shutdown.example,Shutdown Institute,DE,postdoc,woman`);
    expect((await requestAsAdmin(port, 'POST', '/api/v1/members/import', members.join('\n'))).status).toBe(200);
    /** The import has its transaction open and is copying rows in: the moment a shutdown hurts. */
    const copying = () =>
      waitFor(
        async () =>
          (
            await watcher.query(
              `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1
         AND backend_xid IS NOT NULL AND query ~* 'COPY talk_import'`,
              [APPLICATION],
            )
          ).rowCount! > 0,
        'the import copying rows',
      );
    return { port, service, watcher, copying };
  }

  async function serviceOnFreshDatabase(prefix: string) {
    const url = await freshDatabase(prefix);
    const started = await startService({ DATABASE_URL: url }, url);
    return { ...started, counts: () => counts(started.watcher) };
  }

  it('refuses an upload still streaming when the grace period ends with 503, writes nothing, and exits', async () => {
    const { port, service, watcher, counts, copying } = await serviceOnFreshDatabase('sa_shutdown_refused');
    const upload = streamingImport(port);
    try {
      await copying();
      const signalled = Date.now();
      service.child.kill('SIGTERM');

      const answer = await upload.answer;
      expect(answer.status).toBe(503);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(answer.headers.connection).toBe('close');
      expect(JSON.parse(answer.body)).toMatchObject({ status: 503, detail: expect.stringMatching(/shutting down/i) });
      // Not before the grace period: the client had its chance to finish.
      expect(Date.now() - signalled).toBeGreaterThanOrEqual(GRACE_MS - 100);
      upload.abandon();

      expect(await service.exited).toBe(0);
      expect(await counts()).toEqual({ talks: 0, conferences: 0, imports: 0 });
    } finally {
      upload.abandon();
      service.child.kill('SIGKILL');
      await watcher.end();
    }
  }, 90_000);

  it('lets an upload that ends within the grace period finish: 200, every row written, then exits', async () => {
    const { port, service, watcher, counts, copying } = await serviceOnFreshDatabase('sa_shutdown_finished');
    const upload = streamingImport(port);
    try {
      await copying();
      service.child.kill('SIGTERM');
      // The client goes on sending for a while after the signal, then ends its upload.
      await new Promise((r) => setTimeout(r, GRACE_MS / 3));
      upload.finish();

      const answer = await upload.answer;
      expect(answer.status).toBe(200);
      expect(answer.headers.connection).toBe('close');
      expect(JSON.parse(answer.body)).toEqual({ created: upload.rowsSent(), conferencesCreated: 7 });
      expect(await service.exited).toBe(0);
      expect(await counts()).toEqual({ talks: upload.rowsSent(), conferences: 7, imports: 1 });
    } finally {
      upload.abandon();
      service.child.kill('SIGKILL');
      await watcher.end();
    }
  }, 90_000);

  it('answers a request arriving during the shutdown with 503, or not at all once the port is closed', async () => {
    const { port, service, watcher, copying } = await serviceOnFreshDatabase('sa_shutdown_new');
    const upload = streamingImport(port);
    try {
      await copying();
      service.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      // (Errors of Node's own are not instances of the test's Error class: told apart by their code.)
      const late = await requestAsAdmin(port, 'GET', '/health').then(
        (answer) => ({ answer, code: undefined }),
        (error: NodeJS.ErrnoException) => ({ answer: undefined, code: error.code }),
      );
      if (late.answer === undefined) expect(late.code).toBe('ECONNREFUSED');
      else {
        expect(late.answer.status).toBe(503);
        expect(late.answer.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
      upload.finish();
      expect((await upload.answer).status).toBe(200);
      expect(await service.exited).toBe(0);
    } finally {
      upload.abandon();
      service.child.kill('SIGKILL');
      await watcher.end();
    }
  }, 90_000);

  it('with the embedded PostgreSQL (DATABASE_URL unset), stops PostgreSQL only after the refusal went out', async () => {
    const work = mkdtempSync(join(tmpdir(), 'sa-shutdown-embedded-'));
    // As root, PostgreSQL runs as the postgres user, which must reach its data folder inside this one.
    chmodSync(work, 0o755);
    const dataDir = join(work, 'pg');
    const pgPort = await freePort();
    const url = `postgres://speaker_allocation:speaker_allocation@127.0.0.1:${pgPort}/speaker_allocation`;
    const { port, service, watcher, copying } = await startService({ DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort) }, url);
    const upload = streamingImport(port);
    try {
      await copying();
      service.child.kill('SIGTERM');
      const answer = await upload.answer;
      expect(answer.status).toBe(503);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
      upload.abandon();
      expect(await service.exited).toBe(0);

      // The service stopped its PostgreSQL: started again on the same data, it holds nothing of the import.
      const pg = await startEmbeddedPostgres({ dataDir, port: pgPort, log: () => undefined });
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        expect(await counts(client)).toEqual({ talks: 0, conferences: 0, imports: 0 });
      } finally {
        await client.end();
        await pg.stop();
      }
    } finally {
      upload.abandon();
      service.child.kill('SIGKILL');
      await watcher.end().catch(() => undefined);
      rmSync(work, { recursive: true, force: true });
    }
  }, 120_000);
});
