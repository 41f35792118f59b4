// A member's own pages (role member), and every privacy promise they make, attacked: a member never
// reads or answers another member's data, a gender change is seen only by the person and admins,
// nominations of a member disclose nominator and reason only as the committee's policy says. Also the
// nominator's member link (self-nomination refused, a nominator from the nominee's institute recorded
// and shown in the candidates) and the diversity office's anonymous box, read by do-chair alone.
import { randomUUID } from 'node:crypto';
import { Role } from '../src/common/enums';
import { createConference, createInstitute, createMember, createSlot, createTalk } from './support/fixtures';
import { bearer, createTestApp, TestApp } from './support/test-app';

const INCIDENT_KEY = 'b4'.repeat(32);

describe("a member's own data (/me)", () => {
  let t: TestApp;
  let committee: string;
  const people: Record<string, { memberId: string; userId: string; token: string }> = {};
  let instituteA: { id: string; name: string };
  let instituteB: { id: string; name: string };
  let conferenceId: string;
  let slotId: string;
  let openSlotId: string;
  const invitations: Record<string, string> = {};

  /** An account with these roles, linked by an admin to the member record. */
  async function account(memberId: string, roles: Role[]): Promise<{ userId: string; token: string }> {
    const res = await t.http
      .post('/api/v1/users')
      .set(bearer(t.admin))
      .send({ name: `account ${randomUUID().slice(0, 6)}`, email: `${randomUUID()}@me.test`, roles, memberId });
    expect(res.status).toBe(201);
    return { userId: res.body.id, token: res.body.token };
  }
  const as = (token: string) => ({
    get: (url: string) => t.http.get(`/api/v1${url}`).set(bearer(token)),
    post: (url: string, body?: object) => t.http.post(`/api/v1${url}`).set(bearer(token)).send(body),
    patch: (url: string, body: object) => t.http.patch(`/api/v1${url}`).set(bearer(token)).send(body),
    put: (url: string, body: object) => t.http.put(`/api/v1${url}`).set(bearer(token)).send(body),
  });

  beforeAll(async () => {
    t = await createTestApp({ env: { INCIDENT_KEY } });
    committee = await t.token('committee');
    instituteA = await createInstitute(t.dataSource, { country: 'IT' });
    instituteB = await createInstitute(t.dataSource, { country: 'FR' });
    const member = async (key: string, p: Parameters<typeof createMember>[1], roles: Role[] = ['member']) => {
      const m = await createMember(t.dataSource, p);
      people[key] = { memberId: m.id, ...(await account(m.id, roles)) };
    };
    await member('ada', {
      instituteId: instituteA.id,
      name: 'Ada Moretti',
      careerStage: 'postdoc',
      gender: 'woman',
      joinedOn: '2018-09-01',
      stages: [{ from: '2023-03-01', careerStage: 'postdoc' }],
    });
    await member('bo', { instituteId: instituteA.id, name: 'Bo Ricci', careerStage: 'student', gender: 'man', email: 'bo.ricci@me.test' });
    // Nominators who are members of the collaboration: Nina at Ada's institute, Noel elsewhere.
    await member('nina', { instituteId: instituteA.id, name: 'Nina Conti', careerStage: 'tenured' }, ['nominator', 'member']);
    await member('noel', { instituteId: instituteB.id, name: 'Noel Dubois', careerStage: 'tenured' }, ['nominator', 'member']);

    const past = await createConference(t.dataSource, { startDate: '2024-05-06', tier: 'major' });
    await createTalk(t.dataSource, {
      memberId: people.ada.memberId,
      conferenceId: past.id,
      talkType: 'plenary',
      title: 'Ada on top quarks',
    });
    await createTalk(t.dataSource, { memberId: people.bo.memberId, conferenceId: past.id, talkType: 'poster', title: 'Bo on pixels' });
    const future = await createConference(t.dataSource, {
      startDate: '2027-07-14',
      endDate: '2027-07-18',
      tier: 'major',
      name: `LHCP ${randomUUID()}`,
    });
    conferenceId = future.id;
    slotId = (await createSlot(t.dataSource, { conferenceId, title: 'Top physics plenary', seats: 2 })).id;
    openSlotId = (await createSlot(t.dataSource, { conferenceId, title: 'Volunteer lightning talks', talkType: 'parallel', seats: 5 })).id;
    // Self-nominations are for calls for volunteers; slots refuse them unless the committee says otherwise.
    const opened = await t.http.patch(`/api/v1/slots/${openSlotId}`).set(bearer(committee)).send({ selfNominationAllowed: true });
    expect(opened.status).toBe(200);
    expect(opened.body.selfNominationAllowed).toBe(true);
    expect((await t.http.get(`/api/v1/slots/${slotId}`).set(bearer(committee))).body.selfNominationAllowed).toBe(false);
    expect((await t.http.patch(`/api/v1/slots/${slotId}`).set(bearer(committee)).send({ selfNominationAllowed: 'yes' })).status).toBe(400);
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('nominations know who nominated', () => {
    it("records a nominator from the nominee's own institute, and none from elsewhere", async () => {
      const byNina = await as(people.nina.token).post('/nominations', {
        memberId: people.ada.memberId,
        slotId,
        reason: 'Led the top mass analysis',
      });
      expect(byNina.status).toBe(201);
      expect(byNina.body).toMatchObject({ nominatorMemberId: people.nina.memberId, conflictsOfInterest: ['same-institute'] });
      const byNoel = await as(people.noel.token).post('/nominations', {
        memberId: people.bo.memberId,
        slotId,
        reason: 'Built the pixel test beam',
      });
      expect(byNoel.status).toBe(201);
      expect(byNoel.body).toMatchObject({ nominatorMemberId: people.noel.memberId, conflictsOfInterest: [] });
      const [row] = await t.dataSource.query(`SELECT nominator_member_id, nominator_institute_id FROM nomination WHERE id = $1`, [
        byNina.body.id,
      ]);
      expect(row).toEqual({ nominator_member_id: people.nina.memberId, nominator_institute_id: instituteA.id });
      const audit = await t.dataSource.query(`SELECT after FROM audit_event WHERE action = 'nomination.create' AND entity_id = $1`, [
        byNina.body.id,
      ]);
      expect(audit[0].after).toMatchObject({ nominatorMemberId: people.nina.memberId, conflictsOfInterest: ['same-institute'] });
    });

    it('shows the committee the nominator, the reason and the conflict in the candidates, as recorded on the day', async () => {
      // Nina moves institute afterwards: what she was when nominating stays on record.
      const moved = await t.http.patch(`/api/v1/members/${people.nina.memberId}`).set(bearer(t.admin)).send({ instituteId: instituteB.id });
      expect(moved.status).toBe(200);
      const res = await as(committee).get(`/slots/${slotId}/candidates`);
      expect(res.status).toBe(200);
      const ada = res.body.find((c: { memberId: string }) => c.memberId === people.ada.memberId);
      const bo = res.body.find((c: { memberId: string }) => c.memberId === people.bo.memberId);
      expect(ada).toMatchObject({
        nominator: { userId: people.nina.userId, memberId: people.nina.memberId, name: 'Nina Conti' },
        reason: 'Led the top mass analysis',
        conflictsOfInterest: ['same-institute'],
      });
      expect(bo).toMatchObject({ nominator: { memberId: people.noel.memberId, name: 'Noel Dubois' }, conflictsOfInterest: [] });
    });

    it('refuses a self-nomination with 422 and writes nothing, unless the slot takes them', async () => {
      const before = await t.dataSource.query(`SELECT count(*)::int AS n FROM nomination`);
      const audits = await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_event`);
      const self = await as(people.nina.token).post('/nominations', { memberId: people.nina.memberId, slotId, reason: 'Me, please' });
      expect(self.status).toBe(422);
      expect(self.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(self.body).toMatchObject({ rule: 'no-self-nomination', errors: [{ field: 'memberId' }] });
      expect((await t.dataSource.query(`SELECT count(*)::int AS n FROM nomination`))[0].n).toBe(before[0].n);
      expect((await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_event`))[0].n).toBe(audits[0].n);
      const volunteer = await as(people.nina.token).post('/nominations', {
        memberId: people.nina.memberId,
        slotId: openSlotId,
        reason: 'I volunteer',
      });
      expect(volunteer.status).toBe(201);
      expect(volunteer.body.conflictsOfInterest).toEqual(['self-nomination']);
    });
  });

  describe('GET and PATCH /me', () => {
    it('shows the member their own record, their self-declared gender and their stage history', async () => {
      const res = await as(people.ada.token).get('/me');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: people.ada.memberId,
        name: 'Ada Moretti',
        gender: 'woman',
        careerStage: 'postdoc',
        careerStages: [
          { careerStage: 'postdoc', validFrom: '2018-09-01' },
          { careerStage: 'postdoc', validFrom: '2023-03-01' },
        ],
        affiliations: [{ instituteId: instituteA.id, validFrom: '2018-09-01' }],
        account: { id: people.ada.userId, roles: ['member'] },
      });
      expect(res.text).not.toContain(people.bo.memberId);
    });

    it('is for members only, and the role member needs a linked member record', async () => {
      for (const role of ['admin', 'committee', 'nominator', 'monitor', 'contact', 'do-chair'] as const) {
        const token = role === 'admin' ? t.admin : await t.token(role);
        expect((await as(token).get('/me')).status).toBe(403);
      }
      const unlinked = await t.http
        .post('/api/v1/users')
        .set(bearer(t.admin))
        .send({ name: 'No link', email: `${randomUUID()}@me.test`, roles: ['member'] });
      expect(unlinked.status).toBe(422);
      expect(unlinked.body.rule).toBe('member-role-needs-member');
      const taken = await t.http
        .post('/api/v1/users')
        .set(bearer(t.admin))
        .send({ name: 'Second Ada', email: `${randomUUID()}@me.test`, roles: ['member'], memberId: people.ada.memberId });
      expect(taken.status).toBe(409);
    });

    it('takes no member id, from the path or the query: a member can only ever mean themselves', async () => {
      const own = await as(people.ada.token).get('/me').query({ memberId: people.bo.memberId, id: people.bo.memberId });
      expect(own.status).toBe(200);
      expect(own.body.id).toBe(people.ada.memberId);
      // Routes with a query refuse a field they do not know.
      for (const path of ['/me/talks', '/me/eligibility', '/me/nominations', '/me/invitations', '/me/activity']) {
        const res = await as(people.ada.token).get(path).query({ memberId: people.bo.memberId });
        expect({ path, status: res.status }).toEqual({ path, status: 400 });
        expect(res.text).not.toContain('Bo Ricci');
      }
      expect((await as(people.ada.token).get(`/me/${people.bo.memberId}`)).status).toBe(404);
      expect((await as(people.ada.token).get(`/me/talks/${people.bo.memberId}`)).status).toBe(404);
    });

    it("changes the member's gender and contact e-mail, and nothing else", async () => {
      for (const body of [
        { name: 'Someone Else' },
        { careerStage: 'tenured' },
        { instituteId: instituteB.id },
        { gender: 'female' },
        { email: 'not-an-address' },
        { gender: null },
      ]) {
        const res = await as(people.ada.token).patch('/me', body);
        expect({ body, status: res.status }).toEqual({ body, status: 400 });
      }
      const [unchanged] = await t.dataSource.query(`SELECT name, career_stage, gender, version FROM member WHERE id = $1`, [
        people.ada.memberId,
      ]);
      expect(unchanged).toMatchObject({ name: 'Ada Moretti', career_stage: 'postdoc', gender: 'woman' });

      const res = await as(people.ada.token).patch('/me', {
        gender: 'nonbinary',
        email: 'ada.moretti@me.test',
        version: unchanged.version,
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ gender: 'nonbinary', email: 'ada.moretti@me.test', version: unchanged.version + 1 });
      const stale = await as(people.ada.token).patch('/me', { gender: 'woman', version: unchanged.version });
      expect(stale.status).toBe(409);
    });

    it('refuses an e-mail another member uses without saying whose it is', async () => {
      const res = await as(people.ada.token).patch('/me', { email: 'BO.RICCI@me.test' });
      expect(res.status).toBe(409);
      expect(res.text).not.toContain(people.bo.memberId);
      expect(res.text).not.toMatch(/Bo|Ricci/);
    });

    it("keeps a gender change out of every audit view but the person's own and the admins'", async () => {
      const admin = await t.http.get('/api/v1/audit').query({ entity: 'member', entityId: people.ada.memberId }).set(bearer(t.admin));
      expect(admin.status).toBe(200);
      const change = admin.body.items.find(
        (e: { action: string; after: { changed?: string[] } }) => e.action === 'member.update' && e.after.changed?.includes('gender'),
      );
      expect(change).toBeDefined();
      expect(change.actorId).toBe(people.ada.userId);
      // Which field changed, never the value: not even admins read an old gender out of the log.
      expect(JSON.stringify(admin.body)).not.toMatch(/nonbinary|"woman"/);

      const own = await as(people.ada.token).get('/me/activity');
      expect(own.status).toBe(200);
      const mine = own.body.items.find(
        (e: { action: string; after: { changed?: string[] } }) => e.action === 'member.update' && e.after.changed?.includes('gender'),
      );
      expect(mine).toMatchObject({ byYou: true, entity: 'member', entityId: people.ada.memberId });

      const others = await as(people.bo.token).get('/me/activity');
      expect(others.status).toBe(200);
      expect(others.text).not.toContain(people.ada.memberId);
      for (const role of ['committee', 'nominator', 'monitor', 'contact', 'member', 'do-chair'] as const) {
        const token = role === 'member' ? people.bo.token : await t.token(role);
        expect((await t.http.get('/api/v1/audit').set(bearer(token))).status).toBe(403);
      }
    });
  });

  describe('history, eligibility and nominations', () => {
    it("lists the member's own talks only", async () => {
      const res = await as(people.ada.token).get('/me/talks');
      expect(res.status).toBe(200);
      expect(res.body.items.map((talk: { title: string }) => talk.title)).toEqual(['Ada on top quarks']);
      expect(res.body.total).toBe(1);
    });

    it("explains the member's eligibility exactly as the committee sees it", async () => {
      const own = await as(people.ada.token).get('/me/eligibility').query({ asOf: '2027-07-14' });
      expect(own.status).toBe(200);
      expect(own.body.breakdown.talks).toHaveLength(1);
      expect(own.body.breakdown.talks[0]).toMatchObject({ talkType: 'plenary', tier: 'major' });
      const committees = await as(committee)
        .get(`/members/${people.ada.memberId}/eligibility`)
        .query({ asOf: '2027-07-14', knownAt: own.body.knownAt });
      expect(own.body).toEqual(committees.body);
    });

    it('lists nominations of the member without who nominated or why, by default', async () => {
      const res = await as(people.ada.token).get('/me/nominations');
      expect(res.status).toBe(200);
      expect(res.body.disclosurePolicyVersion).toBe(1);
      expect(res.body.items).toHaveLength(1);
      const [nomination] = res.body.items;
      expect(nomination).toMatchObject({ slotId, slotTitle: 'Top physics plenary', status: 'submitted' });
      for (const key of ['nominatorName', 'nominatorId', 'nominatorMemberId', 'reason', 'committeeNote'])
        expect(nomination).not.toHaveProperty(key);
      expect(res.text).not.toContain('Nina');
      expect(res.text).not.toContain('Led the top mass analysis');
    });

    it("discloses the reason, then the nominator, when the committee's policy says so", async () => {
      expect((await as(people.nina.token).put('/nomination-disclosure-policy', { showNominator: true, showReason: true })).status).toBe(
        403,
      );
      expect((await as(committee).put('/nomination-disclosure-policy', { showReason: 'yes', showNominator: false })).status).toBe(400);
      expect((await as(committee).put('/nomination-disclosure-policy', { showReason: true })).status).toBe(400);
      const reasons = await as(committee).put('/nomination-disclosure-policy', {
        showNominator: false,
        showReason: true,
        note: 'Feedback helps',
      });
      expect(reasons.status).toBe(201);
      expect(reasons.body).toMatchObject({ version: 2, showNominator: false, showReason: true });
      let res = await as(people.ada.token).get('/me/nominations');
      expect(res.body.items[0].reason).toBe('Led the top mass analysis');
      expect(res.body.items[0]).not.toHaveProperty('nominatorName');
      await as(committee).put('/nomination-disclosure-policy', { showNominator: true, showReason: true });
      res = await as(people.ada.token).get('/me/nominations');
      expect(res.body).toMatchObject({ disclosurePolicyVersion: 3, items: [{ nominatorName: 'Nina Conti' }] });
      expect((await as(people.ada.token).get('/nomination-disclosure-policy')).body.version).toBe(3);
      const audit = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM audit_event WHERE action = 'nomination-disclosure-policy.create'`,
      );
      expect(audit[0].n).toBe(2);
      await as(committee).put('/nomination-disclosure-policy', { showNominator: false, showReason: false });
    });
  });

  describe('invitations', () => {
    beforeAll(async () => {
      for (const key of ['ada', 'bo']) {
        const res = await as(committee).post(`/slots/${slotId}/allocations`, {
          memberId: people[key].memberId,
          rationale: 'Both, for balance',
        });
        expect(res.status).toBe(201);
        invitations[key] = res.body.id;
      }
    });

    it("lists the member's own invitations, without the committee's rationale or rank", async () => {
      const res = await as(people.ada.token).get('/me/invitations');
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual([
        expect.objectContaining({
          id: invitations.ada,
          status: 'invited',
          slotId,
          slotTitle: 'Top physics plenary',
          conferenceId,
          answers: ['accept', 'decline'],
        }),
      ]);
      // The deadline the invitation was sent with (issue 18): answer by then or it expires.
      const [{ respond_by: respondBy }] = await t.dataSource.query(`SELECT respond_by FROM allocation WHERE id = $1`, [invitations.ada]);
      expect(respondBy).not.toBeNull();
      expect(new Date(res.body.items[0].respondBy).getTime()).toBe(respondBy.getTime());
      expect(res.text).not.toContain('Both, for balance');
      expect(res.body.items[0]).not.toHaveProperty('rankAtAllocation');
      expect(res.text).not.toContain(invitations.bo);
    });

    it("answers another member's invitation id exactly like one that does not exist, and changes nothing", async () => {
      const unknown = randomUUID();
      const attempts = [
        () => as(people.ada.token).get(`/me/invitations/${invitations.bo}`),
        () => as(people.ada.token).post(`/me/invitations/${invitations.bo}/accept`),
        () => as(people.ada.token).post(`/me/invitations/${invitations.bo}/decline`, { reason: 'not me' }),
      ];
      const nobody = [
        () => as(people.ada.token).get(`/me/invitations/${unknown}`),
        () => as(people.ada.token).post(`/me/invitations/${unknown}/accept`),
        () => as(people.ada.token).post(`/me/invitations/${unknown}/decline`, { reason: 'not me' }),
      ];
      for (const [i, attempt] of attempts.entries()) {
        const res = await attempt();
        const control = await nobody[i]();
        expect(res.status).toBe(404);
        expect(res.body).toEqual(control.body);
        expect(res.text).not.toContain(invitations.bo);
        expect(res.text).not.toMatch(/Bo|Ricci/);
      }
      const [row] = await t.dataSource.query(`SELECT status, version FROM allocation WHERE id = $1`, [invitations.bo]);
      expect(row).toEqual({ status: 'invited', version: 1 });
    });

    it("accepts through the allocation lifecycle: the talk joins the history, the answer is audited as the member's", async () => {
      const res = await as(people.ada.token).post(`/me/invitations/${invitations.ada}/accept`).set('If-Match', '"1"');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: invitations.ada, status: 'accepted', version: 2, answers: [] });
      expect(res.body.respondedAt).toBeTruthy();
      const talks = await as(people.ada.token).get('/me/talks');
      expect(talks.body.items.map((talk: { title: string }) => talk.title)).toContain('Top physics plenary');
      const [audit] = await t.dataSource.query(
        `SELECT actor_id, after FROM audit_event WHERE action = 'allocation.accept' AND entity_id = $1`,
        [invitations.ada],
      );
      expect(audit).toMatchObject({ actor_id: people.ada.userId, after: { status: 'accepted' } });
      const again = await as(people.ada.token).post(`/me/invitations/${invitations.ada}/decline`);
      expect(again.status).toBe(409);
      expect((await t.dataSource.query(`SELECT status FROM allocation WHERE id = $1`, [invitations.ada]))[0].status).toBe('accepted');
    });

    it('declines with an optional reason kept for the committee, and refuses a stale version or a reason on accept', async () => {
      expect((await as(people.bo.token).post(`/me/invitations/${invitations.bo}/accept`, { reason: 'glad to' })).status).toBe(400);
      expect((await as(people.bo.token).post(`/me/invitations/${invitations.bo}/decline`, { version: 7 })).status).toBe(409);
      const res = await as(people.bo.token).post(`/me/invitations/${invitations.bo}/decline`, { reason: 'Exams that week', version: 1 });
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('declined');
      const committeeView = await as(committee).get(`/allocations/${invitations.bo}`);
      expect(committeeView.body.reason).toBe('Exams that week');
      // A decline never counts against anyone: no talk recorded.
      expect((await as(people.bo.token).get('/me/talks')).body.items.map((talk: { title: string }) => talk.title)).toEqual([
        'Bo on pixels',
      ]);
    });
  });

  describe("reporting: the contact person and the diversity office's anonymous box", () => {
    let doChair: string;

    beforeAll(async () => {
      doChair = await t.token('do-chair');
    });

    it('lets a member file a named or an anonymous harassment report and follow their named ones', async () => {
      const named = await as(people.ada.token).post('/incidents', { conferenceId, description: 'Remarks at the dinner' });
      expect(named.status).toBe(201);
      const anonymous = await as(people.ada.token).post('/incidents', {
        conferenceId,
        description: 'At the poster session',
        anonymous: true,
      });
      expect(anonymous.status).toBe(201);
      const mine = await as(people.ada.token).get('/incidents/mine');
      expect(mine.body.items.map((i: { id: string }) => i.id)).toEqual([named.body.id]);
    });

    it('takes a message from any signed-in person and keeps nothing of the sender, not even the time', async () => {
      const text = `The coffee-break jokes about women in the trigger group ${randomUUID()}`;
      const res = await as(people.bo.token).post('/diversity-office/messages', { text, conferenceId });
      expect(res.status).toBe(202);
      expect(res.headers.location).toBeUndefined();
      expect(res.body).toEqual({ receivedOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
      const columns = await t.dataSource.query(
        `SELECT column_name FROM information_schema.columns WHERE table_name = 'diversity_office_message' ORDER BY ordinal_position`,
      );
      expect(columns.map((c: { column_name: string }) => c.column_name)).toEqual([
        'id',
        'body',
        'conference_id',
        'received_on',
        'status',
        'version',
      ]);
      const [stored] = await t.dataSource.query(`SELECT body FROM diversity_office_message ORDER BY received_on DESC LIMIT 1`);
      expect(stored.body.toString('latin1')).not.toContain('coffee-break');
      const [audit] = await t.dataSource.query(
        `SELECT actor_id, actor_roles, entity_id, request_id, before, after FROM audit_event WHERE action = 'diversity-office.message' ORDER BY id DESC LIMIT 1`,
      );
      expect(audit).toEqual({ actor_id: null, actor_roles: [], entity_id: null, request_id: null, before: null, after: null });
      const bad = await as(people.bo.token).post('/diversity-office/messages', { text: '   ' });
      expect(bad.status).toBe(400);
      expect((await as(people.bo.token).post('/diversity-office/messages', { text: 'x', conferenceId: randomUUID() })).status).toBe(422);
      expect((await t.http.post('/api/v1/diversity-office/messages').send({ text: 'no sign-in' })).status).toBe(401);
    });

    it('is read by the DO co-chairs only: not the contact person, not admins, not the committee, not the sender', async () => {
      for (const token of [t.admin, committee, await t.token('contact'), await t.token('monitor'), people.bo.token]) {
        const res = await t.http.get('/api/v1/diversity-office/messages').set(bearer(token));
        expect(res.status).toBe(403);
        expect(res.text).not.toContain('coffee-break');
      }
      const res = await t.http.get('/api/v1/diversity-office/messages').set(bearer(doChair));
      expect(res.status).toBe(200);
      const [message] = res.body.items;
      expect(message).toMatchObject({ status: 'new', conferenceId, version: 1 });
      expect(message.text).toMatch(/^The coffee-break jokes/);
      expect(Object.keys(message).sort()).toEqual(['conferenceId', 'conferenceName', 'id', 'receivedOn', 'status', 'text', 'version']);
      const read = await t.dataSource.query(`SELECT actor_id FROM audit_event WHERE action = 'diversity-office.read'`);
      expect(read.length).toBeGreaterThan(0);
    });

    it('lets a co-chair mark a message dealt with, once, and nobody else', async () => {
      const [{ id }] = (await t.http.get('/api/v1/diversity-office/messages').set(bearer(doChair))).body.items;
      expect(
        (
          await t.http
            .patch(`/api/v1/diversity-office/messages/${id}`)
            .set(bearer(await t.token('contact')))
            .send({ status: 'dealt_with' })
        ).status,
      ).toBe(403);
      const done = await t.http
        .patch(`/api/v1/diversity-office/messages/${id}`)
        .set(bearer(doChair))
        .send({ status: 'dealt_with', version: 1 });
      expect(done.status).toBe(200);
      expect(done.body).toMatchObject({ status: 'dealt_with', version: 2 });
      expect(
        (await t.http.patch(`/api/v1/diversity-office/messages/${id}`).set(bearer(doChair)).send({ status: 'dealt_with' })).status,
      ).toBe(409);
      expect(
        (await t.http.patch(`/api/v1/diversity-office/messages/${id}`).set(bearer(doChair)).send({ status: 'new', version: 1 })).status,
      ).toBe(409);
    });
  });
});
