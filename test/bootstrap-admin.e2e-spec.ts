// The bootstrap admin follows ADMIN_TOKEN across restarts on one database: removing the variable
// revokes its token (and, with no other admin left, a new admin's token is printed once), changing it
// replaces the old token, and a start without it never prints a second token while an admin remains.
import { Logger } from '@nestjs/common';
import { ADMIN_TOKEN, bearer, bootApp, createTestApp, TestApp } from './support/test-app';

describe('bootstrap admin across restarts', () => {
  let first: TestApp;
  let running: TestApp | null = null;
  let warnings: jest.SpyInstance;

  /** Starts the service again on the first app's database, with this ADMIN_TOKEN (undefined: unset). */
  const restart = async (adminToken: string | undefined): Promise<TestApp> => {
    await running?.close();
    warnings.mockClear();
    running = await bootApp(first.databaseUrl, { env: { ADMIN_TOKEN: adminToken } });
    return running;
  };
  const printedTokens = () =>
    warnings.mock.calls
      .map(([message]) => /Admin token \(shown once\): (\S+)/.exec(String(message))?.[1])
      .filter((token): token is string => token !== undefined);
  const me = (app: TestApp, token: string) => app.http.get('/api/v1/users/me').set(bearer(token));

  beforeAll(async () => {
    warnings = jest.spyOn(Logger.prototype, 'warn');
    first = await createTestApp();
  });
  afterAll(async () => {
    await running?.close();
    await first?.close();
    warnings.mockRestore();
  });

  it("retires the ADMIN_TOKEN admin when the variable is removed, printing a new admin's token once", async () => {
    const bootstrap = await me(first, ADMIN_TOKEN);
    expect(bootstrap.status).toBe(200);
    const view = await first.http.get(`/api/v1/users/${bootstrap.body.id}`).set(bearer(ADMIN_TOKEN));
    expect(view.body).toMatchObject({ roles: ['admin'], fromAdminToken: true, disabled: false });
    const committee = await first.user('committee');

    const app = await restart(undefined);
    expect((await me(app, ADMIN_TOKEN)).status).toBe(401);
    expect((await me(app, ADMIN_TOKEN)).status).toBe(401);
    const printed = printedTokens();
    expect(printed).toHaveLength(1);
    const generated = await me(app, printed[0]);
    expect(generated.status).toBe(200);
    expect(generated.body.roles).toEqual(['admin']);
    expect(generated.body.id).not.toBe(bootstrap.body.id);
    // Everyone else keeps their token.
    expect((await me(app, committee.token)).status).toBe(200);

    const retired = await app.http.get(`/api/v1/users/${bootstrap.body.id}`).set(bearer(printed[0]));
    expect(retired.body).toMatchObject({ disabled: true, fromAdminToken: true });
    const [{ token_hash: hash }] = await app.dataSource.query(`SELECT token_hash FROM app_user WHERE id = $1`, [bootstrap.body.id]);
    expect(hash).toBeNull();
    const audit = await app.http.get('/api/v1/audit').query({ entity: 'user', entityId: bootstrap.body.id }).set(bearer(printed[0]));
    expect(audit.body.items.map((e: { action: string }) => e.action)).toContain('user.bootstrap-admin-retire');

    // The instance still running with the old environment hears of it too.
    const until = Date.now() + 5_000;
    while ((await me(first, ADMIN_TOKEN)).status !== 401 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect((await me(first, ADMIN_TOKEN)).status).toBe(401);
  });

  it('prints no second token on a further start without ADMIN_TOKEN while an admin remains', async () => {
    const app = await restart(undefined);
    expect(printedTokens()).toEqual([]);
    expect((await me(app, ADMIN_TOKEN)).status).toBe(401);
    const admins = await app.dataSource.query(`SELECT count(*)::int AS n FROM app_user WHERE 'admin' = ANY (roles) AND NOT disabled`);
    expect(admins[0].n).toBe(1);
  });

  it('gives the bootstrap admin the new token when ADMIN_TOKEN is set again or changed, and the old one stops working', async () => {
    const id = (await first.dataSource.query(`SELECT id FROM app_user WHERE from_admin_token`))[0].id;

    const second = 'second-admin-token-abcdefghijklmnop';
    let app = await restart(second);
    expect(printedTokens()).toEqual([]);
    const back = await me(app, second);
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ id, roles: ['admin'] });
    expect((await me(app, ADMIN_TOKEN)).status).toBe(401);

    const third = 'third-admin-token-abcdefghijklmnopq';
    app = await restart(third);
    expect((await me(app, third)).body).toMatchObject({ id, roles: ['admin'] });
    expect((await me(app, second)).status).toBe(401);
    expect((await me(app, second)).status).toBe(401);
    const marked = await app.dataSource.query(`SELECT count(*)::int AS n FROM app_user WHERE from_admin_token`);
    expect(marked[0].n).toBe(1);
  });

  it('with ADMIN_TOKEN set, makes its admin enabled again even if an admin disabled it', async () => {
    const third = 'third-admin-token-abcdefghijklmnopq';
    let app = await restart(third);
    const other = await app.dataSource.query(`SELECT id FROM app_user WHERE 'admin' = ANY (roles) AND NOT from_admin_token`);
    const ownId = (await me(app, third)).body.id;
    // Another admin exists (the generated one), so this admin may be disabled.
    expect(other).toHaveLength(1);
    expect((await app.http.patch(`/api/v1/users/${ownId}`).set(bearer(third)).send({ disabled: true })).status).toBe(200);
    expect((await me(app, third)).status).toBe(401);

    app = await restart(third);
    expect((await me(app, third)).status).toBe(200);
  });
});
