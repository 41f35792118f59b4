// The mentorship programme (issue 22) against the real service and PostgreSQL: rounds, sign-up (bad
// input, the window), a matching with a known optimum, coordinators' edits under the same rules,
// publishing with mail, continuation into the next round, the institute rule over random seeded
// rounds, and consented identity groups never reaching anyone but the person.
import { randomUUID } from 'node:crypto';
import { Clock } from '../src/clock/clock';
import { CareerStage, Gender, Role } from '../src/common/enums';
import { integer, pick, randomStream, chance } from '../src/demo/random';
import { createInstitute, createMember } from './support/fixtures';
import { bearer, createTestApp, TestApp } from './support/test-app';

const API = '/api/v1';
const IDENTITY_WORDS = ['lgbtq', 'first-generation', 'disability', '"identityGroups":', '"preferSharedIdentity":'];

describe('mentorship programme', () => {
  let t: TestApp;
  let now = new Date('2027-01-05T10:00:00Z');
  let coordinator: string;
  let monitor: string;
  let committee: string;
  const institutes: Record<string, string> = {};
  const people: Record<string, { memberId: string; token: string }> = {};
  /** Every answer a reader other than the person got, scanned for identity data at the end. */
  const othersSaw: Array<{ what: string; body: unknown }> = [];

  const as = (token: string) => ({
    get: (url: string) => t.http.get(`${API}${url}`).set(bearer(token)),
    post: (url: string, body?: object) =>
      t.http
        .post(`${API}${url}`)
        .set(bearer(token))
        .send(body ?? {}),
    patch: (url: string, body: object) => t.http.patch(`${API}${url}`).set(bearer(token)).send(body),
    put: (url: string, body: object) => t.http.put(`${API}${url}`).set(bearer(token)).send(body),
  });
  const seen = <T extends { body: unknown }>(what: string, res: T): T => {
    othersSaw.push({ what, body: res.body });
    return res;
  };

  async function member(key: string, p: { institute: string; careerStage: CareerStage; gender?: Gender; since?: string }) {
    const m = await createMember(t.dataSource, {
      instituteId: institutes[p.institute],
      name: `${key} Example`,
      careerStage: p.careerStage,
      gender: p.gender,
      joinedOn: p.since ?? '2015-01-01',
      email: `${key.toLowerCase()}@mentorship.test`,
    });
    const res = await t.http
      .post(`${API}/users`)
      .set(bearer(t.admin))
      .send({ name: key, email: `${randomUUID()}@mentorship.test`, roles: ['member'] as Role[], memberId: m.id });
    if (res.status !== 201) throw new Error(`member account: ${res.status} ${res.text}`);
    people[key] = { memberId: m.id, token: res.body.token };
  }

  beforeAll(async () => {
    t = await createTestApp({ env: { INCIDENT_KEY: 'ab'.repeat(32) } });
    jest.spyOn(t.app.get(Clock), 'now').mockImplementation(() => now);
    coordinator = await t.token('mentorship-coordinator');
    monitor = await t.token('monitor');
    committee = await t.token('committee');
    for (const [key, country] of [
      ['CERN', 'CH'],
      ['Rome', 'IT'],
      ['Fermilab', 'US'],
      ['Pisa', 'IT'],
    ]) {
      institutes[key] = (
        await createInstitute(t.dataSource, {
          name: `${key} ${randomUUID().slice(0, 6)}`,
          country,
          regionOverride: key === 'CERN' ? 'CERN' : null,
        })
      ).id;
    }
    await member('Tess', { institute: 'CERN', careerStage: 'tenured', gender: 'woman' });
    await member('Paul', { institute: 'Fermilab', careerStage: 'postdoc', gender: 'man' });
    await member('Sara', { institute: 'Rome', careerStage: 'student', gender: 'woman' });
    await member('Quin', { institute: 'Pisa', careerStage: 'student', gender: 'nonbinary' });
    await member('Rita', { institute: 'CERN', careerStage: 'student', gender: 'woman' });
  });
  afterAll(async () => {
    await t?.close();
  });

  let roundId: string;
  const signups: Record<string, string> = {};

  describe('rounds', () => {
    it('are opened by coordinators and admins, one at a time, with dates in order', async () => {
      expect(
        (
          await as(people.Tess.token).post('/mentorship/rounds', {
            year: 2027,
            signUpOpens: '2027-01-10',
            signUpCloses: '2027-02-14',
            matchingOn: '2027-03-01',
          })
        ).status,
      ).toBe(403);
      expect(
        (
          await as(committee).post('/mentorship/rounds', {
            year: 2027,
            signUpOpens: '2027-01-10',
            signUpCloses: '2027-02-14',
            matchingOn: '2027-03-01',
          })
        ).status,
      ).toBe(403);
      const backwards = await as(coordinator).post('/mentorship/rounds', {
        year: 2027,
        signUpOpens: '2027-02-10',
        signUpCloses: '2027-01-14',
        matchingOn: '2027-03-01',
      });
      expect(backwards.status).toBe(422);
      expect(backwards.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect((await as(coordinator).post('/mentorship/rounds', { year: 'soon', signUpOpens: '2027-02-30' })).status).toBe(400);
      const created = await as(coordinator).post('/mentorship/rounds', {
        year: 2027,
        signUpOpens: '2027-01-10',
        signUpCloses: '2027-02-14',
        matchingOn: '2027-03-01',
      });
      expect(created.status).toBe(201);
      expect(created.headers.location).toBe(`${API}/mentorship/rounds/${created.body.id}`);
      expect(created.body).toMatchObject({ year: 2027, status: 'open', signUpOpen: false, signups: 0 });
      roundId = created.body.id;
      const second = await as(t.admin).post('/mentorship/rounds', {
        year: 2028,
        signUpOpens: '2028-01-10',
        signUpCloses: '2028-02-14',
        matchingOn: '2028-03-01',
      });
      expect(second.status).toBe(422);
      expect((await as(people.Sara.token).get('/mentorship/rounds')).body.items).toHaveLength(1);
    });
  });

  describe('sign-up', () => {
    const auditCount = async () => (await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_event`))[0].n;
    const signupCount = async () => (await t.dataSource.query(`SELECT count(*)::int AS n FROM mentorship_signup`))[0].n;

    it('is refused outside the window with 422, nothing written', async () => {
      const before = [await auditCount(), await signupCount()];
      const early = await as(people.Sara.token).post(`/mentorship/rounds/${roundId}/signups`, { role: 'mentee', kindsSought: ['career'] });
      expect(early.status).toBe(422);
      expect(early.body.detail).toMatch(/open from 2027-01-10 to 2027-02-14/);
      expect([await auditCount(), await signupCount()]).toEqual(before);
    });

    it('refuses bad input with 400 or 422 and writes nothing', async () => {
      now = new Date('2027-01-20T10:00:00Z');
      const before = [await auditCount(), await signupCount()];
      const url = `/mentorship/rounds/${roundId}/signups`;
      const sara = as(people.Sara.token);
      expect((await sara.post(url, { role: 'mentee', kindsSought: ['career'], shoeSize: 42 })).status).toBe(400);
      expect((await sara.post(url, { role: 'guru', kindsSought: ['career'] })).status).toBe(400);
      expect((await sara.post(url, { role: 'mentee', kindsSought: ['wealth'] })).status).toBe(400);
      expect((await sara.post(url, { role: 'mentee', kindsSought: ['career'], timeZone: 'Mars/Olympus' })).status).toBe(400);
      expect((await sara.post(url, { role: 'mentee', kindsSought: ['career'], languages: ['English'] })).status).toBe(400);
      expect((await sara.post(url, { role: 'mentor', kindsOffered: ['career'], capacity: 0 })).status).toBe(400);
      const secretGroup = await sara.post(url, { role: 'mentee', kindsSought: ['career'], identityGroups: ['a-secret-word'] });
      expect(secretGroup.status).toBe(400);
      expect(secretGroup.text).not.toContain('a-secret-word');
      const noKinds = await sara.post(url, { role: 'mentee' });
      expect(noKinds.status).toBe(422);
      expect(noKinds.body.errors).toEqual([expect.objectContaining({ field: 'kindsSought' })]);
      expect((await sara.post(url, { role: 'mentee', kindsSought: ['career'], capacity: 2 })).status).toBe(422);
      expect((await sara.post(url, { role: 'mentee', kindsSought: ['career'], preferSharedIdentity: true })).status).toBe(422);
      expect((await sara.post(url, { role: 'mentee', kindsSought: ['career'], memberId: people.Quin.memberId })).status).toBe(403);
      // A coordinator may sign someone up, but never give their identity groups.
      const forQuin = seen(
        'coordinator gives identity for someone',
        await as(coordinator).post(url, {
          role: 'mentee',
          kindsSought: ['career'],
          memberId: people.Quin.memberId,
          identityGroups: ['lgbtq'],
        }),
      );
      expect(forQuin.status).toBe(422);
      expect((await as(coordinator).post(url, { role: 'mentee', kindsSought: ['career'] })).status).toBe(422);
      expect(
        (await as(coordinator).post(`/mentorship/rounds/${randomUUID()}/signups`, { role: 'mentee', kindsSought: ['career'] })).status,
      ).toBe(404);
      expect([await auditCount(), await signupCount()]).toEqual(before);
    });

    it("takes a member's own sign-up, shows their identity groups to them only", async () => {
      const url = `/mentorship/rounds/${roundId}/signups`;
      const sara = await as(people.Sara.token).post(url, {
        role: 'mentee',
        kindsSought: ['career', 'relocation'],
        timeZone: 'Europe/Rome',
        languages: ['it', 'en'],
        identityGroups: ['lgbtq', 'first-generation'],
        preferSharedIdentity: true,
      });
      expect(sara.status).toBe(201);
      expect(sara.body).toMatchObject({
        role: 'mentee',
        careerStage: 'student',
        identityGroups: ['lgbtq', 'first-generation'],
        preferSharedIdentity: true,
      });
      signups.Sara = sara.body.id;
      const again = await as(people.Sara.token).post(url, { role: 'mentee', kindsSought: ['career'] });
      expect(again.status).toBe(409);

      const tess = await as(people.Tess.token).post(url, {
        role: 'mentor',
        kindsOffered: ['career', 'relocation'],
        capacity: 1,
        timeZone: 'Europe/Zurich',
        identityGroups: ['lgbtq'],
      });
      expect(tess.status).toBe(201);
      signups.Tess = tess.body.id;
      const paul = seen(
        'coordinator signs Paul up',
        await as(coordinator).post(url, {
          role: 'mentor',
          memberId: people.Paul.memberId,
          kindsOffered: ['career'],
          capacity: 1,
          timeZone: 'America/Chicago',
        }),
      );
      expect(paul.status).toBe(201);
      signups.Paul = paul.body.id;
      const quin = await as(people.Quin.token).post(url, { role: 'mentee', kindsSought: ['career'], identityGroups: ['disability'] });
      expect(quin.status).toBe(201);
      signups.Quin = quin.body.id;
      const rita = await as(people.Rita.token).post(url, { role: 'mentee', kindsSought: ['relocation'] });
      expect(rita.status).toBe(201);
      signups.Rita = rita.body.id;

      // The person reads their own; nobody else reads anyone's identity groups.
      const own = await as(people.Sara.token).get(`${url}/${signups.Sara}`);
      expect(own.body.identityGroups).toEqual(['lgbtq', 'first-generation']);
      expect((await as(people.Quin.token).get(`${url}/${signups.Sara}`)).status).toBe(404);
      expect((await as(people.Quin.token).get(url)).body.items.map((s: { id: string }) => s.id)).toEqual([signups.Quin]);
      const list = seen('coordinator list', await as(coordinator).get(url));
      expect(list.body.total).toBe(5);
      seen('coordinator get', await as(coordinator).get(`${url}/${signups.Sara}`));
      seen('admin get', await as(t.admin).get(`${url}/${signups.Sara}`));
      seen('admin list', await as(t.admin).get(url));
      // The sealed value is not in clear in the database either.
      const [row] = await t.dataSource.query(`SELECT identity_sealed::text AS raw FROM mentorship_signup WHERE id = $1`, [signups.Sara]);
      expect(Buffer.from(row.raw.slice(2), 'hex').toString('latin1')).not.toContain('lgbtq');
    });

    it('lets the person change their sign-up while it is open; a coordinator cannot touch identity', async () => {
      const url = `/mentorship/rounds/${roundId}/signups/${signups.Quin}`;
      const changed = await as(people.Quin.token).patch(url, { languages: ['it'], version: 1 });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ languages: ['it'], version: 2, identityGroups: ['disability'] });
      expect((await as(people.Quin.token).patch(url, { languages: ['en'], version: 1 })).status).toBe(409);
      expect(seen('coordinator patches identity', await as(coordinator).patch(url, { identityGroups: [] })).status).toBe(422);
      expect((await as(people.Sara.token).patch(url, { languages: ['en'] })).status).toBe(404);
    });
  });

  describe('matching', () => {
    it('waits for sign-up to close', async () => {
      expect((await as(coordinator).post(`/mentorship/rounds/${roundId}/matching`)).status).toBe(422);
    });

    it('finds the known optimum, explains each pair and names who could not be matched', async () => {
      now = new Date('2027-02-20T10:00:00Z');
      expect(
        (await as(people.Sara.token).patch(`/mentorship/rounds/${roundId}/signups/${signups.Sara}`, { languages: ['it'] })).status,
      ).toBe(422);
      const solved = seen('matching', await as(coordinator).post(`/mentorship/rounds/${roundId}/matching`));
      expect(solved.status).toBe(201);
      // Tess (CERN, tenured) and Paul (Fermilab, postdoc) take one mentee each. Rita is at CERN and only
      // seeks relocation, which only Tess offers: nobody for her. The optimum: Tess-Sara (match 5, two
      // kinds 8, three levels apart 1, same time zone 2 = 16) and Paul-Quin (5 + 4 + one level 3 = 12),
      // total 28, against Paul-Sara (12, seven hours apart) + Tess-Quin (10) = 22.
      const pairs = Object.fromEntries(
        solved.body.pairs.map((p: { mentee: { signupId: string }; mentor: { signupId: string } }) => [
          p.mentee.signupId,
          p.mentor.signupId,
        ]),
      );
      expect(pairs).toEqual({ [signups.Sara]: signups.Tess, [signups.Quin]: signups.Paul });
      expect(solved.body.score).toBe(28);
      const tessSara = solved.body.pairs.find((p: { mentee: { signupId: string } }) => p.mentee.signupId === signups.Sara);
      expect(tessSara.components.map((c: { component: string; points: number }) => [c.component, c.points])).toEqual([
        ['match', 5],
        ['kinds', 8],
        ['careerGap', 1],
        ['timeZone', 2],
      ]);
      expect(solved.body.unmatched).toEqual([
        expect.objectContaining({ signupId: signups.Rita, as: 'mentee', reason: expect.stringMatching(/own institute/) }),
      ]);
      seen('matching get', await as(coordinator).get(`/mentorship/rounds/${roundId}/matching`));
      expect((await as(people.Sara.token).get(`/mentorship/rounds/${roundId}/matching`)).status).toBe(403);
    });

    it('lets coordinators replace a pair under the same rules', async () => {
      const matching = (await as(coordinator).get(`/mentorship/rounds/${roundId}/matching`)).body;
      const pair = matching.pairs.find((p: { mentee: { signupId: string } }) => p.mentee.signupId === signups.Quin);
      const url = `/mentorship/rounds/${roundId}/matching/pairs/${pair.id}`;
      const sameInstitute = seen(
        'replace: same institute',
        await as(coordinator).put(url, { mentorSignupId: signups.Tess, menteeSignupId: signups.Rita }),
      );
      expect(sameInstitute.status).toBe(422);
      expect(sameInstitute.body.rule).toBe('same-institute');
      const full = seen(
        'replace: capacity',
        await as(coordinator).put(url, { mentorSignupId: signups.Tess, menteeSignupId: signups.Quin }),
      );
      expect(full.status).toBe(422);
      expect(full.body.errors).toEqual([{ field: 'mentorSignupId', message: 'at capacity' }]);
      const taken = await as(coordinator).put(url, { mentorSignupId: signups.Paul, menteeSignupId: signups.Sara });
      expect(taken.status).toBe(422);
      const reversed = await as(coordinator).put(url, { mentorSignupId: signups.Quin, menteeSignupId: signups.Paul });
      expect(reversed.status).toBe(422);
      const ok = seen('replace ok', await as(coordinator).put(url, { mentorSignupId: signups.Paul, menteeSignupId: signups.Quin }));
      expect(ok.status).toBe(200);
      expect(ok.body.pairs.find((p: { id: string }) => p.id === pair.id).source).toBe('coordinator');
      expect(ok.body.editedAt).not.toBeNull();
    });

    it('publishes: each pair is introduced by mail through the outbox, once', async () => {
      // Before publication nobody sees a pairing of their own.
      expect((await as(people.Sara.token).get('/me/mentorship')).body).toEqual({ pairs: [] });
      const published = seen('publish', await as(coordinator).post(`/mentorship/rounds/${roundId}/matching/publish`));
      expect(published.status).toBe(200);
      expect(published.body.status).toBe('published');
      const mails = await t.dataSource.query(
        `SELECT recipients, subject, body FROM mail_outbox WHERE kind = 'mentorship' ORDER BY subject`,
      );
      expect(mails).toHaveLength(2);
      expect(mails.map((m: { recipients: string[] }) => m.recipients.sort())).toEqual(
        expect.arrayContaining([
          ['sara@mentorship.test', 'tess@mentorship.test'],
          ['paul@mentorship.test', 'quin@mentorship.test'],
        ]),
      );
      for (const mail of mails) expect(`${mail.subject}${mail.body}`).not.toMatch(/lgbtq|disability|first-generation|identity/i);
      expect((await as(coordinator).post(`/mentorship/rounds/${roundId}/matching/publish`)).status).toBe(409);
      expect((await as(coordinator).post(`/mentorship/rounds/${roundId}/matching`)).status).toBe(409);
      expect((await as(coordinator).get(`/mentorship/rounds/${roundId}`)).body.status).toBe('published');
      // Each partner reads the pairing on their own page, as the mail named it; the unmatched read none.
      const sara = (await as(people.Sara.token).get('/me/mentorship')).body.pairs;
      expect(sara).toEqual([
        expect.objectContaining({ roundId, myRole: 'mentee', partnerEmail: 'tess@mentorship.test', continued: false }),
      ]);
      const tess = (await as(people.Tess.token).get('/me/mentorship')).body.pairs;
      expect(tess).toEqual([expect.objectContaining({ roundId, myRole: 'mentor', partnerEmail: 'sara@mentorship.test' })]);
      expect(JSON.stringify([sara, tess])).not.toMatch(/lgbtq|disability|first-generation|identity|score|components/i);
      expect((await as(people.Rita.token).get('/me/mentorship')).body).toEqual({ pairs: [] });
      expect((await as(coordinator).get('/me/mentorship')).status).toBe(403);
    });
  });

  describe('continuation into the next round', () => {
    let next: string;
    it("keeps last year's pair when both ask and it is still allowed, and the report counts it", async () => {
      now = new Date('2028-01-15T10:00:00Z');
      next = (
        await as(coordinator).post('/mentorship/rounds', {
          year: 2028,
          signUpOpens: '2028-01-10',
          signUpCloses: '2028-02-14',
          matchingOn: '2028-03-01',
        })
      ).body.id;
      const url = `/mentorship/rounds/${next}/signups`;
      // Paul and Quin both ask; Tess asks but Sara does not. A new mentor who would score better for Quin.
      expect((await as(people.Paul.token).post(url, { role: 'mentor', kindsOffered: ['career'], continueWithPrevious: true })).status).toBe(
        201,
      );
      expect(
        (await as(people.Quin.token).post(url, { role: 'mentee', kindsSought: ['career', 'relocation'], continueWithPrevious: true }))
          .status,
      ).toBe(201);
      expect(
        (
          await as(people.Tess.token).post(url, {
            role: 'mentor',
            kindsOffered: ['career', 'relocation'],
            capacity: 2,
            continueWithPrevious: true,
          })
        ).status,
      ).toBe(201);
      expect((await as(people.Sara.token).post(url, { role: 'mentee', kindsSought: ['career'] })).status).toBe(201);
      now = new Date('2028-02-20T10:00:00Z');
      const solved = seen('matching 2028', await as(coordinator).post(`/mentorship/rounds/${next}/matching`));
      expect(solved.status).toBe(201);
      const quin = solved.body.pairs.find((p: { mentee: { memberId: string } }) => p.mentee.memberId === people.Quin.memberId);
      expect(quin).toMatchObject({ source: 'continued', mentor: expect.objectContaining({ memberId: people.Paul.memberId }) });
      expect(quin.components).toContainEqual(expect.objectContaining({ component: 'continuation' }));
      expect(solved.body.continuations).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ menteeMemberId: people.Quin.memberId, kept: true }),
          expect.objectContaining({ menteeMemberId: people.Sara.memberId, kept: false, reason: 'only one of the two asked to continue' }),
        ]),
      );
      const report = seen('report 2028', await as(monitor).get(`/reports/mentorship?roundId=${next}`));
      expect(report.status).toBe(200);
      expect(report.body.continuation).toEqual({ previousPairs: 2, bothAsked: 1, continued: 1, rate: 0.5 });
      expect(report.body.matching).toMatchObject({ solved: true, published: false, pairs: 2, matchedMentees: 2, unmatchedMentees: 0 });
    });
  });

  describe('report', () => {
    it('counts participants by stage and region exactly, gender with noise and small cells hidden', async () => {
      const res = seen('report monitor', await as(monitor).get(`/reports/mentorship?roundId=${roundId}`));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ participants: 5, byRole: { mentor: 2, mentee: 3, both: 0 } });
      const stage = res.body.groups.find((g: { dimension: string }) => g.dimension === 'careerStage');
      expect(stage.cells.find((c: { value: string }) => c.value === 'student').count).toBe(3);
      const gender = res.body.groups.find((g: { dimension: string }) => g.dimension === 'gender');
      for (const cell of gender.cells) expect(cell.suppressed || cell.count === 0 || cell.count >= 5).toBe(true);
      expect(res.body.disclosure.perturbed).toBe(true);
      const admin = seen('report admin', await as(t.admin).get(`/reports/mentorship?roundId=${roundId}`));
      expect(admin.body.disclosure.perturbed).toBe(false);
      expect(
        admin.body.groups
          .find((g: { dimension: string }) => g.dimension === 'gender')
          .cells.find((c: { value: string }) => c.value === 'woman'),
      ).toEqual({ value: 'woman', count: null, share: null, suppressed: true });
      expect((await as(people.Sara.token).get(`/reports/mentorship?roundId=${roundId}`)).status).toBe(403);
      seen('report coordinator', await as(coordinator).get(`/reports/mentorship?roundId=${roundId}`));
      seen('report committee', await as(committee).get(`/reports/mentorship?roundId=${roundId}`));
    });
  });

  it('never shows consented identity groups to anyone but the person: lists, gets, matching, reports, audit, errors', async () => {
    seen('audit', await as(t.admin).get('/audit?limit=500'));
    seen('audit signups', await as(t.admin).get('/audit?entity=mentorship_signup&limit=500'));
    seen('outbox', await as(t.admin).get('/outbox?limit=100'));
    const leaks = othersSaw.filter(({ body }) => IDENTITY_WORDS.some((w) => JSON.stringify(body).includes(w)));
    expect(leaks.map((l) => l.what)).toEqual([]);
    expect(othersSaw.length).toBeGreaterThan(20);
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_event WHERE entity LIKE 'mentorship%'
         AND (after::text ~* 'lgbtq|disability|first-generation|identity' OR before::text ~* 'lgbtq|disability|identity')`,
    );
    expect(n).toBe(0);
  });

  it('never pairs mentor and mentee of the same institute, over random seeded rounds', async () => {
    const stages: CareerStage[] = ['student', 'postdoc', 'nontenured', 'tenured', 'engineer', 'other'];
    const kinds = ['career', 'relocation', 'allyship', 'connection'];
    const pool: string[] = [];
    for (let k = 0; k < 5; k++)
      pool.push((await createInstitute(t.dataSource, { country: pick(randomStream(k, 'country'), ['DE', 'FR', 'US', 'IT', 'CH']) })).id);
    // Close the 2028 round first: one round open at a time.
    const open = (await as(coordinator).get('/mentorship/rounds')).body.items.find((r: { status: string }) => r.status === 'open');
    expect((await as(coordinator).post(`/mentorship/rounds/${open.id}/matching/publish`)).status).toBe(200);
    for (let seed = 1; seed <= 4; seed++) {
      const random = randomStream(seed, 'mentorship-property');
      const year = 2028 + seed;
      now = new Date(`${year}-01-15T10:00:00Z`);
      const round = (
        await as(coordinator).post('/mentorship/rounds', {
          year,
          signUpOpens: `${year}-01-10`,
          signUpCloses: `${year}-02-14`,
          matchingOn: `${year}-03-01`,
        })
      ).body.id;
      const size = integer(random, 15, 30);
      for (let i = 0; i < size; i++) {
        const m = await createMember(t.dataSource, {
          instituteId: pick(random, pool),
          careerStage: pick(random, stages),
          joinedOn: `${integer(random, 2010, 2026)}-09-01`,
        });
        const role = pick(random, ['mentor', 'mentee', 'both']);
        const some = () =>
          kinds
            .filter(() => chance(random, 0.5))
            .concat(pick(random, kinds))
            .filter((k, j, all) => all.indexOf(k) === j);
        const res = await as(coordinator).post(`/mentorship/rounds/${round}/signups`, {
          memberId: m.id,
          role,
          ...(role !== 'mentor' ? { kindsSought: some() } : {}),
          ...(role !== 'mentee' ? { kindsOffered: some(), capacity: integer(random, 1, 3) } : {}),
        });
        expect(res.status).toBe(201);
      }
      now = new Date(`${year}-02-20T10:00:00Z`);
      const solved = await as(coordinator).post(`/mentorship/rounds/${round}/matching`);
      expect(solved.status).toBe(201);
      const sameInstitute = await t.dataSource.query(
        `SELECT p.id FROM mentorship_pair p JOIN mentorship_signup a ON a.id = p.mentor_signup_id
         JOIN mentorship_signup b ON b.id = p.mentee_signup_id WHERE p.round_id = $1 AND a.institute_id = b.institute_id`,
        [round],
      );
      expect(sameInstitute).toEqual([]);
      const overCapacity = await t.dataSource.query(
        `SELECT a.id FROM mentorship_pair p JOIN mentorship_signup a ON a.id = p.mentor_signup_id
         WHERE p.round_id = $1 GROUP BY a.id, a.capacity HAVING count(*) > a.capacity`,
        [round],
      );
      expect(overCapacity).toEqual([]);
      const paired = solved.body.pairs.length + solved.body.unmatched.filter((u: { as: string }) => u.as === 'mentee').length;
      const [{ mentees }] = await t.dataSource.query(
        `SELECT count(*)::int AS mentees FROM mentorship_signup WHERE round_id = $1 AND role <> 'mentor'`,
        [round],
      );
      expect(paired).toBe(mentees);
      expect((await as(coordinator).post(`/mentorship/rounds/${round}/matching/publish`)).status).toBe(200);
    }
  });
});
