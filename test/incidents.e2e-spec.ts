import { open, readIncidentKey, reporterLookup } from '../src/incidents/incident-crypto';
import { bearer, createTestApp, TestApp } from './support/test-app';

const INCIDENT_KEY = '3f'.repeat(16) + 'a7'.repeat(16);
const keys = (() => {
  const reading = readIncidentKey(INCIDENT_KEY);
  if (!reading.ok) throw new Error(reading.reason);
  return reading.keys;
})();

describe('incidents: confidential harassment reports', () => {
  let t: TestApp;
  let conferenceId: string;
  let contact: { id: string; token: string };
  let others: Record<'admin' | 'committee' | 'nominator' | 'monitor', string>;

  beforeAll(async () => {
    t = await createTestApp({ env: { INCIDENT_KEY } });
    [{ id: conferenceId }] = await t.dataSource.query(
      `INSERT INTO conference (name, start_date, end_date, tier) VALUES ('Quark Matter 2026', '2026-04-05', '2026-04-11', 'major') RETURNING id`,
    );
    contact = await t.user('contact');
    others = {
      admin: t.admin,
      committee: await t.token('committee'),
      nominator: await t.token('nominator'),
      monitor: await t.token('monitor'),
    };
  });
  afterAll(async () => {
    await t?.close();
  });

  const file = (token: string, body: Record<string, unknown>) =>
    t.http
      .post('/api/v1/incidents')
      .set(bearer(token))
      .send({ conferenceId, ...body });

  /** Every row of every table, as text: what someone with database access could read. */
  async function everyRow(): Promise<Set<string>> {
    const tables: { name: string }[] = await t.dataSource.query(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    const rows: { row: string }[] = await t.dataSource.query(
      tables.map((table) => `SELECT '${table.name}: ' || x::text AS row FROM "${table.name}" x`).join(' UNION ALL '),
    );
    return new Set(rows.map((r) => r.row));
  }

  it('lets every role file a report and answers an id and a follow-up code', async () => {
    for (const token of [...Object.values(others), contact.token]) {
      const res = await file(token, { description: 'He kept touching my arm at the poster session', occurredOn: '2026-04-07' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        followUpCode: expect.stringMatching(/^fu_/),
        anonymous: false,
        status: 'received',
      });
    }
    expect((await t.http.post('/api/v1/incidents').send({ conferenceId, description: 'x' })).status).toBe(401);
  });

  it('rejects bad reports with 400 or 422 problem+json', async () => {
    const nominator = others.nominator;
    const missing = await file(nominator, {});
    expect(missing.status).toBe(400);
    expect(missing.body.errors.map((e: { field: string }) => e.field)).toContain('description');
    expect((await file(nominator, { description: '   ' })).status).toBe(400);
    expect((await file(nominator, { description: 'x'.repeat(20001) })).status).toBe(400);
    expect((await file(nominator, { description: 'x', reporterName: 'me' })).status).toBe(400);
    expect((await file(nominator, { description: 'x', anonymous: 'yes' })).status).toBe(400);
    expect((await file(nominator, { description: 'x', occurredOn: '2026-02-30' })).status).toBe(400);
    const future = await file(nominator, { description: 'x', occurredOn: '2099-01-01' });
    expect(future.status).toBe(422);
    const unknown = await t.http
      .post('/api/v1/incidents')
      .set(bearer(nominator))
      .send({ conferenceId: '00000000-0000-4000-8000-000000000000', description: 'x' });
    expect(unknown.status).toBe(422);
    expect(unknown.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('refuses every role but contact on list, read, notes and status, admins included', async () => {
    const {
      body: { id },
    } = await file(others.monitor, { description: 'Role check report' });
    for (const [role, token] of Object.entries(others)) {
      const answers = await Promise.all([
        t.http.get('/api/v1/incidents').set(bearer(token)),
        t.http.get(`/api/v1/incidents/${id}`).set(bearer(token)),
        t.http.post(`/api/v1/incidents/${id}/notes`).set(bearer(token)).send({ text: 'note' }),
        t.http.patch(`/api/v1/incidents/${id}`).set(bearer(token)).send({ status: 'in_follow_up' }),
      ]);
      for (const res of answers) {
        expect({ role, status: res.status }).toEqual({ role, status: 403 });
        expect(JSON.stringify(res.body)).not.toContain('Role check report');
      }
    }
    expect((await t.http.get(`/api/v1/incidents/${id}`).set(bearer(contact.token))).status).toBe(200);
  });

  it('shows the contact the decrypted report, the named reporter, additions and notes; the list carries no content', async () => {
    const reporter = await t.user('nominator');
    const filed = await file(reporter.token, {
      description: 'At the banquet a senior colleague made comments about my body',
      concerns: 'Dr. X from institute Y',
    });
    const { id, followUpCode } = filed.body;
    const added = await t.http
      .post(`/api/v1/incidents/${id}/additions`)
      .set(bearer(reporter.token))
      .send({ followUpCode, text: 'A witness was sitting next to me' });
    expect(added.status).toBe(201);
    const noted = await t.http.post(`/api/v1/incidents/${id}/notes`).set(bearer(contact.token)).send({ text: 'Called the reporter' });
    expect(noted.status).toBe(201);

    const list = await t.http.get('/api/v1/incidents').query({ status: 'received', conferenceId }).set(bearer(contact.token));
    expect(list.status).toBe(200);
    const item = list.body.items.find((i: { id: string }) => i.id === id);
    expect(item).toMatchObject({
      status: 'received',
      anonymous: false,
      additionCount: 1,
      noteCount: 1,
      conferenceName: 'Quark Matter 2026',
    });
    expect(JSON.stringify(list.body)).not.toMatch(/banquet|Dr\. X|witness|Called/);

    const read = await t.http.get(`/api/v1/incidents/${id}`).set(bearer(contact.token));
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      id,
      conferenceId,
      status: 'received',
      version: 1,
      description: 'At the banquet a senior colleague made comments about my body',
      concerns: 'Dr. X from institute Y',
      reporter: { id: reporter.id, name: expect.stringContaining('nominator') },
      nextStatuses: ['in_follow_up', 'closed'],
      additions: [{ text: 'A witness was sitting next to me', at: expect.any(String) }],
      notes: [{ text: 'Called the reporter', authorId: contact.id, at: expect.any(String) }],
      history: [],
    });
    expect(read.body).not.toHaveProperty('followUpCode');
  });

  it("accepts additions only with the report's own follow-up code", async () => {
    const a = await file(others.committee, { description: 'Report A' });
    const b = await file(others.committee, { description: 'Report B' });
    const add = (id: string, code: string) =>
      t.http.post(`/api/v1/incidents/${id}/additions`).set(bearer(others.monitor)).send({ followUpCode: code, text: 'more' });
    expect((await add(a.body.id, b.body.followUpCode)).status).toBe(403);
    expect((await add(a.body.id, 'fu_guess')).status).toBe(403);
    expect((await add('00000000-0000-4000-8000-000000000000', a.body.followUpCode)).status).toBe(404);
    expect((await add(a.body.id, a.body.followUpCode)).status).toBe(201);
    const stored = await t.dataSource.query(`SELECT follow_up_code_hash::text AS h FROM incident WHERE id = $1`, [a.body.id]);
    expect(stored[0].h).not.toContain(a.body.followUpCode);
  });

  it('shows named reporters the status of their own reports only, and anonymous reports to nobody', async () => {
    const reporter = await t.user('monitor');
    const named = await file(reporter.token, { description: 'Named report' });
    await file(reporter.token, { description: 'Anonymous report', anonymous: true });
    await t.http.patch(`/api/v1/incidents/${named.body.id}`).set(bearer(contact.token)).send({ status: 'in_follow_up' });
    const mine = await t.http.get('/api/v1/incidents/mine').set(bearer(reporter.token));
    expect(mine.status).toBe(200);
    expect(mine.body.total).toBe(1);
    expect(mine.body.items).toEqual([
      {
        id: named.body.id,
        conferenceId,
        status: 'in_follow_up',
        receivedAt: expect.any(String),
        updatedAt: expect.any(String),
      },
    ]);
    const stranger = await t.http.get('/api/v1/incidents/mine').set(bearer(await t.token('monitor')));
    expect(stranger.body).toMatchObject({ items: [], total: 0 });
  });

  it('stores no trace of an anonymous reporter in any table, audit included', async () => {
    const reporter = await t.user('committee');
    const traces = [reporter.id, reporterLookup(keys, reporter.id).toString('hex')];
    const found = (rows: string[]) => rows.filter((row) => traces.some((trace) => row.includes(trace)));

    const before = await everyRow();
    const filed = await file(reporter.token, { description: 'Anonymous: the chair shouted at me', anonymous: true });
    expect(filed.status).toBe(201);
    expect(filed.body.anonymous).toBe(true);
    await t.http
      .post(`/api/v1/incidents/${filed.body.id}/additions`)
      .set(bearer(reporter.token))
      .send({ followUpCode: filed.body.followUpCode, text: 'It happened twice' });
    const added = [...(await everyRow())].filter((row) => !before.has(row));
    expect(added.length).toBeGreaterThanOrEqual(3);
    expect(found(added)).toEqual([]);

    const [incident] = await t.dataSource.query(`SELECT reporter, reporter_lookup FROM incident WHERE id = $1`, [filed.body.id]);
    expect(incident).toEqual({ reporter: null, reporter_lookup: null });
    const audit = await t.dataSource.query(
      `SELECT action, actor_id, actor_roles, request_id, before, after FROM audit_event WHERE entity_id = $1 ORDER BY id`,
      [filed.body.id],
    );
    expect(audit).toEqual([
      { action: 'incident.file', actor_id: null, actor_roles: [], request_id: null, before: null, after: null },
      { action: 'incident.add-information', actor_id: null, actor_roles: [], request_id: null, before: null, after: null },
    ]);
    const read = await t.http.get(`/api/v1/incidents/${filed.body.id}`).set(bearer(contact.token));
    expect(read.body.reporter).toBeNull();
    expect(JSON.stringify(read.body)).not.toContain(reporter.id);

    // The same search finds a named filing, so it would find a leak.
    const beforeNamed = await everyRow();
    await file(reporter.token, { description: 'Named this time' });
    expect(found([...(await everyRow())].filter((row) => !beforeNamed.has(row)))).not.toEqual([]);
  });

  it('encrypts text at rest: the raw columns are not the plaintext, the key opens them, and moved ciphertext is refused', async () => {
    const description = 'Plaintext marker 7c1e: cornered in the coffee break';
    const concerns = 'Concerns marker 9d2f';
    const {
      body: { id },
    } = await file(others.nominator, { description, concerns });
    await t.http.post(`/api/v1/incidents/${id}/notes`).set(bearer(contact.token)).send({ text: 'Note marker 4b8a' });
    const [raw] = await t.dataSource.query(`SELECT description, concerns, reporter FROM incident WHERE id = $1`, [id]);
    const [note] = await t.dataSource.query(`SELECT body FROM incident_entry WHERE incident_id = $1 AND kind = 'note'`, [id]);
    for (const [value, text] of [
      [raw.description, description],
      [raw.concerns, concerns],
      [note.body, 'Note marker 4b8a'],
    ] as [Buffer, string][]) {
      expect(Buffer.isBuffer(value)).toBe(true);
      expect(value.includes(Buffer.from(text))).toBe(false);
    }
    expect(open(keys.encryption, raw.description, id, 'description')).toBe(description);
    expect(open(keys.encryption, raw.concerns, id, 'concerns')).toBe(concerns);
    expect(JSON.stringify(await everyRow())).not.toMatch(/7c1e|9d2f|4b8a/);

    const { body: other } = await file(others.nominator, { description: 'Another report' });
    await t.dataSource.query(`UPDATE incident SET description = $1 WHERE id = $2`, [raw.description, other.id]);
    const swapped = await t.http.get(`/api/v1/incidents/${other.id}`).set(bearer(contact.token));
    expect(swapped.status).toBe(500);
    expect(swapped.body.detail).toMatch(/could not be decrypted/);
    expect(JSON.stringify(swapped.body)).not.toContain('7c1e');
  });

  it('moves a report through the status machine with the action recorded, and refuses illegal moves', async () => {
    const {
      body: { id, followUpCode },
    } = await file(others.committee, { description: 'Status machine report' });
    const patch = (body: Record<string, unknown>) => t.http.patch(`/api/v1/incidents/${id}`).set(bearer(contact.token)).send(body);

    const skipped = await patch({ status: 'action_taken', action: 'Warned' });
    expect(skipped.status).toBe(409);
    expect(skipped.body).toMatchObject({ status: 409, currentStatus: 'received', nextStatuses: ['in_follow_up', 'closed'] });
    expect((await patch({ status: 'in_follow_up', action: 'not here' })).status).toBe(422);
    expect((await patch({ status: 'archived' })).status).toBe(400);

    const followUp = await patch({ status: 'in_follow_up', version: 1 });
    expect(followUp.status).toBe(200);
    expect(followUp.body).toMatchObject({ id, status: 'in_follow_up', version: 2 });
    expect((await patch({ status: 'action_recommended', version: 1, action: 'x' })).status).toBe(409);
    const noAction = await patch({ status: 'action_recommended' });
    expect(noAction.status).toBe(422);
    expect(noAction.body.errors).toEqual([{ field: 'action', message: 'is required for this status' }]);
    expect((await patch({ status: 'action_recommended', action: 'Written warning from the spokesperson' })).status).toBe(200);
    expect((await patch({ status: 'action_taken', action: 'Warning sent on 2026-11-20' })).status).toBe(200);
    expect((await patch({ status: 'in_follow_up' })).status).toBe(409);
    expect((await patch({ status: 'closed' })).status).toBe(200);
    expect((await patch({ status: 'in_follow_up' })).status).toBe(409);
    const late = await t.http.post(`/api/v1/incidents/${id}/additions`).set(bearer(others.committee)).send({ followUpCode, text: 'late' });
    expect(late.status).toBe(409);

    const read = await t.http.get(`/api/v1/incidents/${id}`).set(bearer(contact.token));
    expect(read.body).toMatchObject({ status: 'closed', version: 5, nextStatuses: [] });
    expect(read.body.history.map((h: { from: string; to: string; action: string | null }) => [h.from, h.to, h.action])).toEqual([
      ['received', 'in_follow_up', null],
      ['in_follow_up', 'action_recommended', 'Written warning from the spokesperson'],
      ['action_recommended', 'action_taken', 'Warning sent on 2026-11-20'],
      ['action_taken', 'closed', null],
    ]);

    const audit = await t.dataSource.query(
      `SELECT action, actor_id, before, after FROM audit_event WHERE entity = 'incident' AND entity_id = $1 AND action = 'incident.status' ORDER BY id`,
      [id],
    );
    expect(audit.map((a: { after: { status: string } }) => a.after.status)).toEqual([
      'in_follow_up',
      'action_recommended',
      'action_taken',
      'closed',
    ]);
    expect(audit.every((a: { actor_id: string }) => a.actor_id === contact.id)).toBe(true);
    expect(JSON.stringify(await t.dataSource.query(`SELECT * FROM audit_event`))).not.toMatch(
      /spokesperson|Warning sent|Status machine report/,
    );
  });

  it('closes an unfounded report straight from received, with a closing remark', async () => {
    const {
      body: { id },
    } = await file(others.monitor, { description: 'Probably a misunderstanding' });
    const closed = await t.http
      .patch(`/api/v1/incidents/${id}`)
      .set(bearer(contact.token))
      .send({ status: 'closed', action: 'Unfounded: both parties confirmed a misunderstanding' });
    expect(closed.status).toBe(200);
    expect(closed.body.status).toBe('closed');
    expect((await t.http.get('/api/v1/incidents/00000000-0000-4000-8000-000000000000').set(bearer(contact.token))).status).toBe(404);
    expect((await t.http.get('/api/v1/incidents/not-a-uuid').set(bearer(contact.token))).status).toBe(400);
  });
});
