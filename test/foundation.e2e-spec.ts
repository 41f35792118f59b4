import { bearer, createTestApp, TestApp } from './support/test-app';

describe('foundation: auth, errors, audit, health, docs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('reports health with the database reachable, without a token', async () => {
    const res = await t.http.get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('serves the OpenAPI document and Swagger UI without a token', async () => {
    const doc = await t.http.get('/docs-json');
    expect(doc.status).toBe(200);
    expect(doc.body.paths['/api/v1/users']).toBeDefined();
    expect((await t.http.get('/docs')).status).toBe(200);
  });

  it('answers 401 problem+json without a token or with a bad one', async () => {
    for (const headers of [{}, bearer('not-a-token'), { Authorization: 'Basic abc' }]) {
      const res = await t.http.get('/api/v1/users').set(headers);
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 401, title: 'Unauthorized' });
      expect(res.body.type).toEqual(expect.any(String));
    }
  });

  it('answers 403 for a valid token with the wrong role', async () => {
    const monitor = await t.token('monitor');
    const res = await t.http
      .post('/api/v1/users')
      .set(bearer(monitor))
      .send({ name: 'X', email: 'x@example.org', roles: ['admin'] });
    expect(res.status).toBe(403);
    expect(res.body.status).toBe(403);
  });

  it('creates users with a token shown once and stored only hashed', async () => {
    const res = await t.http
      .post('/api/v1/users')
      .set(bearer(t.admin))
      .send({ name: 'Ada Committee', email: 'ada@example.org', roles: ['committee', 'nominator'] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'Ada Committee', email: 'ada@example.org', roles: ['committee', 'nominator'] });
    const token: string = res.body.token;
    expect(token).toMatch(/^sa_/);
    const stored = await t.dataSource.query(`SELECT token_hash FROM app_user WHERE id = $1`, [res.body.id]);
    expect(stored[0].token_hash).not.toContain(token);
    const all = JSON.stringify(await t.dataSource.query(`SELECT * FROM app_user`));
    expect(all).not.toContain(token);
    const me = await t.http.get('/api/v1/users/me').set(bearer(token));
    expect(me.status).toBe(200);
    expect(me.body.roles).toEqual(['committee', 'nominator']);
    const list = await t.http.get('/api/v1/users').set(bearer(t.admin));
    expect(JSON.stringify(list.body)).not.toContain(token);
  });

  it('bootstraps the ADMIN_TOKEN user as admin', async () => {
    const res = await t.http.get('/api/v1/users/me').set(bearer(t.admin));
    expect(res.status).toBe(200);
    expect(res.body.roles).toContain('admin');
  });

  it('rejects unknown fields, wrong types and bad enums with 400 naming each field', async () => {
    const res = await t.http
      .post('/api/v1/users')
      .set(bearer(t.admin))
      .send({ name: 42, email: 'nope', roles: ['king'], shoeSize: 44 });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'email', 'roles', 'shoeSize']));
  });

  it('answers malformed JSON with 400 and bodies over 1 MB with 413, as problem+json', async () => {
    const malformed = await t.http.post('/api/v1/users').set(bearer(t.admin)).set('Content-Type', 'application/json').send('{"name": ');
    expect(malformed.status).toBe(400);
    expect(malformed.headers['content-type']).toMatch(/^application\/problem\+json/);
    const huge = await t.http
      .post('/api/v1/users')
      .set(bearer(t.admin))
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ name: 'x'.repeat(1_100_000) }));
    expect(huge.status).toBe(413);
    expect(huge.body.status).toBe(413);
  });

  it('answers a duplicate with 409 and writes nothing', async () => {
    const body = { name: 'Dup', email: 'dup@example.org', roles: ['monitor'] };
    expect((await t.http.post('/api/v1/users').set(bearer(t.admin)).send(body)).status).toBe(201);
    const again = await t.http
      .post('/api/v1/users')
      .set(bearer(t.admin))
      .send({ ...body, email: 'DUP@example.org' });
    expect(again.status).toBe(409);
    const count = await t.dataSource.query(`SELECT count(*)::int AS n FROM app_user WHERE lower(email) = 'dup@example.org'`);
    expect(count[0].n).toBe(1);
  });

  it('answers unknown routes with 404 problem+json', async () => {
    const res = await t.http.get('/api/v1/nothing-here').set(bearer(t.admin));
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('records every write in the audit log, readable and filterable by admins only', async () => {
    const created = await t.http
      .post('/api/v1/users')
      .set(bearer(t.admin))
      .send({ name: 'Audited', email: 'audited@example.org', roles: ['monitor'] });
    const res = await t.http.get('/api/v1/audit').query({ entity: 'user', entityId: created.body.id }).set(bearer(t.admin));
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(1);
    expect(res.body.items[0]).toMatchObject({ action: 'user.create', entity: 'user', entityId: created.body.id, actorRoles: ['admin'] });
    expect(JSON.stringify(res.body)).not.toContain(created.body.token);
    const committee = await t.token('committee');
    expect((await t.http.get('/api/v1/audit').set(bearer(committee))).status).toBe(403);
  });

  it('keeps the audit log append-only even for the database user', async () => {
    await expect(t.dataSource.query(`UPDATE audit_event SET action = 'tampered'`)).rejects.toThrow(/append-only/);
    await expect(t.dataSource.query(`DELETE FROM audit_event`)).rejects.toThrow(/append-only/);
    await expect(t.dataSource.query(`TRUNCATE audit_event`)).rejects.toThrow(/append-only/);
  });

  it('paginates lists with limit and offset, capping limit at 500', async () => {
    const page = await t.http.get('/api/v1/users').query({ limit: 2, offset: 1 }).set(bearer(t.admin));
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ limit: 2, offset: 1 });
    expect(page.body.items.length).toBeLessThanOrEqual(2);
    expect(page.body.total).toBeGreaterThan(2);
    expect((await t.http.get('/api/v1/users').query({ limit: 501 }).set(bearer(t.admin))).status).toBe(400);
    expect((await t.http.get('/api/v1/users').query({ limit: 'abc' }).set(bearer(t.admin))).status).toBe(400);
  });

  it('carries a request id on every answer', async () => {
    const res = await t.http.get('/health').set('X-Request-Id', 'trace-123');
    expect(res.headers['x-request-id']).toBe('trace-123');
  });
});

describe('foundation: repeated authentication failures', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH_MAX_FAILURES: '5' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 429 with Retry-After to further unknown tokens once a client has failed too often, never to a valid one', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await t.http.get('/api/v1/users/me').set(bearer(`wrong-${i}`))).status).toBe(401);
    }
    const blocked = await t.http.get('/api/v1/users/me').set(bearer('wrong-5'));
    expect(blocked.status).toBe(429);
    expect(blocked.headers['retry-after']).toMatch(/^\d+$/);
    expect(blocked.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((await t.http.get('/api/v1/users/me').set(bearer(t.admin))).status).toBe(200);
  });
});
