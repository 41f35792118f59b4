// Signing in through a real OpenID Connect provider (oidc-provider, started by this test): the
// authorization code flow with PKCE driven over HTTP as a browser would, roles from groups, the
// member link, bearer access tokens checked against the provider's keys, groups that change, a
// provider that goes down, and the service exactly as before when no provider is configured.
import { randomUUID } from 'node:crypto';
import { TestIdentityProvider, freePort } from './support/oidc-provider';
import { bearer, createTestApp, TestApp } from './support/test-app';
import { signIn, UserAgent } from './support/user-agent';

const ROLE_MAP = 'cms-conf-committee=committee,cms-do=do-chair,/cms-speakers-bureau=nominator';

describe('sign-in through the identity provider', () => {
  let idp: TestIdentityProvider;
  let t: TestApp;
  let base: string;
  const members: Record<string, string> = {};
  const suffix = randomUUID().slice(0, 8);

  const api = (path: string) => `${base}/api/v1${path}`;
  const json = async (response: Response) => ({
    status: response.status,
    type: response.headers.get('content-type'),
    body: await response.json(),
  });
  async function sessionOf(agent: UserAgent) {
    return json(await agent.request(api('/auth/session')));
  }

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    idp = await TestIdentityProvider.start({
      redirectUris: [api('/auth/callback')],
      people: [
        {
          sub: 'sub-ada',
          username: 'ada',
          password: 'ada-pw',
          name: 'Ada Lovelace',
          email: `ada.${suffix}@cern.test`,
          emailVerified: true,
          externalId: `CMS-ADA-${suffix}`,
          groups: ['cms-conf-committee'],
        },
        {
          sub: 'sub-bo',
          username: 'bo',
          password: 'bo-pw',
          name: 'Bo Kelvin',
          email: `bo.${suffix}@cern.test`,
          emailVerified: true,
          groups: ['cms-do', '/cms-speakers-bureau'],
        },
        {
          sub: 'sub-cy',
          username: 'cy',
          password: 'cy-pw',
          name: 'Cy Unverified',
          email: `cy.${suffix}@cern.test`,
          emailVerified: false,
          groups: ['some-other-group'],
        },
      ],
    });
    t = await createTestApp({ env: idp.env({ OIDC_ROLE_MAP: ROLE_MAP }) });
    await t.app.listen(port, '127.0.0.1');

    const [institute] = await t.dataSource.query(`INSERT INTO institute (name, country) VALUES ($1, 'CH') RETURNING id`, [
      `Sign-in Institute ${suffix}`,
    ]);
    const create = async (key: string, body: Record<string, unknown>) => {
      const res = await t.http
        .post('/api/v1/members')
        .set(bearer(t.admin))
        .send({ instituteId: institute.id, careerStage: 'postdoc', ...body });
      expect(res.status).toBe(201);
      members[key] = res.body.id;
    };
    await create('ada', { name: 'Ada Lovelace', externalId: `CMS-ADA-${suffix}`, gender: 'woman' });
    await create('bo', { name: 'Bo Kelvin', email: `bo.${suffix}@cern.test` });
    await create('cy', { name: 'Cy Unverified', email: `cy.${suffix}@cern.test` });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await idp?.stop();
  });

  describe('the authorization code flow with PKCE, over HTTP', () => {
    let agent: UserAgent;

    beforeAll(async () => {
      agent = new UserAgent();
      const landed = await signIn(agent, base, 'ada', 'ada-pw', '/dashboard');
      expect(landed.status).toBe(200);
    });

    it('goes to the provider with an S256 code challenge, state and nonce, and comes back to the page asked for', () => {
      const authorize = agent.hops.find((h) => h.url.startsWith(`${idp.issuer}/auth?`));
      expect(authorize).toBeDefined();
      const query = new URL(authorize!.url).searchParams;
      expect(query.get('response_type')).toBe('code');
      expect(query.get('code_challenge_method')).toBe('S256');
      expect(query.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(query.get('state')).toBeTruthy();
      expect(query.get('nonce')).toBeTruthy();
      expect(query.get('client_id')).toBe(idp.clientId);
      expect(query.get('redirect_uri')).toBe(api('/auth/callback'));
      expect(agent.hops.at(-1)!.url).toBe(`${base}/dashboard`);
    });

    it('sets an HttpOnly, SameSite=Lax session cookie whose value the database never holds', async () => {
      const callback = agent.hops.find((h) => h.url.startsWith(api('/auth/callback')))!;
      const line = callback.setCookies.find((c) => c.startsWith('sa_session='))!;
      expect(line).toMatch(/HttpOnly/i);
      expect(line).toMatch(/SameSite=Lax/i);
      expect(line).toMatch(/Path=\//i);
      // Plain http here: not Secure, and so not __Host- (over https it is both).
      expect(line).not.toMatch(/Secure/i);
      const secret = agent.cookie(base, 'sa_session')!;
      const rows = await t.dataSource.query(`SELECT secret_hash, provider_tokens FROM sign_in_session`);
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        expect(row.secret_hash).not.toBe(secret);
        expect(row.provider_tokens.toString('latin1')).not.toMatch(/access|refresh|"accessToken"/);
      }
    });

    it('signs Ada in with the roles her groups give, linked to her member record by the externalId claim', async () => {
      const session = await sessionOf(agent);
      expect(session.status).toBe(200);
      expect(session.body).toMatchObject({ signInAvailable: true, signedIn: true, user: { name: 'Ada Lovelace', memberId: members.ada } });
      expect(session.body.user.roles).toEqual(['committee', 'member']);
      expect(session.body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const me = await json(await agent.request(api('/users/me')));
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ roles: ['committee', 'member'], memberId: members.ada });
      const record = await json(await agent.request(api('/me')));
      expect(record.status).toBe(200);
      expect(record.body).toMatchObject({ id: members.ada, gender: 'woman' });
      const audit = await t.dataSource.query(`SELECT action, after FROM audit_event WHERE entity = 'user' AND entity_id = $1 ORDER BY id`, [
        session.body.user.id,
      ]);
      expect(audit.map((a: { action: string }) => a.action)).toEqual(['user.identity-create', 'user.member-link', 'user.identity-update']);
      expect(audit[1].after).toEqual({ memberId: members.ada, linkedBy: 'externalId' });
    });

    it('uses an attempt once and only in the browser that started it', async () => {
      const callback = agent.hops.find((h) => h.url.startsWith(api('/auth/callback')))!;
      const replay = await agent.request(callback.url);
      expect(replay.status).toBe(400);
      expect(replay.headers.get('content-type')).toMatch(/^application\/problem\+json/);

      // Someone luring another browser into finishing their own sign-in (login CSRF): that browser
      // lacks the cookie binding the attempt, so nothing happens, and the attempt is still the starter's.
      const attacker = new UserAgent();
      const form = await attacker.follow(api('/auth/login'));
      const redirected = await attacker.submitForm(
        attacker.hops.at(-1)!.url,
        await form.text(),
        { username: 'cy', password: 'cy-pw' },
        api('/auth/callback'),
      );
      const callbackUrl = new URL(redirected.headers.get('location')!, idp.issuer).href;
      expect(callbackUrl.startsWith(api('/auth/callback'))).toBe(true);
      const victim = new UserAgent();
      const forced = await victim.request(callbackUrl);
      expect(forced.status).toBe(400);
      expect(victim.cookie(base, 'sa_session')).toBeUndefined();
      const own = await attacker.request(callbackUrl);
      expect(own.status).toBe(303);
      expect(attacker.cookie(base, 'sa_session')).toBeDefined();
    });

    it('refuses a write with the session cookie but without the CSRF token, and takes it with the token', async () => {
      const without = await agent.request(api('/me'), {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ gender: 'undisclosed' }),
      });
      expect(without.status).toBe(403);
      expect((await without.json()).detail).toMatch(/X-CSRF-Token/);
      const wrong = await agent.request(api('/me'), {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', 'x-csrf-token': 'x'.repeat(43) },
        body: JSON.stringify({ gender: 'undisclosed' }),
      });
      expect(wrong.status).toBe(403);
      expect((await t.dataSource.query(`SELECT gender FROM member WHERE id = $1`, [members.ada]))[0].gender).toBe('woman');
      const { body: session } = await sessionOf(agent);
      const done = await agent.request(api('/me'), {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
        body: JSON.stringify({ gender: 'undisclosed' }),
      });
      expect(done.status).toBe(200);
      expect((await done.json()).gender).toBe('undisclosed');
    });

    it('follows a change of groups at the provider at the very next request', async () => {
      const committeeRoute = api('/rankings?limit=1');
      expect((await agent.request(committeeRoute)).status).toBe(200);
      idp.setGroups('sub-ada', []);
      const after = await sessionOf(agent);
      expect(after.body.user.roles).toEqual(['member']);
      expect((await agent.request(committeeRoute)).status).toBe(403);
      idp.setGroups('sub-ada', ['cms-conf-committee', 'cms-do']);
      expect((await sessionOf(agent)).body.user.roles).toEqual(['committee', 'member', 'do-chair']);
      expect((await agent.request(committeeRoute)).status).toBe(200);
      const changes = await t.dataSource.query(
        `SELECT before, after FROM audit_event WHERE action = 'user.identity-update' AND entity_id = $1 ORDER BY id`,
        [after.body.user.id],
      );
      expect(changes.slice(-2).map((c: { after: { roles: string[] } }) => c.after.roles)).toEqual([
        ['member'],
        ['committee', 'member', 'do-chair'],
      ]);
      idp.setGroups('sub-ada', ['cms-conf-committee']);
    });

    it('signs out: the session is gone, its cookie cleared, and the sign-out audited', async () => {
      const { body: session } = await sessionOf(agent);
      const refused = await agent.request(api('/auth/logout'), { method: 'POST' });
      expect(refused.status).toBe(403);
      const out = await agent.request(api('/auth/logout'), { method: 'POST', headers: { 'x-csrf-token': session.csrfToken } });
      expect(out.status).toBe(204);
      expect(agent.cookie(base, 'sa_session')).toBeUndefined();
      expect((await sessionOf(agent)).body).toEqual({ signInAvailable: true, signedIn: false });
      const actions = await t.dataSource.query(
        `SELECT action, actor_id FROM audit_event WHERE entity = 'session' AND after ->> 'userId' = $1 ORDER BY id`,
        [session.user.id],
      );
      expect(actions.map((a: { action: string }) => a.action).slice(-1)).toEqual(['session.end']);
      expect(actions.at(-1).actor_id).toBe(session.user.id);
      expect(actions.some((a: { action: string }) => a.action === 'session.create')).toBe(true);
    });
  });

  describe('roles from groups and the member link', () => {
    it('maps groups to roles, a Keycloak-style group path included, and links by a verified e-mail', async () => {
      const agent = new UserAgent();
      await signIn(agent, base, 'bo', 'bo-pw');
      const { body } = await sessionOf(agent);
      expect(body.user.roles).toEqual(['nominator', 'member', 'do-chair']);
      expect(body.user.memberId).toBe(members.bo);
    });

    it('does not link by an unverified e-mail, and gives no role for an unknown group: signed in, allowed nothing', async () => {
      const agent = new UserAgent();
      await signIn(agent, base, 'cy', 'cy-pw');
      const { body } = await sessionOf(agent);
      expect(body.signedIn).toBe(true);
      expect(body.user).toMatchObject({ roles: [], memberId: null });
      expect((await agent.request(api('/users/me'))).status).toBe(403);
      expect((await agent.request(api('/me'))).status).toBe(403);
    });

    it('lets an admin link an account to a member record, and the role member comes with it at the next request', async () => {
      const agent = new UserAgent();
      await signIn(agent, base, 'cy', 'cy-pw');
      const { body } = await sessionOf(agent);
      const linked = await t.http.patch(`/api/v1/users/${body.user.id}`).set(bearer(t.admin)).send({ memberId: members.cy });
      expect(linked.status).toBe(200);
      expect(linked.body).toMatchObject({ memberId: members.cy, signsInWith: 'identity-provider' });
      const me = await json(await agent.request(api('/me')));
      expect(me.status).toBe(200);
      expect(me.body.id).toBe(members.cy);
      // Roles of such an account are its groups' business, and it gets no service token.
      const roles = await t.http
        .patch(`/api/v1/users/${body.user.id}`)
        .set(bearer(t.admin))
        .send({ roles: ['admin'] });
      expect(roles.status).toBe(422);
      expect(roles.body.rule).toBe('roles-follow-groups');
      const token = await t.http.post(`/api/v1/users/${body.user.id}/tokens`).set(bearer(t.admin));
      expect(token.status).toBe(422);
      expect((await sessionOf(agent)).body.user.roles).toEqual(['member']);
    });

    it('refuses a disabled account, signed in or with a bearer token', async () => {
      const agent = new UserAgent();
      await signIn(agent, base, 'bo', 'bo-pw');
      const { body } = await sessionOf(agent);
      const jwt = await idp.accessToken('sub-bo');
      expect((await t.http.patch(`/api/v1/users/${body.user.id}`).set(bearer(t.admin)).send({ disabled: true })).status).toBe(200);
      const refused = await agent.request(api('/users/me'));
      expect(refused.status).toBe(401);
      expect((await refused.json()).detail).toMatch(/disabled/);
      const byToken = await t.http.get('/api/v1/users/me').set(bearer(jwt));
      expect(byToken.status).toBe(401);
      expect((await t.http.patch(`/api/v1/users/${body.user.id}`).set(bearer(t.admin)).send({ disabled: false })).status).toBe(200);
      expect((await agent.request(api('/users/me'))).status).toBe(200);
    });
  });

  describe('bearer access tokens from the provider', () => {
    it('accepts a JWT access token for this service, with the roles its groups claim gives', async () => {
      const token = await idp.accessToken('sub-ada');
      const res = await t.http.get('/api/v1/users/me').set(bearer(token));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ name: 'Ada Lovelace', memberId: members.ada });
      expect(res.body.roles).toEqual(['committee', 'member']);
    });

    it('gives the roles of the groups in the next token after a change at the provider', async () => {
      idp.setGroups('sub-ada', ['cms-do']);
      const res = await t.http.get('/api/v1/users/me').set(bearer(await idp.accessToken('sub-ada')));
      expect(res.body.roles).toEqual(['member', 'do-chair']);
      expect((await t.http.get('/api/v1/rankings').set(bearer(await idp.accessToken('sub-ada')))).status).toBe(403);
      idp.setGroups('sub-ada', ['cms-conf-committee']);
      expect((await t.http.get('/api/v1/rankings').set(bearer(await idp.accessToken('sub-ada')))).status).toBe(200);
    });

    it('refuses an expired token, a forged one, and one for another audience or from another issuer, each with 401', async () => {
      const now = Math.floor(Date.now() / 1000);
      const cases: Array<[string, string, RegExp]> = [
        ['expired', await idp.signedToken({ sub: 'sub-ada', iat: now - 900, exp: now - 600 }, 'provider'), /expired/],
        ['wrong key', await idp.signedToken({ sub: 'sub-ada' }, 'foreign'), /not valid/],
        ['other audience', await idp.accessToken('sub-ada', { audience: 'https://another-service.test' }), /not meant for this service/],
        [
          'other issuer',
          await idp.signedToken({ sub: 'sub-ada', iss: 'https://evil.test' }, 'provider'),
          /not from the configured identity provider/,
        ],
        [
          'no signature',
          `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(
            JSON.stringify({ iss: idp.issuer, aud: idp.audience, sub: 'sub-ada', exp: now + 300 }),
          ).toString('base64url')}.`,
          /not valid/,
        ],
      ];
      for (const [what, token, detail] of cases) {
        const res = await t.http.get('/api/v1/users/me').set(bearer(token));
        expect({ what, status: res.status }).toEqual({ what, status: 401 });
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body.detail).toMatch(detail);
      }
      // The same claims, signed by the provider and in date, are accepted: the refusals above are about what was changed.
      expect((await t.http.get('/api/v1/users/me').set(bearer(await idp.signedToken({ sub: 'sub-ada' }, 'provider')))).status).toBe(200);
    });

    it("refuses a token signed with the client secret (HS256): only the provider's keys sign", async () => {
      const jose = await import('jose');
      const now = Math.floor(Date.now() / 1000);
      const token = await new jose.SignJWT({
        iss: idp.issuer,
        aud: idp.audience,
        sub: 'sub-ada',
        exp: now + 300,
        groups: ['cms-conf-committee'],
      })
        .setProtectedHeader({ alg: 'HS256', kid: 'test-signing-key' })
        .sign(new TextEncoder().encode(idp.clientSecret));
      const res = await t.http.get('/api/v1/users/me').set(bearer(token));
      expect(res.status).toBe(401);
    });
  });

  describe('when the provider is down', () => {
    let agent: UserAgent;
    let jwt: string;

    beforeAll(async () => {
      agent = new UserAgent();
      await signIn(agent, base, 'ada', 'ada-pw');
      jwt = await idp.accessToken('sub-ada');
      // Checked once while the provider is up, so its keys are known.
      expect((await t.http.get('/api/v1/users/me').set(bearer(jwt))).status).toBe(200);
      await idp.stop();
    });

    afterAll(async () => {
      await idp.resume();
    });

    it('answers sign-in with a clear 503 problem', async () => {
      const res = await t.http.get('/api/v1/auth/login');
      expect(res.status).toBe(503);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.detail).toMatch(/identity provider cannot be reached/);
    });

    it('keeps service tokens working', async () => {
      const res = await t.http.get('/api/v1/users/me').set(bearer(t.admin));
      expect(res.status).toBe(200);
      expect((await t.http.get('/api/v1/regions').set(bearer(await t.token('monitor')))).status).toBe(200);
    });

    it('keeps checking provider tokens against the keys it already has, and says 503 for a session it cannot re-check', async () => {
      expect((await t.http.get('/api/v1/users/me').set(bearer(jwt))).status).toBe(200);
      const res = await agent.request(api('/users/me'));
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    });

    it('signs in again once the provider is back', async () => {
      await idp.resume();
      const again = new UserAgent();
      expect((await signIn(again, base, 'ada', 'ada-pw')).status).toBe(200);
      expect((await sessionOf(again)).body.signedIn).toBe(true);
      expect((await agent.request(api('/users/me'))).status).toBe(200);
    });
  });
});

describe('without OIDC_* set', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      env: { OIDC_ISSUER: undefined, OIDC_CLIENT_ID: undefined, OIDC_CLIENT_SECRET: undefined, OIDC_ROLE_MAP: undefined },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('runs on its own tokens exactly as before: sign-in says it is not configured, cookies and JWTs open nothing', async () => {
    const login = await t.http.get('/api/v1/auth/login');
    expect(login.status).toBe(404);
    expect(login.body.detail).toMatch(/not configured/);
    expect((await t.http.get('/api/v1/auth/session')).body).toEqual({ signInAvailable: false, signedIn: false });
    const cookie = await t.http.get('/api/v1/users/me').set('Cookie', `sa_session=${'a'.repeat(43)}`);
    expect(cookie.status).toBe(401);
    expect(cookie.body.detail).toBe('A bearer token is required');
    const jwtShaped = await t.http.get('/api/v1/users/me').set(bearer('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln'));
    expect(jwtShaped.status).toBe(401);
    expect(jwtShaped.body.detail).toBe('The bearer token is not valid');
    expect((await t.http.get('/api/v1/users/me').set(bearer(t.admin))).status).toBe(200);
  });
});
