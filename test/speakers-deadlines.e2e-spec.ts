// Answer deadlines on a controllable clock: the reminder before the deadline, expiry after it (the
// seat freed, the nomination back on the shortlist, the committee told who is next, nothing counted
// against the person), the committee's digest, and the sweep running as a job on the queue.
import { Clock } from '../src/clock/clock';
import { JobQueue } from '../src/jobs/job-queue';
import { CommitteeDigest } from '../src/speakers/committee-digest';
import { DEADLINES_QUEUE, InvitationDeadlines } from '../src/speakers/invitation-deadlines';
import { createConference, createInstitute, createMember, createNomination, createSlot } from './support/fixtures';
import { bearer, createTestApp, TestApp } from './support/test-app';

const api = '/api/v1';
const DAY = 86_400_000;

describe('invitation deadlines on a controllable clock', () => {
  let t: TestApp;
  let committee: { id: string; token: string };
  let now: Date;
  let deadlines: InvitationDeadlines;
  const at = (ms: number) => {
    now = new Date(ms);
  };
  const outbox = (allocationId: string) =>
    t.dataSource.query(`SELECT kind, recipients, subject, body FROM mail_outbox WHERE allocation_id = $1 ORDER BY created_at, kind`, [
      allocationId,
    ]);

  beforeAll(async () => {
    t = await createTestApp({ env: { SMTP_URL: undefined, JOB_POLLING_SECONDS: '1' } });
    now = new Date();
    jest.spyOn(t.app.get(Clock), 'now').mockImplementation(() => now);
    deadlines = t.app.get(InvitationDeadlines);
    committee = await t.user('committee');
  });
  afterAll(async () => {
    await t?.close();
  });

  async function invitation(p: { respondWithinDays?: number; startDate?: string } = {}) {
    const institute = await createInstitute(t.dataSource, { country: 'FR' });
    const conference = await createConference(t.dataSource, {
      startDate: p.startDate ?? '2027-09-01',
      endDate: p.startDate ?? '2027-09-05',
    });
    const slot = await createSlot(t.dataSource, { conferenceId: conference.id, title: 'Dark matter searches' });
    if (p.respondWithinDays)
      await t.dataSource.query(`UPDATE slot SET respond_within_days = $2 WHERE id = $1`, [slot.id, p.respondWithinDays]);
    const nominator = await t.user('nominator');
    const speaker = await createMember(t.dataSource, {
      instituteId: institute.id,
      careerStage: 'student',
      name: 'Lise Meitner',
      email: `lise.${slot.id.slice(0, 8)}@uni.example`,
    });
    const next = await createMember(t.dataSource, { instituteId: institute.id, careerStage: 'tenured', name: 'Emmy Noether' });
    const nomination = await createNomination(t.dataSource, { memberId: speaker.id, slotId: slot.id, nominatorId: nominator.id });
    await createNomination(t.dataSource, { memberId: next.id, slotId: slot.id, nominatorId: nominator.id });
    const res = await t.http.post(`${api}/slots/${slot.id}/allocations`).set(bearer(committee.token)).send({ memberId: speaker.id });
    expect(res.status).toBe(201);
    return { conference, slot, speaker, next, nomination, allocation: res.body };
  }

  it('reminds once when two days are left, expires at the deadline, frees the seat and tells the committee who is next', async () => {
    const t0 = now.getTime();
    const s = await invitation();
    expect(new Date(s.allocation.respondBy).getTime()).toBe(t0 + 7 * DAY);
    const eligibility = async () =>
      (await t.http.get(`${api}/members/${s.speaker.id}/eligibility`).query({ asOf: '2027-09-01' }).set(bearer(committee.token))).body
        .score;
    const scoreBefore = await eligibility();

    at(t0 + 4 * DAY);
    expect(await deadlines.sweep()).toEqual({ reminded: 0, expired: 0 });
    at(t0 + 5 * DAY + 60_000);
    expect(await deadlines.sweep()).toEqual({ reminded: 1, expired: 0 });
    expect(await deadlines.sweep()).toEqual({ reminded: 0, expired: 0 });
    const mails = await outbox(s.allocation.id);
    expect(mails.map((m: { kind: string }) => m.kind)).toEqual(['invitation', 'reminder']);
    const reminder = mails[1];
    expect(reminder.subject).toMatch(/^Reminder: please answer the invitation/);
    const token = /#(\S+)/.exec(reminder.body)![1];
    expect((await t.http.get(`${api}/invitation-link`).set('Invitation-Token', token)).body.status).toBe('invited');

    at(t0 + 7 * DAY - 1000);
    expect(await deadlines.sweep()).toEqual({ reminded: 0, expired: 0 });
    at(t0 + 7 * DAY + 1000);
    expect(await deadlines.sweep()).toEqual({ reminded: 0, expired: 1 });

    const allocation = await t.http.get(`${api}/allocations/${s.allocation.id}`).set(bearer(committee.token));
    expect(allocation.body).toMatchObject({ status: 'expired', respondBy: null, talkId: null });
    const [nomination] = await t.dataSource.query(`SELECT status FROM nomination WHERE id = $1`, [s.nomination.id]);
    expect(nomination.status).toBe('shortlisted');
    expect((await t.http.get(`${api}/slots/${s.slot.id}`).set(bearer(committee.token))).body.seatsTaken).toBe(0);
    const audit = await t.dataSource.query(
      `SELECT action, actor_id, after FROM audit_event WHERE entity_id IN ($1, $2) AND at > now() - interval '1 minute' ORDER BY id`,
      [s.allocation.id, s.nomination.id],
    );
    expect(audit.filter((a: { action: string }) => a.action !== 'allocation.create' && a.action !== 'nomination.allocate')).toEqual([
      {
        action: 'allocation.remind',
        actor_id: null,
        after: { remindedAt: new Date(t0 + 5 * DAY + 60_000).toISOString(), respondBy: new Date(t0 + 7 * DAY).toISOString(), mailed: true },
      },
      { action: 'allocation.expire', actor_id: null, after: { status: 'expired', version: 2, via: 'deadline' } },
      { action: 'nomination.release', actor_id: null, after: { status: 'shortlisted', allocationId: s.allocation.id } },
    ]);
    // Expiry never counts against the person: no talk, the same eligibility.
    expect(await eligibility()).toBe(scoreBefore);

    const after = await outbox(s.allocation.id);
    const lapsed = after.filter((m: { kind: string }) => m.kind === 'expired');
    const [{ email: committeeEmail }] = await t.dataSource.query(`SELECT email FROM app_user WHERE id = $1`, [committee.id]);
    const notice = lapsed.find((m: { recipients: string[] }) => m.recipients.includes(committeeEmail));
    expect(notice.subject).toBe(`Invitation lapsed: Dark matter searches at ${s.conference.name}`);
    expect(notice.body).toMatch(/Next candidates for the seat, best ranked first:\n {2}\d+\. Emmy Noether \(tenured, FRANCE\)/);
    expect(lapsed.find((m: { recipients: string[] }) => m.recipients.includes(`lise.${s.slot.id.slice(0, 8)}@uni.example`)).body).toContain(
      'This does not count against you',
    );
    // The reminder's link died with the invitation; the seat can go to the next candidate.
    expect((await t.http.get(`${api}/invitation-link`).set('Invitation-Token', token)).status).toBe(410);
    const reassigned = await t.http
      .post(`${api}/slots/${s.slot.id}/allocations`)
      .set(bearer(committee.token))
      .send({ memberId: s.next.id });
    expect(reassigned.status).toBe(201);
    // Its own deadline runs from the moment of this invitation.
    expect(new Date(reassigned.body.respondBy).getTime()).toBe(now.getTime() + 7 * DAY);
  });

  it("takes the slot's answer window, and never a deadline after the conference begins", async () => {
    const short = await invitation({ respondWithinDays: 3 });
    expect(new Date(short.allocation.respondBy).getTime()).toBe(now.getTime() + 3 * DAY);
    const soon = new Date(now.getTime() + 4 * DAY).toISOString().slice(0, 10);
    const early = await invitation({ startDate: soon });
    expect(new Date(early.allocation.respondBy).toISOString()).toBe(`${soon}T00:00:00.000Z`);
  });

  it('sends the committee one digest a day with the answers and what is still open', async () => {
    at(now.getTime() + 60_000);
    const digest = t.app.get(CommitteeDigest);
    const id = await digest.send();
    expect(id).not.toBeNull();
    const [mail] = await t.dataSource.query(`SELECT subject, body, recipients FROM mail_outbox WHERE id = $1`, [id]);
    expect(mail.subject).toMatch(/^Speaker responses for \d{4}-\d{2}-\d{2}: 0 accepted, 0 declined, 1 expired$/);
    expect(mail.body).toContain('expired  Lise Meitner: Dark matter searches');
    expect(mail.body).toContain('Still waiting for an answer:');
    expect(mail.body).toContain('Emmy Noether: Dark matter searches');
    expect(await digest.send()).toBeNull();
  });

  it('runs the sweep as a job on the queue, scheduled every minute', async () => {
    const jobs = t.app.get(JobQueue);
    expect(await jobs.schedules()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: DEADLINES_QUEUE, cron: '* * * * *' }),
        expect.objectContaining({ name: 'committee-digest', cron: '0 7 * * *' }),
      ]),
    );
    const s = await invitation();
    at(now.getTime() + 8 * DAY);
    await jobs.send(DEADLINES_QUEUE);
    const deadline = Date.now() + 20_000;
    let status = 'invited';
    while (status === 'invited' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      [{ status }] = await t.dataSource.query(`SELECT status FROM allocation WHERE id = $1`, [s.allocation.id]);
    }
    expect(status).toBe('expired');
  });
});
