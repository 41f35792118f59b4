/// <reference lib="dom" />
// The dashboard's mentorship panel in a real browser (Chromium through playwright-core), on the demo
// collaboration with its two mentorship rounds: a coordinator sees the round's participants by stage
// and region, matched and unmatched, continuation, with the numbers the API gives; the screenshot
// goes to test-artifacts/mentorship-dashboard.png.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, Page } from 'playwright-core';
import { browserDescribe, launchBrowser, pageCollectingErrors, signInToDashboard } from './support/browser';
import { demoMentorshipRounds } from '../src/demo/mentorship-round';
import { seedDatabase, SeedResult } from '../src/demo/seed';
import { bearer, createTestApp, TestApp } from './support/test-app';

const ARTIFACTS = join(process.cwd(), 'test-artifacts');
const describeInBrowser = browserDescribe('mentorship dashboard browser test');

describeInBrowser('dashboard: the mentorship panel', () => {
  let t: TestApp;
  let seeded: SeedResult;
  let browser: Browser;
  let page: Page;
  let base: string;
  const errors: string[] = [];
  const tokenOf = (email: string) => seeded.users.find((u) => u.email === email)!.token;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    t = await createTestApp();
    seeded = await seedDatabase(t.databaseUrl, { members: 800, talks: 2000, seed: 42, today: new Date().toISOString().slice(0, 10) });
    await demoMentorshipRounds(t.app, 42);
    base = await t.listen();
    browser = await launchBrowser();
    page = await pageCollectingErrors(browser, { width: 1300, height: 1200 }, errors);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function openAs(email: string): Promise<void> {
    await signInToDashboard(page, base, tokenOf(email));
  }

  it('shows a coordinator the open round: participants by stage and region, matched, unmatched, continuation', async () => {
    const token = tokenOf('mentorship@demo.example');
    await openAs('mentorship@demo.example');
    expect(await page.isVisible('#error')).toBe(false);
    expect(await page.isVisible('#mentorship')).toBe(true);
    expect(await page.isVisible('#app')).toBe(false);
    const rounds = (await t.http.get('/api/v1/mentorship/rounds').set(bearer(token))).body.items;
    const open = rounds.find((r: { status: string }) => r.status === 'open');
    expect(await page.inputValue('#mentorship-round')).toBe(open.id);
    const report = (await t.http.get('/api/v1/reports/mentorship').query({ roundId: open.id }).set(bearer(token))).body;
    for (const [dimension, chart] of [
      ['careerStage', '#mentorship-stage'],
      ['region', '#mentorship-region'],
    ]) {
      const shown = await page.$$eval(`${chart} g.row`, (rows) =>
        rows.map((r) => [r.getAttribute('data-value'), r.getAttribute('data-count')]),
      );
      const cells = report.groups
        .find((g: { dimension: string }) => g.dimension === dimension)
        .cells.filter((c: { count: number }) => c.count > 0)
        .map((c: { value: string; count: number }) => [c.value, String(c.count)]);
      expect(shown).toEqual(cells);
    }
    const matching = await page.textContent('[data-fact=matching]');
    expect(matching).toContain(`${report.matching.pairs} pairs (proposed, awaiting review)`);
    expect(matching).toContain(`${report.matching.unmatchedMentees} unmatched`);
    expect(await page.textContent('[data-fact=continuation]')).toContain(
      `${report.continuation.continued} of last round's ${report.continuation.previousPairs} pairs`,
    );
    expect(await page.textContent('#mentorship-unmatched h3')).toBe(`Mentees without a mentor (${report.matching.unmatchedMentees})`);
    await page.locator('#mentorship').screenshot({ path: join(ARTIFACTS, 'mentorship-dashboard.png') });

    // The published round, chosen in the list.
    const published = rounds.find((r: { status: string }) => r.status === 'published');
    await page.selectOption('#mentorship-round', published.id);
    await page.waitForFunction(() => document.querySelector('[data-fact=matching]')?.textContent?.includes('(published'));
    expect(errors).toEqual([]);
  });

  it("shows a member paired in last year's published round their partner on their own page", async () => {
    const [paired] = await t.dataSource.query(
      `SELECT mentee.member_id AS "memberId", m.name, mentor_member.name AS "mentorName"
       FROM mentorship_pair p
       JOIN mentorship_matching mm ON mm.round_id = p.round_id AND mm.published_at IS NOT NULL
       JOIN mentorship_signup mentee ON mentee.id = p.mentee_signup_id
       JOIN mentorship_signup mentor ON mentor.id = p.mentor_signup_id
       JOIN member m ON m.id = mentee.member_id
       JOIN member mentor_member ON mentor_member.id = mentor.member_id
       ORDER BY m.name LIMIT 1`,
    );
    expect(paired).toBeDefined();
    const account = await t.http
      .post('/api/v1/users')
      .set(bearer(t.admin))
      .send({
        name: paired.name,
        email: `mentee.${paired.memberId.slice(0, 8)}@demo.example`,
        roles: ['member'],
        memberId: paired.memberId,
      });
    expect(account.status).toBe(201);
    const mine = await t.http.get('/api/v1/me/mentorship').set(bearer(account.body.token));
    expect(mine.body.pairs).toEqual([expect.objectContaining({ myRole: 'mentee', partnerName: paired.mentorName })]);
    await page.goto(`${base}/dashboard`);
    await page.evaluate(() => sessionStorage.clear());
    // A fresh page without the coordinator's session: what the previous one still had in flight with
    // that session (refused once the member's takes over) is not this page's error.
    await page.reload();
    errors.length = 0;
    await page.fill('#token', account.body.token);
    await page.click('#login button[type=submit]');
    await page.waitForSelector('body[data-ready=true]', { timeout: 30_000 });
    expect(await page.textContent('#error')).toBe('');
    expect(await page.isVisible('#me')).toBe(true);
    expect(await page.isVisible('#me-mentorship')).toBe(true);
    const text = await page.textContent('#me-mentorship');
    expect(text).toContain(paired.mentorName);
    expect(text).toContain('mentee');
    await page.locator('#me-mentorship').screenshot({ path: join(ARTIFACTS, 'me-mentorship.png') });
    expect(errors).toEqual([]);
  });

  it('is not shown to a monitor, who reads the other reports', async () => {
    await openAs('monitor@demo.example');
    expect(await page.isVisible('#mentorship')).toBe(false);
    expect(await page.isVisible('#app')).toBe(true);
  });
});
