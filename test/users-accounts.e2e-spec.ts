// Accounts an admin manages: read one user, rename, change roles, disable and enable, rotate a token.
// Every change reaches authentication at the user's very next request (the users-by-token cache must
// not keep the old answer), every change is in the audit log, and nobody can lock all admins out.
import { randomUUID } from 'node:crypto';
import { bearer, createTestApp, TestApp } from './support/test-app';

describe('accounts: users an admin manages', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  const audit = async (entityId: string) =>
    (await t.http.get('/api/v1/audit').query({ entity: 'user', entityId }).set(bearer(t.admin))).body.items as Array<{
      action: string;
      actorId: string | null;
      before: unknown;
      after: unknown;
    }>;
  const adminId = async () => (await t.http.get('/api/v1/users/me').set(bearer(t.admin))).body.id as string;

  it('shows one user, without any token or token hash, and 404 for an unknown one', async () => {
    const created = await t.http
      .post('/api/v1/users')
      .set(bearer(t.admin))
      .send({ name: 'New Account', email: `new.${randomUUID()}@example.org`, roles: ['monitor'] });
    expect(created.body).toMatchObject({ disabled: false, fromAdminToken: false });
    const user = await t.user('committee');
    const res = await t.http.get(`/api/v1/users/${user.id}`).set(bearer(t.admin));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: user.id, roles: ['committee'], disabled: false, fromAdminToken: false });
    const [{ token_hash: hash }] = await t.dataSource.query(`SELECT token_hash FROM app_user WHERE id = $1`, [user.id]);
    const list = await t.http.get('/api/v1/users').query({ limit: 500 }).set(bearer(t.admin));
    for (const text of [res.text, list.text]) {
      expect(text).not.toContain(hash);
      expect(text).not.toContain(user.token);
      expect(text).not.toMatch(/tokenHash|token_hash/);
    }

    const missing = await t.http.get(`/api/v1/users/${randomUUID()}`).set(bearer(t.admin));
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((await t.http.get('/api/v1/users/not-a-uuid').set(bearer(t.admin))).status).toBe(400);
    // "me" is still who you are, not a user id.
    expect((await t.http.get('/api/v1/users/me').set(bearer(user.token))).body.id).toBe(user.id);
  });

  it("changes roles, effective at the user's next request, and records the change", async () => {
    const user = await t.user('monitor');
    // Twice, so the user is served from the cache when the change lands.
    expect((await t.http.get('/api/v1/reports/balance').query({ dimension: 'region' }).set(bearer(user.token))).status).toBe(200);
    expect((await t.http.get('/api/v1/reports/balance').query({ dimension: 'region' }).set(bearer(user.token))).status).toBe(200);

    const res = await t.http
      .patch(`/api/v1/users/${user.id}`)
      .set(bearer(t.admin))
      .send({ roles: ['nominator'], name: 'Renamed Nominator' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: user.id, name: 'Renamed Nominator', roles: ['nominator'], disabled: false });
    expect(res.body.token).toBeUndefined();

    expect((await t.http.get('/api/v1/reports/balance').query({ dimension: 'region' }).set(bearer(user.token))).status).toBe(403);
    expect((await t.http.get('/api/v1/nominations').set(bearer(user.token))).status).toBe(200);
    expect((await t.http.get('/api/v1/users/me').set(bearer(user.token))).body).toMatchObject({
      name: 'Renamed Nominator',
      roles: ['nominator'],
    });

    const [entry] = (await audit(user.id)).filter((e) => e.action === 'user.update');
    expect(entry).toMatchObject({
      actorId: await adminId(),
      before: { roles: ['monitor'], disabled: false },
      after: { roles: ['nominator'], name: 'Renamed Nominator', disabled: false },
    });
  });

  it("refuses a disabled user's token at once (401), and takes it again once enabled", async () => {
    const user = await t.user('committee');
    expect((await t.http.get('/api/v1/users/me').set(bearer(user.token))).status).toBe(200);
    expect((await t.http.get('/api/v1/users/me').set(bearer(user.token))).status).toBe(200);

    const disabled = await t.http.patch(`/api/v1/users/${user.id}`).set(bearer(t.admin)).send({ disabled: true });
    expect(disabled.status).toBe(200);
    expect(disabled.body.disabled).toBe(true);
    for (let i = 0; i < 2; i++) {
      const res = await t.http.get('/api/v1/conferences').set(bearer(user.token));
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.detail).toMatch(/disabled/);
    }
    expect((await t.http.get(`/api/v1/users/${user.id}`).set(bearer(t.admin))).body.disabled).toBe(true);

    expect((await t.http.patch(`/api/v1/users/${user.id}`).set(bearer(t.admin)).send({ disabled: false })).status).toBe(200);
    expect((await t.http.get('/api/v1/conferences').set(bearer(user.token))).status).toBe(200);
    expect(
      (await audit(user.id)).filter((e) => e.action === 'user.update').map((e) => (e.after as { disabled: boolean }).disabled),
    ).toEqual([false, true]);
  });

  it('rotates a token: the new one is shown once and works, the old one is refused from the next request', async () => {
    const user = await t.user('committee');
    expect((await t.http.get('/api/v1/users/me').set(bearer(user.token))).status).toBe(200);
    expect((await t.http.get('/api/v1/users/me').set(bearer(user.token))).status).toBe(200);

    const rotated = await t.http.post(`/api/v1/users/${user.id}/tokens`).set(bearer(t.admin));
    expect(rotated.status).toBe(201);
    expect(rotated.body).toMatchObject({ id: user.id, roles: ['committee'] });
    expect(rotated.body.token).toMatch(/^sa_/);
    expect(rotated.body.token).not.toBe(user.token);

    expect((await t.http.get('/api/v1/users/me').set(bearer(user.token))).status).toBe(401);
    expect((await t.http.get('/api/v1/users/me').set(bearer(user.token))).status).toBe(401);
    expect((await t.http.get('/api/v1/users/me').set(bearer(rotated.body.token))).body.id).toBe(user.id);

    const entries = await audit(user.id);
    expect(entries.map((e) => e.action)).toContain('user.token-rotate');
    expect(JSON.stringify(entries)).not.toContain(rotated.body.token);
    const stored = JSON.stringify(await t.dataSource.query(`SELECT * FROM app_user WHERE id = $1`, [user.id]));
    expect(stored).not.toContain(rotated.body.token);

    expect((await t.http.post(`/api/v1/users/${randomUUID()}/tokens`).set(bearer(t.admin))).status).toBe(404);
  });

  it('validates the change: unknown fields, wrong types and bad roles are 400 naming the field; an unknown user is 404', async () => {
    const user = await t.user('monitor');
    const bad = await t.http
      .patch(`/api/v1/users/${user.id}`)
      .set(bearer(t.admin))
      .send({ disabled: 'yes', roles: ['king'], email: 'new@example.org', tokenHash: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['disabled', 'roles', 'email', 'tokenHash']),
    );
    expect((await t.http.patch(`/api/v1/users/${user.id}`).set(bearer(t.admin)).send({ roles: [] })).status).toBe(400);
    expect((await t.http.patch(`/api/v1/users/${user.id}`).set(bearer(t.admin)).send({ name: '' })).status).toBe(400);
    expect((await t.http.get(`/api/v1/users/${user.id}`).set(bearer(t.admin))).body).toMatchObject({ roles: ['monitor'], disabled: false });

    const missing = await t.http.patch(`/api/v1/users/${randomUUID()}`).set(bearer(t.admin)).send({ disabled: true });
    expect(missing.status).toBe(404);
    expect(missing.body.status).toBe(404);
  });

  it('lets only admins manage users', async () => {
    const committee = await t.user('committee');
    const victim = await t.user('monitor');
    expect((await t.http.get(`/api/v1/users/${victim.id}`).set(bearer(committee.token))).status).toBe(403);
    expect((await t.http.patch(`/api/v1/users/${victim.id}`).set(bearer(committee.token)).send({ disabled: true })).status).toBe(403);
    expect(
      (
        await t.http
          .patch(`/api/v1/users/${committee.id}`)
          .set(bearer(committee.token))
          .send({ roles: ['admin'] })
      ).status,
    ).toBe(403);
    expect((await t.http.post(`/api/v1/users/${victim.id}/tokens`).set(bearer(committee.token))).status).toBe(403);
    expect((await t.http.get('/api/v1/users/me').set(bearer(victim.token))).status).toBe(200);
  });

  it('refuses (422, naming the rule) to disable or demote the last enabled admin, and allows it once another exists', async () => {
    const id = await adminId();
    const others = await t.dataSource.query(`SELECT count(*)::int AS n FROM app_user WHERE 'admin' = ANY (roles) AND id <> $1`, [id]);
    expect(others[0].n).toBe(0);

    for (const change of [{ disabled: true }, { roles: ['committee'] }]) {
      const res = await t.http.patch(`/api/v1/users/${id}`).set(bearer(t.admin)).send(change);
      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.detail).toMatch(/At least one enabled admin must remain/);
      expect(res.body.rule).toBe('last-enabled-admin');
    }
    expect((await t.http.get('/api/v1/users/me').set(bearer(t.admin))).body.roles).toEqual(['admin']);

    // With a second admin, the first may step down; then the second is the last.
    const second = await t.user('admin');
    const demoted = await t.http
      .patch(`/api/v1/users/${id}`)
      .set(bearer(second.token))
      .send({ roles: ['admin', 'committee'] });
    expect(demoted.status).toBe(200);
    expect((await t.http.patch(`/api/v1/users/${id}`).set(bearer(second.token)).send({ disabled: true })).status).toBe(200);
    expect((await t.http.get('/api/v1/users/me').set(bearer(t.admin))).status).toBe(401);
    const last = await t.http
      .patch(`/api/v1/users/${second.id}`)
      .set(bearer(second.token))
      .send({ roles: ['monitor'] });
    expect(last.status).toBe(422);
    expect((await t.http.patch(`/api/v1/users/${id}`).set(bearer(second.token)).send({ disabled: false })).status).toBe(200);
    expect((await t.http.get('/api/v1/users/me').set(bearer(t.admin))).status).toBe(200);
  });

  it('documents the routes in the OpenAPI document', async () => {
    const doc = (await t.http.get('/docs-json')).body;
    expect(doc.paths['/api/v1/users/{id}']?.get).toBeDefined();
    expect(doc.paths['/api/v1/users/{id}']?.patch).toBeDefined();
    expect(doc.paths['/api/v1/users/{id}/tokens']?.post).toBeDefined();
    expect(Object.keys(doc.paths['/api/v1/users/{id}'].patch.responses)).toEqual(expect.arrayContaining(['200', '404', '422']));
  });
});

describe('accounts: two admins disabling each other at the same moment', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('leaves one admin who can sign in', async () => {
    const a = await t.user('admin');
    const b = await t.user('admin');
    const bootstrap = (await t.http.get('/api/v1/users/me').set(bearer(t.admin))).body.id;
    expect((await t.http.patch(`/api/v1/users/${bootstrap}`).set(bearer(a.token)).send({ disabled: true })).status).toBe(200);

    const answers = await Promise.all([
      t.http.patch(`/api/v1/users/${b.id}`).set(bearer(a.token)).send({ disabled: true }),
      t.http.patch(`/api/v1/users/${a.id}`).set(bearer(b.token)).send({ disabled: true }),
    ]);
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.every((s) => [200, 401, 422].includes(s))).toBe(true);
    const signedIn = await Promise.all([a, b].map(async (u) => (await t.http.get('/api/v1/users').set(bearer(u.token))).status));
    expect(signedIn.sort()).toEqual([200, 401]);
  });
});
