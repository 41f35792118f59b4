// The speaker's side, end to end through a real SMTP server: the invitation mail with its answer
// link and calendar file, answering by the link (signed in or not), the confirmations and the
// nominators' outcome, retries, and the outbox that keeps mail when SMTP_URL is unset.
import ICAL from 'ical.js';
import { ParsedMail } from 'mailparser';
import { createConference, createInstitute, createMember, createNomination, createSlot } from './support/fixtures';
import { answerLink, MailServer, startMailServer } from './support/mail-server';
import { bearer, createTestApp, TestApp } from './support/test-app';

const api = '/api/v1';
const FAST_JOBS = { JOB_POLLING_SECONDS: '1', MAIL_RETRY_DELAY_SECONDS: '1' };

/** A conference in Prague with one scheduled one-seat slot, two nominees (the first with an e-mail address) and their nominators. */
async function scenario(t: TestApp, committee: string) {
  const institute = await createInstitute(t.dataSource, { country: 'CZ' });
  const conference = await createConference(t.dataSource, { startDate: '2027-07-14', endDate: '2027-07-21', country: 'CZ' });
  await t.http
    .patch(`${api}/conferences/${conference.id}`)
    .set(bearer(committee))
    .send({ city: 'Prague', timeZone: 'Europe/Prague' })
    .expect(200);
  const slot = await createSlot(t.dataSource, { conferenceId: conference.id, title: 'Higgs, top & electroweak', talkType: 'plenary' });
  // A wall-clock time at the venue: 09:30 in Prague in July is 07:30 UTC.
  const scheduled = await t.http
    .patch(`${api}/slots/${slot.id}`)
    .set(bearer(committee))
    .send({ startsAt: '2027-07-15T09:30', durationMinutes: 45, room: 'Forum Hall' });
  expect(scheduled.status).toBe(200);
  expect(scheduled.body).toMatchObject({ startsAt: '2027-07-15T07:30:00.000Z', durationMinutes: 45, room: 'Forum Hall' });
  const email = `ada.${conference.id.slice(0, 8)}@uni.example`;
  const speaker = {
    ...(await createMember(t.dataSource, { instituteId: institute.id, careerStage: 'student', name: 'Ada Lovelace', email })),
    email,
  };
  const other = await createMember(t.dataSource, { instituteId: institute.id, careerStage: 'tenured', name: 'Grace Hopper' });
  const nominatorA = await t.user('nominator');
  const nominatorB = await t.user('nominator');
  const nominationA = await createNomination(t.dataSource, { memberId: speaker.id, slotId: slot.id, nominatorId: nominatorA.id });
  const nominationB = await createNomination(t.dataSource, { memberId: other.id, slotId: slot.id, nominatorId: nominatorB.id });
  const emails = async (id: string) => (await t.dataSource.query(`SELECT email FROM app_user WHERE id = $1`, [id]))[0].email as string;
  return {
    conference,
    slot,
    speaker,
    other,
    nominationA,
    nominationB,
    nominatorA: { ...nominatorA, email: await emails(nominatorA.id) },
    nominatorB: { ...nominatorB, email: await emails(nominatorB.id) },
  };
}

const to = (mail: ParsedMail) => (Array.isArray(mail.to) ? mail.to : [mail.to]).flatMap((a) => a?.value.map((v) => v.address) ?? []);

describe('invitations by e-mail through a real SMTP server', () => {
  let smtp: MailServer;
  let t: TestApp;
  let committee: string;

  beforeAll(async () => {
    smtp = await startMailServer();
    t = await createTestApp({
      env: {
        SMTP_URL: smtp.url,
        MAIL_FROM: 'Conference committee <committee@collab.example>',
        PUBLIC_URL: 'http://speakers.collab.example',
        ...FAST_JOBS,
      },
    });
    committee = await t.token('committee');
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('mails the invitation with slot, conference, dates, place, a calendar file and a link that accepts', async () => {
    const s = await scenario(t, committee);
    const invited = await t.http.post(`${api}/slots/${s.slot.id}/allocations`).set(bearer(committee)).send({ memberId: s.speaker.id });
    expect(invited.status).toBe(201);
    expect(invited.body.status).toBe('invited');
    // Seven days to answer by default.
    const respondBy = new Date(invited.body.respondBy).getTime();
    expect(Math.abs(respondBy - (Date.now() + 7 * 86_400_000))).toBeLessThan(60_000);

    const [mail] = await smtp
      .waitFor((r) => r.some((m) => to(m).includes(s.speaker.email)))
      .then((r) => r.filter((m) => to(m).includes(s.speaker.email)));
    expect(mail.from?.value[0].address).toBe('committee@collab.example');
    expect(mail.subject).toBe(`Invitation to speak: Higgs, top & electroweak at ${s.conference.name}`);
    expect(mail.text).toContain(`${s.conference.name}, 2027-07-14 to 2027-07-21`);
    expect(mail.text).toContain('Thursday, 15 July 2027, 09:30 (Europe/Prague), 45 minutes');
    expect(mail.text).toContain('Forum Hall, Prague, Czechia');

    const ics = mail.attachments.find((a) => a.filename === 'talk.ics');
    expect(ics?.contentType).toBe('text/calendar');
    const event = new ICAL.Event(new ICAL.Component(ICAL.parse(ics!.content.toString('utf8'))).getFirstSubcomponent('vevent')!);
    expect(event.startDate.toJSDate().toISOString()).toBe('2027-07-15T07:30:00.000Z');
    expect(event.endDate.toJSDate().toISOString()).toBe('2027-07-15T08:15:00.000Z');
    expect(event.location).toBe('Forum Hall, Prague, Czechia');
    expect(event.summary).toBe('Higgs, top & electroweak: Ada Lovelace');

    // Following the link: the page, then what the page does with the token in the fragment.
    const link = answerLink(mail);
    expect(link.url).toBe('http://speakers.collab.example/dashboard/invitation.html');
    const page = await t.http.get('/dashboard/invitation.html');
    expect(page.status).toBe(200);
    expect(page.text).toContain('/dashboard/invitation.js');
    const read = await t.http.get(`${api}/invitation-link`).set('Invitation-Token', link.token);
    expect(read.status).toBe(200);
    expect(read.headers['cache-control']).toBe('no-store');
    expect(read.body).toMatchObject({
      allocationId: invited.body.id,
      speakerName: 'Ada Lovelace',
      status: 'invited',
      canAnswer: true,
      slot: {
        title: 'Higgs, top & electroweak',
        startsAt: '2027-07-15T07:30:00.000Z',
        durationMinutes: 45,
        room: 'Forum Hall',
        startsLocal: 'Thursday, 15 July 2027, 09:30 (Europe/Prague)',
      },
      conference: { name: s.conference.name, location: 'Prague, Czechia', timeZone: 'Europe/Prague' },
    });
    // Signed in (with any bearer token) or not, the link is what counts.
    const accepted = await t.http.post(`${api}/invitation-link/accept`).set('Invitation-Token', link.token).set(bearer(committee));
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'accepted', canAnswer: false, answeredWithThisLink: 'accepted' });

    const allocation = await t.http.get(`${api}/allocations/${invited.body.id}`).set(bearer(committee));
    expect(allocation.body).toMatchObject({ status: 'accepted', respondBy: null });
    expect(allocation.body.talkId).not.toBeNull();
    const [audit] = await t.dataSource.query(
      `SELECT actor_id, after FROM audit_event WHERE action = 'allocation.accept' AND entity_id = $1`,
      [invited.body.id],
    );
    expect(audit).toEqual({ actor_id: null, after: { status: 'accepted', version: 2, via: 'invitation-link' } });

    // Single use, and nothing forged gets through.
    expect((await t.http.post(`${api}/invitation-link/decline`).set('Invitation-Token', link.token)).status).toBe(409);
    const [claims, signature] = link.token.split('.');
    const forged = `${claims.slice(0, -2)}AA.${signature}`;
    expect((await t.http.get(`${api}/invitation-link`).set('Invitation-Token', forged)).status).toBe(404);
    expect((await t.http.post(`${api}/invitation-link/accept`).set('Invitation-Token', `${claims}.${signature.slice(2)}`)).status).toBe(
      404,
    );
    expect((await t.http.get(`${api}/invitation-link`)).status).toBe(400);
    expect((await t.http.get(`${api}/invitation-link`).set('Invitation-Token', link.token)).body).toMatchObject({
      status: 'accepted',
      canAnswer: false,
      answeredWithThisLink: 'accepted',
    });

    // The speaker's confirmation with the talk; the nominators each hear of their own nominee only.
    await smtp.waitFor(
      (r) =>
        r.some((m) => m.subject?.startsWith('Confirmed:')) &&
        r.filter((m) => /^(Selected|Not this time):/.test(m.subject ?? '')).length >= 2,
    );
    const confirmation = smtp.received.find((m) => m.subject === `Confirmed: your talk at ${s.conference.name}`)!;
    expect(to(confirmation)).toEqual([s.speaker.email]);
    expect(confirmation.attachments.map((a) => a.filename)).toEqual(['talk.ics']);
    const selected = smtp.received.find((m) => to(m).includes(s.nominatorA.email))!;
    expect(selected.subject).toMatch(/^Selected: your nomination for Higgs, top & electroweak/);
    expect(selected.text).toContain('Ada Lovelace');
    const notThisTime = smtp.received.find((m) => to(m).includes(s.nominatorB.email))!;
    expect(notThisTime.subject).toMatch(/^Not this time:/);
    expect(notThisTime.text).toContain('Grace Hopper');
    expect(notThisTime.text).not.toContain('Ada Lovelace');
  });

  it('declines by link with a reason the committee alone reads, and never mails the reason', async () => {
    const s = await scenario(t, committee);
    const invited = await t.http.post(`${api}/slots/${s.slot.id}/allocations`).set(bearer(committee)).send({ memberId: s.speaker.id });
    const mail = (await smtp.waitFor((r) => r.some((m) => to(m).includes(s.speaker.email)))).find((m) => to(m).includes(s.speaker.email))!;
    const { token } = answerLink(mail);
    expect((await t.http.post(`${api}/invitation-link/decline`).set('Invitation-Token', token).send({ reason: 42 })).status).toBe(400);
    expect((await t.http.post(`${api}/invitation-link/decline`).set('Invitation-Token', token).send({ other: 'x' })).status).toBe(400);
    const declined = await t.http.post(`${api}/invitation-link/decline`).set('Invitation-Token', token).send({ reason: 'parental leave' });
    expect(declined.status).toBe(200);
    expect(declined.body.status).toBe('declined');
    const allocation = await t.http.get(`${api}/allocations/${invited.body.id}`).set(bearer(committee));
    expect(allocation.body).toMatchObject({ status: 'declined', reason: 'parental leave', talkId: null });
    const nomination = await t.dataSource.query(`SELECT status FROM nomination WHERE id = $1`, [s.nominationA.id]);
    expect(nomination[0].status).toBe('shortlisted');
    await smtp.waitFor((r) => r.some((m) => to(m).includes(s.speaker.email) && m.subject === `Your answer about ${s.conference.name}`));
    const audit = await t.dataSource.query(`SELECT after FROM audit_event WHERE entity_id = $1`, [invited.body.id]);
    expect(JSON.stringify(audit)).not.toContain('parental leave');
    const outbox = await t.http.get(`${api}/outbox`).query({ allocationId: invited.body.id }).set(bearer(t.admin));
    for (const item of outbox.body.items) {
      const full = await t.http.get(`${api}/outbox/${item.id}`).set(bearer(t.admin));
      expect(full.body.body).not.toContain('parental leave');
    }
  });

  it('retries a delivery the server refuses for now, with backoff, and sends it once', async () => {
    const s = await scenario(t, committee);
    smtp.refuseNext(2);
    const invited = await t.http.post(`${api}/slots/${s.slot.id}/allocations`).set(bearer(committee)).send({ memberId: s.speaker.id });
    await smtp.waitFor((r) => r.some((m) => to(m).includes(s.speaker.email)), 30_000);
    const [row] = await t.dataSource.query(
      `SELECT status, attempts, last_error, id FROM mail_outbox WHERE allocation_id = $1 AND kind = 'invitation'`,
      [invited.body.id],
    );
    expect(row).toMatchObject({ status: 'sent', attempts: 3 });
    expect(smtp.received.filter((m) => to(m).includes(s.speaker.email))).toHaveLength(1);
  });

  it('shows admins the outbox with what happened to each mail, and nobody else', async () => {
    const page = await t.http.get(`${api}/outbox`).query({ kind: 'invitation' }).set(bearer(t.admin));
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ smtpConfigured: true, limit: 50, offset: 0 });
    expect(page.body.total).toBeGreaterThanOrEqual(3);
    expect(page.body.items.every((m: { kind: string; status: string }) => m.kind === 'invitation' && m.status === 'sent')).toBe(true);
    expect(page.body.items[0].attachments).toEqual([{ filename: 'talk.ics', contentType: 'text/calendar; method=PUBLISH; charset=utf-8' }]);
    expect(page.body.items[0]).not.toHaveProperty('body');
    expect(page.body.counts.sent).toBe(page.body.total);
    expect((await t.http.get(`${api}/outbox`).set(bearer(committee))).status).toBe(403);
    expect((await t.http.get(`${api}/outbox`)).status).toBe(401);
    expect((await t.http.get(`${api}/outbox`).query({ status: 'lost' }).set(bearer(t.admin))).status).toBe(400);
  });
});

describe('mail without SMTP_URL', () => {
  let t: TestApp;
  let committee: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { SMTP_URL: undefined, PUBLIC_URL: 'http://localhost:3000' } });
    committee = await t.token('committee');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('keeps every mail in the outbox, where the admin reads it and its link still works', async () => {
    const s = await scenario(t, committee);
    const invited = await t.http.post(`${api}/slots/${s.slot.id}/allocations`).set(bearer(committee)).send({ memberId: s.speaker.id });
    const list = await t.http.get(`${api}/outbox`).query({ allocationId: invited.body.id }).set(bearer(t.admin));
    expect(list.body).toMatchObject({ smtpConfigured: false, total: 1, counts: { held: 1, queued: 0, sent: 0 } });
    const mail = await t.http.get(`${api}/outbox/${list.body.items[0].id}`).set(bearer(t.admin));
    expect(mail.body).toMatchObject({ kind: 'invitation', status: 'held', recipients: [s.speaker.email], attempts: 0 });
    expect(mail.body.attachments[0].content).toContain('BEGIN:VCALENDAR');
    const token = /#(\S+)/.exec(mail.body.body)![1];
    const accepted = await t.http.post(`${api}/invitation-link/accept`).set('Invitation-Token', token);
    expect(accepted.body.status).toBe('accepted');
    // No delivery job was ever made for a held mail.
    const jobs = await t.dataSource.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'mail-delivery'`);
    expect(jobs[0].n).toBe(0);
    expect((await t.http.get(`${api}/outbox/${invited.body.id}`).set(bearer(t.admin))).status).toBe(404);
  });

  it('warns when the speaker would hold two talks at one conference or at overlapping times', async () => {
    const s = await scenario(t, committee);
    const second = await createSlot(t.dataSource, { conferenceId: s.conference.id, title: 'Flavour', talkType: 'parallel' });
    await t.http
      .patch(`${api}/slots/${second.id}`)
      .set(bearer(committee))
      .send({ startsAt: '2027-07-15T07:45:00Z', durationMinutes: 20 })
      .expect(200);
    const later = await createSlot(t.dataSource, { conferenceId: s.conference.id, title: 'Outlook', talkType: 'summary' });
    await t.http.patch(`${api}/slots/${later.id}`).set(bearer(committee)).send({ startsAt: '2027-07-20T15:00:00Z' }).expect(200);
    for (const slotId of [second.id, later.id]) {
      await createNomination(t.dataSource, { memberId: s.speaker.id, slotId, nominatorId: s.nominatorA.id });
    }
    const first = await t.http.post(`${api}/slots/${s.slot.id}/allocations`).set(bearer(committee)).send({ memberId: s.speaker.id });
    expect(first.body.warnings).toEqual([]);
    const overlapping = await t.http.post(`${api}/slots/${second.id}/allocations`).set(bearer(committee)).send({ memberId: s.speaker.id });
    expect(overlapping.status).toBe(201);
    expect(overlapping.body.warnings).toEqual([expect.objectContaining({ kind: 'overlapping-times', allocationId: first.body.id })]);
    const sameConference = await t.http
      .post(`${api}/slots/${later.id}/allocations`)
      .set(bearer(committee))
      .send({ memberId: s.speaker.id });
    expect(sameConference.body.warnings.map((w: { kind: string }) => w.kind).sort()).toEqual(['same-conference', 'same-conference']);
    // Once the overlapping one is withdrawn, the first no longer clashes with it.
    await t.http.patch(`${api}/allocations/${overlapping.body.id}`).set(bearer(committee)).send({ status: 'withdrawn' }).expect(200);
    const read = await t.http.get(`${api}/allocations/${first.body.id}`).set(bearer(committee));
    expect(read.body.warnings).toEqual([expect.objectContaining({ kind: 'same-conference', allocationId: sameConference.body.id })]);
  });
});
