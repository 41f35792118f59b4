/// <reference lib="dom" />
// The speaker's flow as people see it, in Chromium (playwright-core): the demo's speaker data made by
// the service's own code, the programme with venue times, rooms and answer deadlines on the dashboard,
// the outbox count for admins, and the answer page behind the link in an invitation mail, clicked.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, Page } from 'playwright-core';
import { browserDescribe, launchBrowser, pageCollectingErrors, redrawnAfter, signInToDashboard } from './support/browser';
import { demoSpeakerFlow } from '../src/demo/speaker-flow';
import { createConference, createInstitute, createMember, createNomination, createSlot } from './support/fixtures';
import { bearer, createTestApp, TestApp } from './support/test-app';

const ARTIFACTS = join(process.cwd(), 'test-artifacts');
const describeInBrowser = browserDescribe('speaker dashboard browser test');

describeInBrowser('the speaker flow in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let base: string;
  let conferenceId: string;
  let committee: string;
  const errors: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    t = await createTestApp({ env: { SMTP_URL: undefined } });
    base = await t.listen();
    const user = await t.user('committee');
    committee = user.token;
    const [{ email }] = await t.dataSource.query(`SELECT email FROM app_user WHERE id = $1`, [user.id]);
    const institute = await createInstitute(t.dataSource, { country: 'CZ' });
    const nominator = await t.user('nominator');
    const conference = await createConference(t.dataSource, {
      name: 'ICHEP 2027',
      startDate: '2027-07-14',
      endDate: '2027-07-21',
      country: 'CZ',
      tier: 'major',
    });
    conferenceId = conference.id;
    const names = ['Ada Lovelace', 'Lise Meitner', 'Emmy Noether', 'Chien-Shiung Wu', 'Vera Rubin', 'Fabiola Gianotti', 'Marie Curie'];
    for (const [i, title] of ['Higgs physics', 'Top quark', 'Flavour', 'Neutrinos', 'Dark matter'].entries()) {
      const slot = await createSlot(t.dataSource, { conferenceId, title, talkType: i < 2 ? 'plenary' : 'parallel' });
      for (const name of names.slice(i, i + 2)) {
        const member = await createMember(t.dataSource, {
          instituteId: institute.id,
          name,
          careerStage: 'postdoc',
          email: `${name.split(' ')[0].toLowerCase()}.${i}@uni.example`,
        });
        await createNomination(t.dataSource, { memberId: member.id, slotId: slot.id, nominatorId: nominator.id });
      }
    }
    const flow = await demoSpeakerFlow(t.app, email);
    expect(flow).toMatchObject({ conferences: 1, invitations: 5, answered: 4 });
    expect(await demoSpeakerFlow(t.app, email)).toBeNull();

    browser = await launchBrowser();
    page = await pageCollectingErrors(browser, { width: 1400, height: 1600 }, errors);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function openDashboard(token: string): Promise<void> {
    await signInToDashboard(page, base, token);
  }

  it('shows the programme with venue times, rooms, statuses and answer deadlines', async () => {
    await openDashboard(committee);
    await redrawnAfter(page, () => page.selectOption('#conference', conferenceId));
    const programme = (await t.http.get(`/api/v1/conferences/${conferenceId}/programme`).set(bearer(committee))).body;
    expect(await page.textContent('#programme')).toContain('Venue: Prague, CZ, Europe/Prague');
    const rows = await page.$$eval('#programme tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
    );
    const first = programme.slots[0];
    expect(rows[0]).toEqual([
      first.title,
      first.talkType,
      `${first.startsLocal}, ${first.durationMinutes} min`,
      first.room,
      first.allocations[0].name,
      expect.stringMatching(/^(accepted|declined|invited)/),
      String(first.seats),
    ]);
    expect(first.startsLocal).toBe('Wednesday, 14 July 2027, 09:00 (Europe/Prague)');
    const statuses = await page.$$eval('#programme td span[class^=status-]', (s) => s.map((x) => x.textContent));
    expect(statuses.sort()).toEqual(['accepted', 'accepted', 'accepted', 'declined', 'invited']);
    expect(await page.textContent('#programme')).toMatch(/invited respond by 20\d\d-\d\d-\d\d \d\d:\d\d UTC/);
    // Not an admin: no outbox.
    expect(await page.isVisible('#panel-outbox')).toBe(false);
    await page.screenshot({ path: join(ARTIFACTS, 'speakers-programme.png'), fullPage: true });
  });

  it('shows admins how much mail is in the outbox', async () => {
    await openDashboard(t.admin);
    const outbox = (await t.http.get('/api/v1/outbox').set(bearer(t.admin))).body;
    expect(outbox.total).toBeGreaterThanOrEqual(5 + 4 + 1);
    expect(await page.textContent('#outbox-total')).toContain(`${outbox.total} mails (${outbox.counts.held} held)`);
    expect(await page.$$eval('#outbox tbody tr', (r) => r.length)).toBe(Math.min(5, outbox.total));
    await page.locator('#panel-outbox').screenshot({ path: join(ARTIFACTS, 'speakers-outbox.png') });
  });

  it("opens the invitation from the mail's link and accepts it with a click", async () => {
    const [open] = await t.dataSource.query(
      `SELECT o.body, o.allocation_id AS "allocationId" FROM mail_outbox o JOIN allocation a ON a.id = o.allocation_id
       WHERE o.kind = 'invitation' AND a.status = 'invited'`,
    );
    const link = /(http\S+)/.exec(open.body)![1];
    const { hash } = new URL(link);
    await page.goto(`${base}/dashboard/invitation.html${hash}`);
    await page.waitForSelector('#details:not([hidden])');
    expect(await page.textContent('#conference')).toBe('ICHEP 2027, 2027-07-14 to 2027-07-21');
    expect(await page.textContent('#when')).toMatch(/July 2027, \d\d:\d\d \(Europe\/Prague\)/);
    expect(await page.textContent('#where')).toMatch(/^(Main Auditorium|Room B|Room C), Prague, Czechia$/);
    expect(await page.textContent('#status')).toBe('invited');
    await page.screenshot({ path: join(ARTIFACTS, 'speakers-invitation.png'), fullPage: true });
    await page.click('#accept');
    await page.waitForSelector('body[data-status=accepted]');
    expect(await page.textContent('#outcome')).toMatch(/you have accepted/);
    expect(await page.isVisible('#answer')).toBe(false);
    const [allocation] = await t.dataSource.query(`SELECT status FROM allocation WHERE id = $1`, [open.allocationId]);
    expect(allocation.status).toBe('accepted');
    await page.screenshot({ path: join(ARTIFACTS, 'speakers-invitation-accepted.png'), fullPage: true });
    // The link is used up: opening it again shows the answer and offers no buttons.
    await page.reload();
    await page.waitForSelector('#details:not([hidden])');
    expect(await page.isVisible('#answer')).toBe(false);
  });

  it('raised no script errors', () => {
    expect(errors).toEqual([]);
  });
});
