import { bearer, createTestApp, TestApp } from './support/test-app';

const ID = '00000000-0000-4000-8000-000000000000';

describe.each([
  { why: 'not set', key: undefined, detail: /INCIDENT_KEY is not set/ },
  { why: 'too short', key: 'ab'.repeat(16), detail: /has 32 hex characters but must have 64/ },
  { why: 'not hex', key: 'zz'.repeat(32), detail: /not hexadecimal/ },
])('incidents without a usable INCIDENT_KEY ($why)', ({ key, detail }) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { INCIDENT_KEY: key } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 503 problem+json on every incidents route, saying why', async () => {
    const contact = await t.token('contact');
    const answers = await Promise.all([
      t.http.post('/api/v1/incidents').set(bearer(contact)).send({ conferenceId: ID, description: 'x' }),
      t.http.post(`/api/v1/incidents/${ID}/additions`).set(bearer(contact)).send({ followUpCode: 'fu_x', text: 'x' }),
      t.http.get('/api/v1/incidents/mine').set(bearer(contact)),
      t.http.get('/api/v1/incidents').set(bearer(contact)),
      t.http.get(`/api/v1/incidents/${ID}`).set(bearer(contact)),
      t.http.post(`/api/v1/incidents/${ID}/notes`).set(bearer(contact)).send({ text: 'x' }),
      t.http.patch(`/api/v1/incidents/${ID}`).set(bearer(contact)).send({ status: 'closed' }),
    ]);
    for (const res of answers) {
      expect(res.status).toBe(503);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.detail).toMatch(/Incident reporting is not configured/);
      expect(res.body.detail).toMatch(detail);
    }
    expect(await t.dataSource.query(`SELECT count(*) AS n FROM incident`)).toEqual([{ n: 0 }]);
  });

  it('still runs the rest of the service', async () => {
    expect((await t.http.get('/health')).status).toBe(200);
    expect((await t.http.get('/api/v1/users/me').set(bearer(t.admin))).status).toBe(200);
  });
});
