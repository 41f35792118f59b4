import { createTestApp, TestApp } from './support/test-app';

describe('dashboard assets', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('serves the page and its script without a token, and no data', async () => {
    const page = await t.http.get('/dashboard');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('/dashboard/dashboard.js');
    const script = await t.http.get('/dashboard/dashboard.js');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
    expect((await t.http.get('/dashboard/dashboard.css')).headers['content-type']).toMatch(/text\/css/);
    const missing = await t.http.get('/dashboard/secrets.txt');
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toMatch(/problem\+json/);
  });
});
