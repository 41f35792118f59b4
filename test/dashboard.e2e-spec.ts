/// <reference lib="dom" />
// The dashboard in a real browser (Debian's Chromium driven by playwright-core) against the demo
// collaboration: the charts must render, with the numbers the API gives, and suppressed cells shown
// as suppressed. Screenshots go to test-artifacts/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, Page } from 'playwright-core';
import { browserDescribe, launchBrowser, pageCollectingErrors, redrawnAfter, signInToDashboard } from './support/browser';
import { seedDatabase, SeedResult } from '../src/demo/seed';
import { bearer, createTestApp, TestApp } from './support/test-app';

const ARTIFACTS = join(process.cwd(), 'test-artifacts');
const TODAY = new Date().toISOString().slice(0, 10);
const describeInBrowser = browserDescribe('dashboard browser test');

const cellsShown = (report: { groups: { cells: { suppressed: boolean }[] }[] }) =>
  report.groups[0].cells.filter((c) => !c.suppressed).length;

describeInBrowser('dashboard in a browser, on the demo collaboration', () => {
  let t: TestApp;
  let seeded: SeedResult;
  let browser: Browser;
  let page: Page;
  let base: string;
  const errors: string[] = [];
  const tokenFor = (role: string) => seeded.users.find((u) => u.roles.includes(role as never))!.token;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    t = await createTestApp();
    seeded = await seedDatabase(t.databaseUrl, { members: 1500, talks: 15000, seed: 42, today: TODAY });
    base = await t.listen();
    browser = await launchBrowser();
    page = await pageCollectingErrors(browser, { width: 1400, height: 1800 }, errors);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function openAs(role: string): Promise<void> {
    await signInToDashboard(page, base, tokenFor(role));
  }

  async function renderedRows(dimension: string) {
    return page.$$eval(`.chart[data-dimension=${dimension}] g.row`, (rows) =>
      rows.map((r) => ({
        value: r.getAttribute('data-value'),
        count: r.getAttribute('data-count'),
        share: r.getAttribute('data-share'),
        baseline: r.getAttribute('data-baseline'),
      })),
    );
  }

  it("renders region, career-stage and gender charts with the API's numbers for a monitor", async () => {
    await openAs('monitor');
    expect(await page.isVisible('#error')).toBe(false);
    for (const dimension of ['region', 'careerStage', 'gender']) {
      const api = await t.http
        .get('/api/v1/reports/balance')
        .query({ population: 'allocations', dimension })
        .set(bearer(tokenFor('monitor')));
      expect(api.status).toBe(200);
      const rows = await renderedRows(dimension);
      const cells = api.body.groups[0].cells;
      expect(rows.map((r) => r.value)).toEqual(cells.map((c: { value: string }) => c.value));
      cells.forEach((cell: { count: number | null; share: number | null; suppressed: boolean }, i: number) => {
        if (cell.suppressed) {
          expect(rows[i].count).toBe('suppressed');
          expect(rows[i].share).toBe('');
        } else {
          expect(Number(rows[i].count)).toBe(cell.count);
          expect(Number(rows[i].share)).toBeCloseTo(cell.share!, 12);
        }
      });
    }
    // Gender counts carry noise for a monitor, and the chart says so; the other charts do not.
    expect(await page.textContent('[data-dimension="gender"] .disclosure')).toMatch(
      /random noise \(about ±2.8 per quarter\).*whole quarters up to \d{4}-\d{2}-\d{2}/,
    );
    expect(await page.$('[data-dimension="region"] .disclosure')).toBeNull();
    // The membership baseline tick is the members report's share.
    const members = await t.http
      .get('/api/v1/reports/balance')
      .query({ population: 'members', dimension: 'region' })
      .set(bearer(tokenFor('monitor')));
    const regionRows = await renderedRows('region');
    const usa = members.body.groups[0].cells.find((c: { value: string }) => c.value === 'USA');
    expect(Number(regionRows.find((r) => r.value === 'USA')?.baseline)).toBeCloseTo(usa.share, 12);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-monitor.png'), fullPage: true });
  });

  it('shows the funnel, the trends and the equity test', async () => {
    const funnelApi = await t.http
      .get('/api/v1/reports/funnel')
      .query({ dimension: 'careerStage' })
      .set(bearer(tokenFor('monitor')));
    const funnelText = await page.textContent('#funnel');
    for (const stage of Object.keys(funnelApi.body.totals)) expect(funnelText).toContain(`${stage} (${funnelApi.body.totals[stage]})`);
    expect(await page.$$eval('#funnel tbody tr', (r) => r.length)).toBe(funnelApi.body.values.length);
    expect(await page.$$eval('#trends thead th', (h) => h.length)).toBeGreaterThan(5);
    expect(await page.textContent('#equity')).toMatch(/Cochran-Mantel-Haenszel|Mantel/);
    // Every test is said in plain words, and every panel says what it covers.
    const equityApi = await t.http.get('/api/v1/reports/equity').set(bearer(tokenFor('monitor')));
    expect(await page.textContent('#equity .reading')).toBe(equityApi.body.test.reading);
    expect(await page.$$eval('#funnel .readings li', (l) => l.length)).toBe(funnelApi.body.readings.length);
    await page.locator('#panel-trends').screenshot({ path: join(ARTIFACTS, 'dashboard-trends.png') });
    for (const panel of ['#funnel', '#trends', '#equity']) {
      expect(await page.textContent(`${panel} .covers`)).toMatch(
        /^Covers all conferences, (up to |\d{4}-\d{2}-\d{2} to )\d{4}-\d{2}-\d{2}\./,
      );
    }
  });

  it('shows declines by region with the kinds of reason, small counts hidden, as the API gives them', async () => {
    const api = await t.http
      .get('/api/v1/reports/declines')
      .query({ dimension: 'region' })
      .set(bearer(tokenFor('monitor')));
    expect(api.status).toBe(200);
    expect(api.body.totals.declined).toBeGreaterThan(20);
    // The demo's declines carry kinds of reason, funding among them.
    expect(api.body.totals.byCategory.funding).toBeGreaterThan(0);
    const rows = await page.$$eval('#declines tbody tr', (r) =>
      r.map((row) => [...row.querySelectorAll('td')].map((td) => td.textContent)),
    );
    expect(rows.length).toBe(api.body.values.length + 1);
    expect(rows[api.body.values.length].slice(0, 3)).toEqual([
      'All',
      String(api.body.totals.invitations),
      String(api.body.totals.declined),
    ]);
    for (const [i, v] of api.body.values.entries()) {
      expect(rows[i][0]).toBe(v.name ?? v.value);
      expect(rows[i][2]).toBe(v.declined === null ? 'suppressed' : String(v.declined));
    }
    expect(await page.$$eval('#declines svg.decline-bar', (b) => b.length)).toBe(api.body.values.length + 1);
    expect(await page.textContent('#declines .readings')).toContain(api.body.readings[0]);
    expect(await page.textContent('#declines .covers')).toMatch(/^Covers all conferences/);
    await page.locator('#panel-declines').screenshot({ path: join(ARTIFACTS, 'dashboard-declines.png') });
  });

  it('compares the authors with the membership when authors are chosen', async () => {
    await redrawnAfter(page, () => page.selectOption('#population', 'authors'));
    expect(await page.isVisible('#error')).toBe(false);
    const api = await t.http
      .get('/api/v1/reports/balance')
      .query({ population: 'authors', dimension: 'careerStage' })
      .set(bearer(tokenFor('monitor')));
    const total = await page.getAttribute('.chart[data-dimension=careerStage] .total', 'data-total');
    expect(Number(total)).toBe(api.body.groups[0].total);
    expect(api.body.groups[0].total).toBeGreaterThan(500);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-authors.png'), fullPage: true });
    await redrawnAfter(page, () => page.selectOption('#population', 'allocations'));
  });

  it("shows a conference's programme with allocation statuses to the committee", async () => {
    await openAs('committee');
    const { rows } = {
      rows: await t.dataSource.query(
        `SELECT c.id, count(*)::int AS allocations FROM allocation a JOIN slot s ON s.id = a.slot_id
       JOIN conference c ON c.id = s.conference_id GROUP BY c.id ORDER BY allocations DESC LIMIT 1`,
      ),
    };
    expect(rows.length).toBe(1);
    await redrawnAfter(page, () => page.selectOption('#conference', rows[0].id));
    const statuses = await page.$$eval('#programme td span[class^=status-]', (s) => s.map((x) => x.textContent));
    expect(statuses.length).toBe(rows[0].allocations);
    expect(new Set(statuses).size).toBeGreaterThan(0);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-programme.png'), fullPage: true });
  });

  it('shows small gender cells as suppressed for a single conference, never estimated', async () => {
    // A conference with only a few speakers: the published (noisy) gender counts there are mostly
    // small; the first whose answer hides a cell is shown.
    // Invitations of quarters that have ended: the current quarter's are not published to the committee yet.
    const small: { id: string }[] = await t.dataSource.query(
      `SELECT s.conference_id AS id FROM allocation a JOIN slot s ON s.id = a.slot_id
       WHERE a.status IN ('invited', 'accepted') AND a.created_at < date_trunc('quarter', now())
       GROUP BY s.conference_id HAVING count(*) BETWEEN 1 AND 6
       ORDER BY s.conference_id LIMIT 60`,
    );
    const report = (id: string) =>
      t.http
        .get('/api/v1/reports/balance')
        .query({ population: 'allocations', dimension: 'gender', conferenceId: id })
        .set(bearer(tokenFor('committee')));
    let chosen: { id: string; body: { groups: { cells: { suppressed: boolean }[] }[] } } | undefined;
    for (const { id } of small) {
      const { body } = await report(id);
      if (body.groups[0].cells.some((c: { suppressed: boolean }) => c.suppressed)) {
        chosen = { id, body };
        break;
      }
    }
    expect(chosen).toBeDefined();
    await redrawnAfter(page, () => page.selectOption('#conference', chosen!.id));
    const api = { body: chosen!.body };
    const rows = await renderedRows('gender');
    const suppressed = api.body.groups[0].cells.filter((c: { suppressed: boolean }) => c.suppressed).length;
    expect(rows.filter((r) => r.count === 'suppressed').length).toBe(suppressed);
    expect(suppressed).toBeGreaterThan(0);
    expect(await page.$$eval('.chart[data-dimension=gender] .suppressed-label', (l) => l.length)).toBe(suppressed);
    // No share or count of this conference's speakers is printed for a suppressed cell.
    expect(await page.$$eval('.chart[data-dimension=gender] .share-label', (l) => l.length)).toBe(cellsShown(api.body));
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-suppressed.png'), fullPage: true });
  });

  it('shows a nominator their own nominations, and no report panels to refuse them', async () => {
    await openAs('nominator');
    expect(await page.isVisible('#error')).toBe(false);
    expect(await page.isVisible('#nominator')).toBe(true);
    expect(await page.isVisible('#app')).toBe(false);
    const own = await t.http
      .get('/api/v1/nominations')
      .query({ limit: 200 })
      .set(bearer(tokenFor('nominator')));
    expect(own.body.total).toBeGreaterThan(0);
    expect(await page.textContent('#nominator-summary')).toMatch(new RegExp(`^${own.body.total} nominations`));
    expect(await page.$$eval('#nominator-list tbody tr', (r) => r.length)).toBe(Math.min(200, own.body.items.length));
    const names = await page.$$eval('#nominator-list tbody tr td:first-child', (c) => c.map((x) => x.textContent));
    expect(names).toEqual(own.body.items.map((n: { memberName: string }) => n.memberName));
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-nominator.png'), fullPage: true });
  });

  it('raised no script errors', () => {
    expect(errors).toEqual([]);
  });
});
