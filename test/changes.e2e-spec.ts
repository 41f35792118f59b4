// Cached answers (report counts, users by token) must never outlive the data they were made from:
// this process's own writes drop them before the write returns; another process's committed writes
// drop them when PostgreSQL's notification arrives; while the notification connection is down
// nothing is served from cache. The side client below stands for "another process".
import { Client } from 'pg';
import { ChangeFeed } from '../src/changes/change-feed';
import { createConference, createInstitute, createMember, createSlot, createTalk, MemberFixture } from './support/fixtures';
import { bearer, createTestApp, TestApp } from './support/test-app';

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

describe('caches kept by the change feed', () => {
  let t: TestApp;
  let side: Client;
  let monitor: string;
  let member: MemberFixture;
  let conferenceId: string;

  /** Talks by career stage, as the report counts them; `fresh` asks for a count made now. */
  const talksCounted = async (fresh = false): Promise<number> => {
    const request = t.http.get('/api/v1/reports/balance').query({ population: 'talks', dimension: 'careerStage' }).set(bearer(monitor));
    const res = await (fresh ? request.set('Cache-Control', 'no-cache') : request);
    expect(res.status).toBe(200);
    return res.body.groups[0].cells.reduce((sum: number, c: { count: number | null }) => sum + (c.count ?? 0), 0);
  };
  /**
   * A talk written with its notification trigger off (the tally's triggers still run, as they do for
   * every write): nothing is announced, so only a cache miss can see it.
   */
  const silentTalk = async () => {
    await side.query('BEGIN');
    await side.query(`ALTER TABLE talk DISABLE TRIGGER talk_notify_change`);
    await side.query(
      `INSERT INTO talk (member_id, conference_id, talk_type, date, career_stage, institute_id)
       SELECT m.id, $2, 'poster', '2020-03-01', m.career_stage, m.institute_id FROM member m WHERE m.id = $1`,
      [member.id, conferenceId],
    );
    await side.query(`ALTER TABLE talk ENABLE TRIGGER talk_notify_change`);
    await side.query('COMMIT');
  };
  const listening = async () =>
    (
      await side.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity
     WHERE datname = current_database() AND application_name = 'speaker-allocation-changes'`,
      )
    ).rows[0].n === 1;

  /** Runs `write` with the feed's notifications held back: only the service's own bookkeeping can then drop a cached count. */
  const withoutNotifications = async (write: () => Promise<void>) => {
    const client = (t.app.get(ChangeFeed) as unknown as { client: Client }).client;
    const listeners = client.listeners('notification') as ((message: unknown) => void)[];
    client.removeAllListeners('notification');
    try {
      await write();
    } finally {
      for (const listener of listeners) client.on('notification', listener);
    }
  };

  beforeAll(async () => {
    t = await createTestApp();
    side = new Client({ connectionString: t.databaseUrl, application_name: 'another-process' });
    await side.connect();
    monitor = await t.token('monitor');
    const institute = await createInstitute(t.dataSource, { country: 'IT' });
    member = await createMember(t.dataSource, { instituteId: institute.id, careerStage: 'postdoc' });
    conferenceId = (await createConference(t.dataSource, { startDate: '2020-03-01', tier: 'major' })).id;
    for (let i = 0; i < 3; i++) await createTalk(t.dataSource, { memberId: member.id, conferenceId });
    await eventually(listening, 'the service listens for changes');
  });
  afterAll(async () => {
    await side?.end();
    await t?.close();
  });

  it('serves a count again from cache, and afresh on Cache-Control: no-cache', async () => {
    const before = await talksCounted();
    await silentTalk();
    // Nothing announced the silent write: the cached count stands, a fresh one sees it.
    expect(await talksCounted()).toBe(before);
    expect(await talksCounted(true)).toBe(before + 1);
    // The fresh count replaced the cached one.
    expect(await talksCounted()).toBe(before + 1);
  });

  it("shows this process's own write at once, through the API or its own connection pool", async () => {
    const before = await talksCounted();
    const committee = await t.token('committee');
    // Without the listening connection's help: the pool's own connections hear their commits.
    await withoutNotifications(async () => {
      const res = await t.http
        .post('/api/v1/talks')
        .set(bearer(committee))
        .send({ memberId: member.id, conferenceId, talkType: 'parallel' });
      expect(res.status).toBe(201);
      expect(await talksCounted()).toBe(before + 1);
      await createTalk(t.dataSource, { memberId: member.id, conferenceId });
      expect(await talksCounted()).toBe(before + 2);
      await t.dataSource.transaction(async (manager) => {
        await manager.query(`DELETE FROM talk WHERE id = $1`, [res.body.id]);
      });
      expect(await talksCounted()).toBe(before + 1);
    });
  });

  it('shows a nomination at once in a cached report, though it is written by a prepared statement TypeORM does not see', async () => {
    const nominationsCounted = async () => {
      const res = await t.http
        .get('/api/v1/reports/balance')
        .query({ population: 'nominations', dimension: 'careerStage' })
        .set(bearer(monitor));
      return res.body.groups[0].total as number;
    };
    const upcoming = await createConference(t.dataSource, { startDate: '2099-06-01', endDate: '2099-06-05' });
    const slot = await createSlot(t.dataSource, { conferenceId: upcoming.id });
    const nominator = await t.token('nominator');
    const before = await nominationsCounted();
    await withoutNotifications(async () => {
      const res = await t.http
        .post('/api/v1/nominations')
        .set(bearer(nominator))
        .send({ memberId: member.id, slotId: slot.id, reason: 'Fresh results' });
      expect(res.status).toBe(201);
      expect(await nominationsCounted()).toBe(before + 1);
    });
  });

  it('keeps talk counts cached through writes to tables they do not read, and drops them on an import', async () => {
    // A conference written moves the talk tally's generation (a tier change moves talks between its
    // cells), so it is written before the count is cached.
    const upcoming = await createConference(t.dataSource, { startDate: '2099-07-01', endDate: '2099-07-05' });
    const cached = await talksCounted();
    await silentTalk();
    const slot = await createSlot(t.dataSource, { conferenceId: upcoming.id });
    const res = await t.http
      .post('/api/v1/nominations')
      .set(bearer(await t.token('nominator')))
      .send({ memberId: member.id, slotId: slot.id, reason: 'Strong results' });
    expect(res.status).toBe(201);
    // Slots and nominations changed; the talk report reads neither, so it stays cached
    // (the silent talk does not show).
    expect(await talksCounted()).toBe(cached);

    await t.dataSource.query(`UPDATE member SET external_id = 'FEED-1' WHERE id = $1`, [member.id]);
    const committee = await t.token('committee');
    await withoutNotifications(async () => {
      const imported = await t.http
        .post('/api/v1/talks/import')
        .set(bearer(committee))
        .set('Content-Type', 'text/csv')
        .send(
          'externalId,conference,year,talkType,date,tier\n' +
            'FEED-1,Feed Workshop,2019,poster,2019-05-02,minor\nFEED-1,Feed Workshop,2019,plenary,2019-05-03,minor\n',
        );
      expect(imported.status).toBe(200);
      // The import wrote on the driver's own client, unseen by TypeORM: the service still knows.
      expect(await talksCounted()).toBe(cached + 3);
    });
  });

  it("shows another process's committed write once its notification arrives, never an uncommitted one", async () => {
    const before = await talksCounted();
    await side.query('BEGIN');
    await side.query(
      `INSERT INTO talk (member_id, conference_id, talk_type, date, career_stage, institute_id)
       SELECT m.id, $2, 'seminar', '2020-03-02', m.career_stage, m.institute_id FROM member m WHERE m.id = $1`,
      [member.id, conferenceId],
    );
    expect(await talksCounted()).toBe(before);
    await side.query('ROLLBACK');
    expect(await talksCounted()).toBe(before);
    await side.query(
      `INSERT INTO talk (member_id, conference_id, talk_type, date, career_stage, institute_id)
       SELECT m.id, $2, 'seminar', '2020-03-02', m.career_stage, m.institute_id FROM member m WHERE m.id = $1`,
      [member.id, conferenceId],
    );
    await eventually(async () => (await talksCounted()) === before + 1, "the report counts the other process's talk");
  });

  it("applies this process's own change of roles to authentication at once", async () => {
    const user = await t.user('monitor');
    expect((await t.http.get('/api/v1/reports/equity').set(bearer(user.token))).status).toBe(200);
    // A write elsewhere (a nomination's table) keeps users cached; one naming app_user does not.
    await createTalk(t.dataSource, { memberId: member.id, conferenceId });
    expect((await t.http.get('/api/v1/reports/equity').set(bearer(user.token))).status).toBe(200);
    await t.dataSource.query(`UPDATE "app_user" SET roles = '{nominator}' WHERE id = $1`, [user.id]);
    expect((await t.http.get('/api/v1/reports/equity').set(bearer(user.token))).status).toBe(403);
    await t.dataSource.transaction((manager) =>
      manager.query(`UPDATE app_user SET token_hash = 'revoked-' || id WHERE id = $1`, [user.id]),
    );
    expect((await t.http.get('/api/v1/nominations').set(bearer(user.token))).status).toBe(401);
  });

  it("applies another process's change of roles or tokens to authentication", async () => {
    const user = await t.user('monitor');
    expect((await t.http.get('/api/v1/reports/equity').set(bearer(user.token))).status).toBe(200);
    await side.query(`UPDATE app_user SET roles = '{nominator}' WHERE id = $1`, [user.id]);
    await eventually(
      async () => (await t.http.get('/api/v1/reports/equity').set(bearer(user.token))).status === 403,
      'the monitor role taken away',
    );
    await side.query(`UPDATE app_user SET token_hash = 'revoked-' || id WHERE id = $1`, [user.id]);
    await eventually(async () => (await t.http.get('/api/v1/nominations').set(bearer(user.token))).status === 401, 'the token revoked');
  });

  it('serves nothing from cache while the notification connection is down, and caches again once it is back', async () => {
    await talksCounted();
    await side.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                      WHERE datname = current_database() AND application_name = 'speaker-allocation-changes'`);
    const feed = t.app.get(ChangeFeed);
    await eventually(async () => !feed.live, 'the service noticed the lost connection');
    const truth = async () => Number((await side.query(`SELECT count(*) FROM talk WHERE date <= current_date`)).rows[0].count);
    await silentTalk();
    // Until the feed is back every count is made afresh; once back, it has started a new epoch.
    expect(await talksCounted()).toBe(await truth());
    await eventually(listening, 'the service listens again');
    const now = await talksCounted();
    expect(now).toBe(await truth());
    await silentTalk();
    expect(await talksCounted()).toBe(now);
    expect(await talksCounted(true)).toBe(now + 1);
  });
});
