// A bulk import whose process dies in the middle (SIGKILL: no shutdown hook, no rollback from Node)
// must leave nothing behind: no rows, no created institutes or conferences, no audit event. The
// service started again takes the same file and imports it whole. Runs the compiled service (dist/)
// on its own database in the test run's PostgreSQL.
import { Client } from 'pg';
import { freePort } from '../../src/database/embedded-postgres';
import { requestAsAdmin, spawnService } from '../support/postgres-process';
import { ADMIN_TOKEN, cloneTemplate } from '../support/test-app';

const APPLICATION = 'speaker-allocation';
const MEMBERS = 60_000;
const TALK_MEMBERS = 1_000;
const TALKS = 100_000;

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what}: not reached in ${timeoutMs} ms`);
}

/** The service as an operator runs it, on its own port, healthy before it is used. */
async function startService(databaseUrl: string) {
  const port = await freePort();
  const service = spawnService({ DATABASE_URL: databaseUrl, PORT: String(port), ADMIN_TOKEN });
  try {
    await waitFor(async () => (await requestAsAdmin(port, 'GET', '/health')).status === 200, 'service healthy', 60_000);
  } catch (error) {
    service.child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${service.output()}`);
  }
  return { port, ...service };
}

/**
 * Watches the service's own database sessions until one has begun writing (it holds a transaction id)
 * and is running a statement matching `pattern`, then kills the service outright. Returns that statement.
 */
async function killDuringStatement(
  watcher: Client,
  service: ReturnType<typeof spawnService>,
  pattern: string,
  answer: Promise<unknown>,
): Promise<string> {
  let finished = false;
  void answer.then(
    () => {
      finished = true;
    },
    () => {
      finished = true;
    },
  );
  for (;;) {
    const { rows } = await watcher.query(
      `SELECT query FROM pg_stat_activity
       WHERE datname = current_database() AND application_name = $1 AND state = 'active'
         AND backend_xid IS NOT NULL AND query ~* $2`,
      [APPLICATION, pattern],
    );
    if (rows.length > 0) {
      service.child.kill('SIGKILL');
      await service.exited;
      return rows[0].query as string;
    }
    if (finished) throw new Error(`the import answered before a statement matching /${pattern}/ was seen; make it larger`);
  }
}

/** The killed service's sessions are gone once PostgreSQL has noticed and rolled their work back. */
async function sessionsGone(watcher: Client): Promise<void> {
  await waitFor(async () => {
    const { rows } = await watcher.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`,
      [APPLICATION],
    );
    return rows[0].n === 0;
  }, "the dead service's database sessions ended");
}

function memberCsv(count: number, prefix: string): string {
  const lines = ['externalId,name,email,institute,country,careerStage,gender'];
  const stages = ['student', 'postdoc', 'nontenured', 'tenured', 'engineer', 'other'];
  for (let i = 0; i < count; i++) {
    lines.push(
      `${prefix}-${i},Member ${prefix} ${i},${prefix.toLowerCase()}${i}@kill.example,${prefix} Institute ${i % 40},DE,${stages[i % 6]},woman`,
    );
  }
  return lines.join('\n');
}

function talkCsv(count: number, members: number, prefix: string): string {
  const lines = ['externalId,conference,year,talkType,date,tier'];
  const types = ['plenary', 'parallel', 'poster', 'summary', 'seminar'];
  for (let i = 0; i < count; i++) {
    const year = 2010 + (Math.floor(i / 30) % 15);
    lines.push(
      `${prefix}-${i % members},Killed Conference ${i % 30},${year},${types[i % 5]},${year}-06-${String((i % 28) + 1).padStart(2, '0')},standard`,
    );
  }
  return lines.join('\n');
}

describe('an import killed halfway', () => {
  const databases: Array<{ drop(): Promise<void> }> = [];

  afterAll(async () => {
    for (const database of databases) await database.drop();
  });

  /** A migrated database of its own, and a session watching it under another application name. */
  async function freshDatabase(prefix: string): Promise<{ url: string; watcher: Client }> {
    const database = await cloneTemplate(prefix);
    databases.push(database);
    const watcher = new Client({ connectionString: database.url, application_name: 'import-kill-test' });
    await watcher.connect();
    return { url: database.url, watcher };
  }

  it('of members leaves no member, institute or audit event, and the same file imports after a restart', async () => {
    const { url, watcher } = await freshDatabase('sa_member_import_kill');
    const counts = async () =>
      (
        await watcher.query(`
      SELECT (SELECT count(*) FROM member)::int AS members,
             (SELECT count(*) FROM member_career_stage)::int AS stages,
             (SELECT count(*) FROM institute)::int AS institutes,
             (SELECT count(*) FROM audit_event WHERE action = 'member.import')::int AS imports`)
      ).rows[0];
    let service = await startService(url);
    try {
      const before = await counts();
      expect(before).toMatchObject({ members: 0, stages: 0, imports: 0 });
      const csv = memberCsv(MEMBERS, 'KILL');

      const answer = requestAsAdmin(service.port, 'POST', '/api/v1/members/import', csv);
      const statement = await killDuringStatement(watcher, service, String.raw`INSERT INTO member\M`, answer);
      expect(statement).toMatch(/member/i);
      await expect(answer).rejects.toThrow(/socket hang up|ECONNRESET/);
      await sessionsGone(watcher);
      expect(await counts()).toEqual(before);

      service = await startService(url);
      const again = await requestAsAdmin(service.port, 'POST', '/api/v1/members/import', csv);
      expect(again.status).toBe(200);
      expect(JSON.parse(again.body)).toMatchObject({ created: MEMBERS, updated: 0, institutesCreated: 40 });
      expect(await counts()).toEqual({ members: MEMBERS, stages: MEMBERS, institutes: before.institutes + 40, imports: 1 });
    } finally {
      service.child.kill('SIGKILL');
      await watcher.end();
    }
  }, 90_000);

  it('of talks leaves no talk, conference or audit event, and the same file imports after a restart', async () => {
    const { url, watcher } = await freshDatabase('sa_talk_import_kill');
    const counts = async () =>
      (
        await watcher.query(`
      SELECT (SELECT count(*) FROM talk)::int AS talks,
             (SELECT count(*) FROM conference)::int AS conferences,
             (SELECT count(*) FROM audit_event WHERE action = 'talk.import')::int AS imports`)
      ).rows[0];
    let service = await startService(url);
    try {
      const members = await requestAsAdmin(service.port, 'POST', '/api/v1/members/import', memberCsv(TALK_MEMBERS, 'SPK'));
      expect(members.status).toBe(200);
      const before = await counts();
      expect(before).toEqual({ talks: 0, conferences: 0, imports: 0 });
      const csv = talkCsv(TALKS, TALK_MEMBERS, 'SPK');

      const answer = requestAsAdmin(service.port, 'POST', '/api/v1/talks/import', csv);
      // Wait for the write into the talk table itself, after the conferences have been created.
      const statement = await killDuringStatement(watcher, service, String.raw`INSERT INTO talk\M`, answer);
      expect(statement).toMatch(/INSERT INTO talk/);
      await expect(answer).rejects.toThrow(/socket hang up|ECONNRESET/);
      await sessionsGone(watcher);
      expect(await counts()).toEqual(before);

      service = await startService(url);
      const again = await requestAsAdmin(service.port, 'POST', '/api/v1/talks/import', csv);
      expect(again.status).toBe(200);
      expect(JSON.parse(again.body)).toEqual({ created: TALKS, conferencesCreated: 30 * 15 });
      expect(await counts()).toEqual({ talks: TALKS, conferences: 30 * 15, imports: 1 });
    } finally {
      service.child.kill('SIGKILL');
      await watcher.end();
    }
  }, 120_000);
});
