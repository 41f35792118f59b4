// Failed authentications slow down guessing without locking anyone out: everyone here shares one
// address (as behind a proxy or NAT), guesses from it get 429 after AUTH_MAX_FAILURES, and valid
// tokens from it pass all the same. A malformed setting stops the service at start-up.
import { spawnService } from './support/postgres-process';
import { bearer, createTestApp, TestApp } from './support/test-app';

const guess = (i: number) => bearer(`sa_guess-${i}-${Math.random().toString(36).slice(2)}`);

describe('authentication failures from one address', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH_MAX_FAILURES: '3', AUTH_FAILURE_WINDOW_MS: '1500' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 429 to further unknown tokens once AUTH_MAX_FAILURES is reached, but never to a valid token, until the window passes', async () => {
    const colleague = await t.user('committee');
    for (let i = 0; i < 3; i++) expect((await t.http.get('/api/v1/users/me').set(guess(i))).status).toBe(401);

    const blocked = await t.http.get('/api/v1/users/me').set(guess(3));
    expect(blocked.status).toBe(429);
    expect(blocked.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(2);
    expect((await t.http.get('/api/v1/users/me')).status).toBe(429);

    // Same address, valid tokens: they pass, whatever the guesser did.
    expect((await t.http.get('/api/v1/users/me').set(bearer(t.admin))).status).toBe(200);
    expect((await t.http.get('/api/v1/conferences').set(bearer(colleague.token))).status).toBe(200);
    expect((await t.http.get('/api/v1/users/me').set(guess(4))).status).toBe(429);

    // AUTH_FAILURE_WINDOW_MS: the block lifts once the failures are older than the window.
    await new Promise((r) => setTimeout(r, 1_600));
    expect((await t.http.get('/api/v1/users/me').set(guess(5))).status).toBe(401);
  });

  it("limits a disabled user's token on its own, without holding up other tokens from the address", async () => {
    await new Promise((r) => setTimeout(r, 1_600));
    const user = await t.user('committee');
    const other = await t.user('monitor');
    expect((await t.http.patch(`/api/v1/users/${user.id}`).set(bearer(t.admin)).send({ disabled: true })).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await t.http.get('/api/v1/users/me').set(bearer(user.token))).status).toBe(401);
    expect((await t.http.get('/api/v1/users/me').set(bearer(user.token))).status).toBe(429);

    expect((await t.http.get('/api/v1/users/me').set(guess(10))).status).toBe(401);
    expect((await t.http.get('/api/v1/users/me').set(bearer(other.token))).status).toBe(200);
    // Enabled again, the token is valid and passes at once, block or not.
    expect((await t.http.patch(`/api/v1/users/${user.id}`).set(bearer(t.admin)).send({ disabled: false })).status).toBe(200);
    expect((await t.http.get('/api/v1/users/me').set(bearer(user.token))).status).toBe(200);
  });
});

describe('authentication failure settings at start-up', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  // The compiled service, as an operator starts it (npm test builds it first).
  for (const [name, value] of [
    ['AUTH_MAX_FAILURES', 'thirty'],
    ['AUTH_FAILURE_WINDOW_MS', '1 minute'],
  ]) {
    it(`refuses to start with ${name}=${value}, saying why, instead of running without a limit`, async () => {
      const service = spawnService({ DATABASE_URL: t.databaseUrl, PORT: '0', [name]: value });
      const timeout = new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 20_000).unref());
      try {
        const outcome = await Promise.race([service.exited, timeout]);
        expect(outcome).toBe(1);
        expect(service.output()).toContain(`${name} must be a whole number`);
      } finally {
        service.child.kill('SIGKILL');
      }
    }, 30_000);
  }
});
