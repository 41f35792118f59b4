// An open call from its opening to the appointment: nominations (self-nominations too) until the
// deadline, the committee's choice with its rationale, the appointment it makes, and the outcome mail
// to every nominee and nominator in the outbox, all in one transaction.
import { randomUUID } from 'node:crypto';
import { Clock } from '../../src/clock/clock';
import { Role } from '../../src/common/enums';
import { createInstitute, createMember, MemberFixture } from '../support/fixtures';
import { bearer, createTestApp, TestApp } from '../support/test-app';

const DAY = 86_400_000;
const iso = (d: Date) => d.toISOString().slice(0, 10);

describe('open calls for leadership positions', () => {
  let t: TestApp;
  let committee: string;
  let nominator: { id: string; token: string; email: string };
  let position: string;
  let ada: MemberFixture;
  let ben: MemberFixture;
  let cleo: MemberFixture;
  let adaToken: string;
  let now: Date;

  async function account(roles: Role[], memberId?: string) {
    const email = `${randomUUID()}@calls.test`;
    const res = await t.http
      .post('/api/v1/users')
      .set(bearer(t.admin))
      .send({ name: `Account ${email.slice(0, 4)}`, email, roles, memberId });
    expect(res.status).toBe(201);
    return { id: res.body.id as string, token: res.body.token as string, email };
  }

  beforeAll(async () => {
    t = await createTestApp();
    now = new Date();
    jest.spyOn(t.app.get(Clock), 'now').mockImplementation(() => now);
    committee = (await account(['committee'])).token;
    nominator = await account(['nominator']);
    const institute = await createInstitute(t.dataSource, { country: 'FR' });
    ada = await createMember(t.dataSource, { instituteId: institute.id, name: 'Ada Lovelace', email: 'ada@calls.test', gender: 'woman' });
    ben = await createMember(t.dataSource, { instituteId: institute.id, name: 'Ben Franklin', email: 'ben@calls.test', gender: 'man' });
    cleo = await createMember(t.dataSource, { instituteId: institute.id, name: 'Cleo Reyes', email: null });
    adaToken = (await account(['member'], ada.id)).token;
    position = (
      await t.http.post('/api/v1/leadership/positions').set(bearer(committee)).send({
        title: 'Physics coordinator',
        level: 'L1',
        area: 'physics',
        kind: 'coordinator',
        termYears: 2,
        maxTerms: 2,
        mandate: 'Coordinates the physics programme and its resources',
        allocatesResources: true,
      })
    ).body.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it("takes nominations until its deadline, appoints the committee's choice and mails every nominee and nominator", async () => {
    const deadline = iso(new Date(now.getTime() + 7 * DAY));
    const termStartsOn = iso(new Date(now.getTime() + 30 * DAY));
    const opened = await t.http
      .post('/api/v1/leadership/calls')
      .set(bearer(committee))
      .send({ positionId: position, deadline, termStartsOn });
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({
      status: 'open',
      acceptingNominations: true,
      deadline,
      termStartsOn,
      nominations: 0,
      decision: null,
      position: { title: 'Physics coordinator', mandate: 'Coordinates the physics programme and its resources' },
    });
    const call = opened.body.id;
    const read = await t.http.get(`/api/v1/leadership/calls/${call}`).set(bearer(adaToken));
    expect(read.body.position.mandate).toMatch(/physics programme/);

    const self = await t.http
      .post(`/api/v1/leadership/calls/${call}/nominations`)
      .set(bearer(adaToken))
      .send({ memberId: ada.id, statement: 'I would like to serve' });
    expect(self.status).toBe(201);
    expect(self.body).toMatchObject({ selfNomination: true, status: 'submitted' });
    const forOther = await t.http
      .post(`/api/v1/leadership/calls/${call}/nominations`)
      .set(bearer(adaToken))
      .send({ memberId: ben.id, statement: 'Ben!' });
    expect(forOther.status).toBe(403);
    const byNominator = await t.http
      .post(`/api/v1/leadership/calls/${call}/nominations`)
      .set(bearer(nominator.token))
      .send({ memberId: ben.id, statement: 'Led the Higgs group well' });
    expect(byNominator.status).toBe(201);
    expect(
      (
        await t.http
          .post(`/api/v1/leadership/calls/${call}/nominations`)
          .set(bearer(committee))
          .send({ memberId: cleo.id, statement: 'Strong record' })
      ).status,
    ).toBe(201);
    const duplicate = await t.http
      .post(`/api/v1/leadership/calls/${call}/nominations`)
      .set(bearer(committee))
      .send({ memberId: ben.id, statement: 'again' });
    expect(duplicate.status).toBe(409);
    // A nominee may decline to stand; someone else's nomination is not found for a member.
    const dora = await createMember(t.dataSource, { instituteId: ada.instituteId, name: 'Dora Maar', email: 'dora@calls.test' });
    const forDora = await t.http
      .post(`/api/v1/leadership/calls/${call}/nominations`)
      .set(bearer(nominator.token))
      .send({ memberId: dora.id, statement: 'Dora' });
    const doraToken = (await account(['member'], dora.id)).token;
    const withdraw = (token: string, id: string) =>
      t.http.post(`/api/v1/leadership/calls/${call}/nominations/${id}/withdraw`).set(bearer(token));
    expect((await withdraw(adaToken, forDora.body.id)).status).toBe(404);
    const declined = await withdraw(doraToken, forDora.body.id);
    expect(declined.status).toBe(200);
    expect(declined.body.status).toBe('withdrawn');
    expect((await withdraw(doraToken, forDora.body.id)).status).toBe(409);
    // A nominator sees their own nominations; the committee all of them.
    expect(
      (await t.http.get(`/api/v1/leadership/calls/${call}/nominations`).set(bearer(nominator.token))).body.map(
        (n: { memberId: string; status: string }) => [n.memberId, n.status],
      ),
    ).toEqual([
      [ben.id, 'submitted'],
      [dora.id, 'withdrawn'],
    ]);
    expect((await t.http.get(`/api/v1/leadership/calls/${call}/nominations`).set(bearer(committee))).body).toHaveLength(4);

    const early = await t.http
      .post(`/api/v1/leadership/calls/${call}/decision`)
      .set(bearer(committee))
      .send({ memberId: ben.id, rationale: 'Best fit' });
    expect(early.status).toBe(422);
    expect(early.body.rule).toBe('call-still-open');

    now = new Date(now.getTime() + 8 * DAY);
    const late = await t.http
      .post(`/api/v1/leadership/calls/${call}/nominations`)
      .set(bearer(nominator.token))
      .send({ memberId: ada.id, statement: 'late' });
    expect(late.status).toBe(422);
    expect(late.body.rule).toBe('deadline-passed');
    const notNominated = await t.http
      .post(`/api/v1/leadership/calls/${call}/decision`)
      .set(bearer(committee))
      .send({ memberId: (await createMember(t.dataSource, { instituteId: ada.instituteId })).id, rationale: 'x' });
    expect(notNominated.body.rule).toBe('not-nominated');
    const mailsBefore = Number((await t.dataSource.query(`SELECT count(*)::int AS n FROM mail_outbox`))[0].n);
    expect(mailsBefore).toBe(0);

    const decided = await t.http
      .post(`/api/v1/leadership/calls/${call}/decision`)
      .set(bearer(committee))
      .send({ memberId: ben.id, rationale: 'Experience across the programme' });
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({
      status: 'decided',
      acceptingNominations: false,
      decision: { memberId: ben.id, memberName: 'Ben Franklin', rationale: 'Experience across the programme' },
    });
    const appointment = await t.http.get(`/api/v1/leadership/appointments/${decided.body.decision.appointmentId}`).set(bearer(committee));
    expect(appointment.body).toMatchObject({
      memberId: ben.id,
      positionId: position,
      startsOn: termStartsOn,
      source: 'call',
      callId: call,
    });
    // Others read the decision, not the committee's rationale.
    const forMember = await t.http.get(`/api/v1/leadership/calls/${call}`).set(bearer(adaToken));
    expect(forMember.body.decision).toMatchObject({ memberId: ben.id });
    expect(forMember.body.decision).not.toHaveProperty('rationale');

    const mails: Array<{ recipients: string[]; subject: string; body: string; kind: string }> = await t.dataSource.query(
      `SELECT recipients, subject, body, kind FROM mail_outbox ORDER BY recipients[1]`,
    );
    const to = (address: string) => mails.filter((m) => m.recipients.includes(address));
    expect(mails.every((m) => m.kind === 'outcome')).toBe(true);
    // Ada nominated herself: one letter. Ben and his nominator: selected. Cleo has no address; her nominator (the committee) hears.
    expect(to('ada@calls.test')).toEqual([expect.objectContaining({ subject: 'Decided: Physics coordinator' })]);
    expect(to('ada@calls.test')[0].body).toMatch(/appointed Ben Franklin as Physics coordinator .*you were not chosen this time/s);
    expect(to('ben@calls.test')).toEqual([expect.objectContaining({ subject: 'Appointed: Physics coordinator' })]);
    expect(to('ben@calls.test')[0].body).toMatch(/appointed you as Physics coordinator from/);
    expect(to(nominator.email)[0].body).toMatch(/Ben Franklin, whom you nominated, as Physics coordinator/);
    expect(mails).toHaveLength(4);
    for (const mail of mails) expect(mail.body).not.toMatch(/Experience across the programme|woman|gender/);
    const again = await t.http
      .post(`/api/v1/leadership/calls/${call}/decision`)
      .set(bearer(committee))
      .send({ memberId: ada.id, rationale: 'x' });
    expect(again.status).toBe(409);
    const actions = (await t.dataSource.query(`SELECT action FROM audit_event WHERE action LIKE 'leadership-%' ORDER BY id`)).map(
      (r: { action: string }) => r.action,
    );
    expect(actions).toEqual(
      expect.arrayContaining([
        'leadership-call.create',
        'leadership-nomination.create',
        'leadership-appointment.create',
        'leadership-call.decide',
      ]),
    );
  });

  it('refuses bad calls and decisions with 400 or 422, writing nothing', async () => {
    const count = async () =>
      Number((await t.dataSource.query(`SELECT (SELECT count(*) FROM leadership_call) + (SELECT count(*) FROM audit_event) AS n`))[0].n);
    const before = await count();
    const post = (body: object) => t.http.post('/api/v1/leadership/calls').set(bearer(committee)).send(body);
    const today = iso(now);
    expect((await post({ positionId: position, deadline: 'soon', termStartsOn: today })).status).toBe(400);
    expect((await post({ positionId: position, deadline: today, termStartsOn: today, extra: 1 })).status).toBe(400);
    expect((await post({ positionId: position, deadline: '2001-01-01', termStartsOn: '2002-01-01' })).status).toBe(422);
    expect((await post({ positionId: position, deadline: today, termStartsOn: '2001-01-01' })).status).toBe(422);
    expect((await post({ positionId: randomUUID(), deadline: today, termStartsOn: today })).status).toBe(422);
    expect((await t.http.post('/api/v1/leadership/calls').set(bearer(nominator.token)).send({})).status).toBe(403);
    expect(await count()).toBe(before);
  });
});
