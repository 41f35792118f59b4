/// <reference lib="dom" />
// The dashboard's leadership panel in a real browser (Debian's Chromium, as test/dashboard.e2e-spec.ts
// drives it) on the demo collaboration with its generated leadership history: one chart per level
// with the API's numbers, the readings, and the trend. The screenshot goes to test-artifacts/.
import { mkdirSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Browser, Page } from 'playwright-core';
import { browserDescribe, launchBrowser, pageCollectingErrors, signInToDashboard } from '../support/browser';
import { demoLeadershipHistory } from '../../src/demo/leadership-history';
import { seedDatabase, SeedResult } from '../../src/demo/seed';
import { bearer, createTestApp, TestApp } from '../support/test-app';

const ARTIFACTS = join(process.cwd(), 'test-artifacts');
const describeInBrowser = browserDescribe('leadership dashboard test');

describeInBrowser('the leadership panel of the dashboard', () => {
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
    seeded = await seedDatabase(t.databaseUrl, { members: 1500, talks: 3000, seed: 42, today: new Date().toISOString().slice(0, 10) });
    const history = await demoLeadershipHistory(t.app, { seed: 42 });
    expect(history!.appointments).toBeGreaterThan(100);
    // A port below the ephemeral range: other tests take a free port there (freePort) and start a service
    // on it a moment later, which this app must not take in between.
    for (let attempt = 0; ; attempt++) {
      try {
        await t.app.listen(20_000 + Math.floor(Math.random() * 10_000), '127.0.0.1');
        break;
      } catch (error) {
        if (attempt > 20 || (error as { code?: string }).code !== 'EADDRINUSE') throw error;
      }
    }
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    browser = await launchBrowser();
    page = await pageCollectingErrors(browser, { width: 1400, height: 1800 }, errors);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it("shows each level against the level below with the API's numbers, the readings and the trend", async () => {
    await signInToDashboard(page, base, tokenFor('monitor'), 60_000);
    expect(await page.isVisible('#error')).toBe(false);
    const api = (
      await t.http
        .get('/api/v1/reports/leadership')
        .query({ dimension: 'gender' })
        .set(bearer(tokenFor('monitor')))
    ).body;
    expect(api.levels).toEqual(['L1', 'L2', 'L3']);
    const levels = await page.$$eval('#leadership .level', (nodes) =>
      nodes.map((n) => ({
        level: n.getAttribute('data-level'),
        title: n.querySelector('h3')?.textContent,
        rows: [...n.querySelectorAll('g.row')].map((r) => ({
          value: r.getAttribute('data-value'),
          count: r.getAttribute('data-count'),
          baseline: r.getAttribute('data-baseline'),
        })),
      })),
    );
    expect(levels.map((l) => l.level)).toEqual(api.levels);
    api.againstLevelBelow.forEach(
      (
        group: {
          key: string;
          total: number;
          cells: Array<{ value: string; count: number | null; suppressed: boolean; baselineShare: number | null }>;
        },
        i: number,
      ) => {
        expect(levels[i].title).toContain(`${group.key}: ${group.total ?? 'suppressed'} holders`);
        expect(levels[i].rows.map((r) => r.value)).toEqual(group.cells.map((c) => c.value));
        group.cells.forEach((c, j) => {
          expect(levels[i].rows[j].count).toBe(c.suppressed ? 'suppressed' : String(c.count));
          if (c.baselineShare != null) expect(Number(levels[i].rows[j].baseline)).toBeCloseTo(c.baselineShare, 12);
        });
      },
    );
    expect(await page.$$eval('#leadership .readings li', (l) => l.map((x) => x.textContent))).toEqual(api.readings);
    expect(await page.textContent('#leadership')).toMatch(/noise/);
    expect(await page.$$eval('#leadership thead th', (h) => h.length)).toBeGreaterThan(3);
    const panel = await page.$('#panel-leadership');
    await panel!.screenshot({ path: join(ARTIFACTS, 'dashboard-leadership.png') });
    expect(errors).toEqual([]);
  });
});
