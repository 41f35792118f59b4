/// <reference lib="dom" />
// The dashboard's outbox panel with SMTP configured, in a real browser: an admin sends a held mail
// with one click and it arrives at a real SMTP server.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, Page } from 'playwright-core';
import { browserDescribe, launchBrowser, pageCollectingErrors, signInToDashboard } from './support/browser';
import { MailServer, startMailServer } from './support/mail-server';
import { createTestApp, TestApp } from './support/test-app';

const ARTIFACTS = join(process.cwd(), 'test-artifacts');
const describeInBrowser = browserDescribe('outbox dashboard browser test');

describeInBrowser('dashboard: sending a held mail from the outbox', () => {
  let smtp: MailServer;
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    smtp = await startMailServer();
    t = await createTestApp({ env: { SMTP_URL: smtp.url, JOB_POLLING_SECONDS: '1' } });
    base = await t.listen();
    browser = await launchBrowser();
    page = await pageCollectingErrors(browser, { width: 1400, height: 1000 }, errors);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await smtp?.close();
  });

  it('offers Send for a held mail, sends it with a click, and shows it queued', async () => {
    await t.dataSource.query(
      `INSERT INTO mail_outbox (id, kind, recipients, subject, body, attachments, status, message_id)
       VALUES (gen_random_uuid(), 'digest', ARRAY['committee@collab.example'], 'Digest kept while mail was off', 'Two answers.', '[]', 'held',
               '<' || gen_random_uuid() || '@collab.example>')`,
    );
    await signInToDashboard(page, base, t.admin);
    await page.waitForSelector('#outbox button.send-mail', { timeout: 10_000 });
    await page.locator('#panel-outbox').screenshot({ path: join(ARTIFACTS, 'outbox-send.png') });
    await page.click('#outbox button.send-mail');
    await page.waitForFunction(() => !document.querySelector('#outbox button.send-mail'), undefined, { timeout: 10_000 });
    expect(await page.textContent('#outbox tbody')).toMatch(/queued|sending|sent/);
    await smtp.waitFor((mails) => mails.some((m) => m.subject === 'Digest kept while mail was off'), 20_000);
    expect(errors).toEqual([]);
  }, 60_000);
});
