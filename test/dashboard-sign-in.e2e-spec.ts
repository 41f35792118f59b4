/// <reference lib="dom" />
// The dashboard in a real browser (Chromium via playwright-core), signed in through a real OpenID
// Connect provider started by this test: the sign-in link, the provider's login form, back to the
// dashboard with a session cookie, and the member's own page with the numbers the API gives; an
// invitation answered from the page. Screenshots go to test-artifacts/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, Page } from 'playwright-core';
import { browserDescribe, launchBrowser, redrawnAfter } from './support/browser';
import { seedDatabase, SeedResult } from '../src/demo/seed';
import { freePort, TestIdentityProvider } from './support/oidc-provider';
import { bearer, createTestApp, TestApp } from './support/test-app';

const ARTIFACTS = join(process.cwd(), 'test-artifacts');
const TODAY = new Date().toISOString().slice(0, 10);
const describeInBrowser = browserDescribe('dashboard sign-in browser test');

describeInBrowser("dashboard: signing in through the identity provider, and a member's own page", () => {
  let t: TestApp;
  let idp: TestIdentityProvider;
  let seeded: SeedResult;
  let browser: Browser;
  let page: Page;
  let base: string;
  /** A member with talks and an invitation to answer, who signs in at the provider as "marta". */
  let member: { id: string; name: string; externalId: string; gender: string };
  const errors: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    idp = await TestIdentityProvider.start({ redirectUris: [`${base}/api/v1/auth/callback`], people: [] });
    t = await createTestApp({ env: idp.env({ OIDC_ROLE_MAP: 'cms-conf-committee=committee' }) });
    seeded = await seedDatabase(t.databaseUrl, { members: 600, talks: 5000, seed: 42, today: TODAY });
    [member] = await t.dataSource.query(
      `SELECT m.id, m.name, m.external_id AS "externalId", m.gender FROM member m
       WHERE EXISTS (SELECT 1 FROM allocation a WHERE a.member_id = m.id AND a.status = 'invited')
         AND EXISTS (SELECT 1 FROM talk t WHERE t.member_id = m.id)
         AND NOT EXISTS (SELECT 1 FROM app_user u WHERE u.member_id = m.id)
       ORDER BY m.external_id LIMIT 1`,
    );
    expect(member).toBeDefined();
    idp.addPerson({
      sub: 'sub-marta',
      username: 'marta',
      password: 'marta-pw',
      name: member.name,
      externalId: member.externalId,
      groups: [],
    });
    await t.app.listen(port, '127.0.0.1');
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 1600 } });
    page.on('pageerror', (e) => errors.push(e.message));
    // The test provider's pages have no favicon; what counts is the dashboard's own requests.
    page.on('response', (r) => {
      if (r.status() >= 400 && r.url().startsWith(base)) errors.push(`${r.status()} ${r.url()}`);
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await idp?.stop();
  });

  it("offers the sign-in, goes through the provider's login form and comes back signed in", async () => {
    await page.goto(`${base}/dashboard`);
    await page.waitForSelector('#sign-in:not([hidden])');
    await page.click('#sign-in');
    await page.waitForURL(new RegExp(`^${idp.issuer}/interaction/`));
    await page.fill('input[name=username]', 'marta');
    await page.fill('input[name=password]', 'marta-pw');
    await Promise.all([page.waitForURL(`${base}/dashboard`), page.click('button[type=submit]')]);
    await page.waitForSelector('body[data-ready=true]', { timeout: 30_000 });
    expect(await page.isVisible('#sign-out')).toBe(true);
    expect(await page.isVisible('#sign-in')).toBe(false);
    expect(await page.textContent('#whoami')).toBe(`${member.name} (member)`);
    // The session cookie is HttpOnly: the page's own script cannot read it.
    expect(await page.evaluate(() => document.cookie)).not.toMatch(/sa_session/);
    const cookies = await page.context().cookies(base);
    expect(cookies.find((c) => c.name === 'sa_session')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
  });

  it("shows the member their own page, with the API's numbers, and no report panels", async () => {
    const token = await idp.accessToken('sub-marta');
    const [record, eligibility, invitations, talks] = await Promise.all(
      ['/me', '/me/eligibility', '/me/invitations', '/me/talks'].map((path) =>
        t.http
          .get(`/api/v1${path}`)
          .set(bearer(token))
          .then((r) => r.body),
      ),
    );
    expect(record.id).toBe(member.id);
    expect(await page.isVisible('#me')).toBe(true);
    expect(await page.isVisible('#app')).toBe(false);
    expect(await page.textContent('#me-title')).toBe(`My page: ${member.name}`);
    expect(await page.textContent('#me-gender')).toBe(member.gender);
    expect(Number(await page.getAttribute('#me-eligibility .score', 'data-score'))).toBeCloseTo(eligibility.score, 12);
    expect(await page.$$eval('#me-eligibility tbody tr', (rows) => rows.length)).toBe(eligibility.breakdown.talks.length);
    expect(await page.textContent('#me-talks h3')).toBe(`My talks (${talks.total})`);
    const open = invitations.items.filter((i: { status: string }) => i.status === 'invited');
    expect(open.length).toBeGreaterThan(0);
    expect(await page.$$eval('#me-invitations button.accept', (b) => b.length)).toBe(open.length);
    expect(errors).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-member.png'), fullPage: true });
  });

  it('accepts an invitation from the page, through the session cookie and its CSRF token', async () => {
    const id = await page.getAttribute('#me-invitations button.accept', 'data-invitation');
    await page.click(`#me-invitations button.accept[data-invitation="${id}"]`);
    await page.waitForSelector(`[data-invitation-status="${id}"].status-accepted`, { timeout: 15_000 });
    const [row] = await t.dataSource.query(`SELECT status FROM allocation WHERE id = $1`, [id]);
    expect(row.status).toBe('accepted');
    const [audit] = await t.dataSource.query(
      `SELECT u.identity_subject FROM audit_event e JOIN app_user u ON u.id = e.actor_id
       WHERE e.action = 'allocation.accept' AND e.entity_id = $1`,
      [id],
    );
    expect(audit.identity_subject).toBe('sub-marta');
    expect(errors).toEqual([]);
  });

  it('shows the same page to a member who pastes a service token, and the reports to a committee member too', async () => {
    const memberUser = seeded.users.find((u) => u.email === 'member@demo.example')!;
    const fresh = await browser.newPage({ viewport: { width: 1400, height: 1600 } });
    await fresh.goto(`${base}/dashboard`);
    await fresh.fill('#token', memberUser.token);
    await fresh.click('#login button[type=submit]');
    await fresh.waitForSelector('body[data-ready=true]', { timeout: 30_000 });
    expect(await fresh.textContent('#me-title')).toBe(`My page: ${memberUser.name}`);
    expect(await fresh.isVisible('#app')).toBe(false);
    await fresh.close();

    // Marta joins the committee at the provider: the next page load shows her page and the reports.
    idp.setGroups('sub-marta', ['cms-conf-committee']);
    await redrawnAfter(page, () => page.reload(), 60_000);
    expect(await page.textContent('#whoami')).toBe(`${member.name} (committee, member)`);
    expect(await page.isVisible('#me')).toBe(true);
    expect(await page.isVisible('#app')).toBe(true);
  });

  it('signs out', async () => {
    await Promise.all([page.waitForEvent('load'), page.click('#sign-out')]);
    await page.waitForSelector('#sign-in:not([hidden])');
    expect(await page.isVisible('#me')).toBe(false);
    expect((await page.context().cookies(base)).find((c) => c.name === 'sa_session')).toBeUndefined();
  });
});
