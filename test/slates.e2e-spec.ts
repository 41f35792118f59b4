import { Gender } from '../src/common/enums';
import { createConference, createInstitute, createMember, createNomination, createSlot, createTalk } from './support/fixtures';
import { bearer, createTestApp, TestApp } from './support/test-app';

type Person = 'alice' | 'bob' | 'carol' | 'dave' | 'erin' | 'frank';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

describe('slate suggestions', () => {
  let t: TestApp;
  let committee: string;
  /** A committee member who is also an admin: the only one who may give a gender target. */
  let officer: string;
  let nominatorId: string;
  beforeAll(async () => {
    t = await createTestApp();
    committee = await t.token('committee');
    officer = await t.token('committee', 'admin');
    nominatorId = (await t.user('nominator')).id;
  });
  afterAll(async () => {
    await t?.close();
  });

  /**
   * Slot "Higgs" (1 seat): Alice (tenured, Italy), Carol (student, USA), Dave (postdoc, CERN).
   * Slot "Top" (2 seats): Alice, Bob (tenured, Italy, many talks), Erin (tenured, USA, many talks),
   * Frank (student, Italy), Dave. Scores: students 1, postdoc 0.5, Alice 0, Bob and Erin negative.
   * Alice is a woman and everyone else a man, unless `genders` says otherwise.
   */
  async function scenario(genders: Partial<Record<Person, Gender>> = {}) {
    const db = t.dataSource;
    const italy = await createInstitute(db, { country: 'IT' });
    const usa = await createInstitute(db, { country: 'US' });
    const [cern] = await db.query(`SELECT id FROM institute WHERE name = 'CERN'`);
    const conference = await createConference(db, { startDate: '2026-12-01' });
    const past = await createConference(db, { startDate: '2024-06-01', tier: 'major' });
    const higgs = await createSlot(db, { conferenceId: conference.id, title: 'Higgs', seats: 1 });
    const top = await createSlot(db, { conferenceId: conference.id, title: 'Top', seats: 2 });
    const m = {
      alice: await createMember(db, { instituteId: italy.id, careerStage: 'tenured', name: 'Alice', gender: genders.alice ?? 'woman' }),
      bob: await createMember(db, { instituteId: italy.id, careerStage: 'tenured', name: 'Bob', gender: genders.bob ?? 'man' }),
      carol: await createMember(db, { instituteId: usa.id, careerStage: 'student', name: 'Carol', gender: genders.carol ?? 'man' }),
      dave: await createMember(db, { instituteId: cern.id, careerStage: 'postdoc', name: 'Dave', gender: genders.dave ?? 'man' }),
      erin: await createMember(db, { instituteId: usa.id, careerStage: 'tenured', name: 'Erin', gender: genders.erin ?? 'man' }),
      frank: await createMember(db, { instituteId: italy.id, careerStage: 'student', name: 'Frank', gender: genders.frank ?? 'man' }),
    };
    await createTalk(db, { memberId: m.bob.id, conferenceId: past.id, talkType: 'plenary' });
    await createTalk(db, { memberId: m.erin.id, conferenceId: past.id, talkType: 'parallel' });
    for (const who of [m.alice, m.carol, m.dave]) await createNomination(db, { memberId: who.id, slotId: higgs.id, nominatorId });
    for (const who of [m.alice, m.bob, m.erin, m.frank, m.dave])
      await createNomination(db, { memberId: who.id, slotId: top.id, nominatorId });
    return { conference, higgs, top, m };
  }

  const suggest = (conferenceId: string, body: object, token = committee) =>
    t.http.post(`/api/v1/conferences/${conferenceId}/slate-suggestions`).set(bearer(token)).send(body);
  const names = (slate: Array<{ slotTitle: string; speakers: Array<{ name: string }> }>) =>
    Object.fromEntries(slate.map((s) => [s.slotTitle, s.speakers.map((p) => p.name)]));

  it('suggests the best slate meeting the targets, with the rank-only slate, the cost and the binding targets', async () => {
    const { conference } = await scenario();
    const res = await suggest(conference.id, { minPerRegion: { USA: 2 } });
    expect(res.status).toBe(201);
    const body = res.body;
    expect(names(body.rankOnly.slate)).toEqual({ Higgs: ['Carol'], Top: ['Frank', 'Dave'] });
    // Two US speakers: Carol in Higgs and Erin (the only other) in Top beside the best one left.
    expect(names(body.slate)).toEqual({ Higgs: ['Carol'], Top: ['Frank', 'Erin'] });
    expect(body.rankOnly.objective).toBeCloseTo(2.5, 9);
    expect(body.objective).toBeLessThan(2);
    expect(body.targetCost).toBeCloseTo(body.rankOnly.objective - body.objective, 9);
    expect(body.bindingTargets).toEqual([
      { target: 'minPerRegion.USA', description: 'at least 2 speakers from USA', groups: ['USA'], cost: body.targetCost },
    ]);
    expect(body.slate[0]).toMatchObject({ slotTitle: 'Higgs', seats: 1, openSeats: 0 });
    expect(body.slate[0].speakers[0]).toMatchObject({
      name: 'Carol',
      rank: 1,
      score: 1,
      careerStage: 'student',
      region: 'USA',
      alreadyAllocated: false,
    });
    expect(body).toMatchObject({ conferenceId: conference.id, policyVersion: 1, acceptedAt: null });

    const again = await t.http.get(`/api/v1/slate-suggestions/${body.id}`).set(bearer(committee));
    expect(again.status).toBe(200);
    expect(again.body).toEqual(body);
    const listed = await t.http.get(`/api/v1/conferences/${conference.id}/slate-suggestions`).set(bearer(committee));
    expect(listed.body).toMatchObject({ total: 1, items: [{ id: body.id, objective: body.objective, acceptedAt: null }] });
    const replay = await t.http.post(`/api/v1/slate-suggestions/${body.id}/replay`).set(bearer(committee));
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ id: body.id, identical: true, objective: body.objective, differences: [] });
  });

  it('gives each person one talk, and respects fixed-in and fixed-out nominees', async () => {
    const { conference, higgs, top, m } = await scenario();
    // Without Carol, Dave is the best left in both slots; he can give only one of the talks.
    const once = await suggest(conference.id, { fixedOut: [m.carol.id] });
    const daves = (slate: Array<{ speakers: Array<{ name: string }> }>) =>
      slate.flatMap((s) => s.speakers).filter((p) => p.name === 'Dave').length;
    expect(daves(once.body.slate)).toBe(1);
    expect(once.body.objective).toBeCloseTo(1.5, 9);
    const twice = await suggest(conference.id, { fixedOut: [m.carol.id], onePerPerson: false });
    expect(names(twice.body.slate)).toEqual({ Higgs: ['Dave'], Top: ['Frank', 'Dave'] });
    expect(twice.body.objective).toBeCloseTo(2, 9);

    const fixed = await suggest(conference.id, {
      fixedIn: [{ slotId: higgs.id, memberId: m.dave.id }],
      fixedOut: [m.frank.id, { slotId: top.id, memberId: m.alice.id }],
    });
    expect(fixed.status).toBe(201);
    // Frank out everywhere, Alice out of Top, Dave in Higgs: Top is left with Erin and Bob (more talks, lower score).
    expect(names(fixed.body.slate)).toEqual({ Higgs: ['Dave'], Top: ['Erin', 'Bob'] });
  });

  it('answers 422 naming the conflicting targets when no slate meets them, and stores nothing', async () => {
    const { conference, higgs, m } = await scenario();
    const res = await suggest(conference.id, { maxPerRegion: 1, minPerRegion: { USA: 2 }, maxPerInstitute: 3 });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.body.conflictingTargets).toEqual([
      { target: 'maxPerRegion', description: 'at most 1 speakers per region' },
      { target: 'minPerRegion.USA', description: 'at least 2 speakers from USA' },
    ]);
    expect(res.body.detail).toMatch(/maxPerRegion.*minPerRegion\.USA/);

    const fixedConflict = await suggest(conference.id, {
      fixedIn: [{ slotId: higgs.id, memberId: m.alice.id }],
      minCareerStage: { student: 2 },
    });
    expect(fixedConflict.status).toBe(422);
    expect(fixedConflict.body.conflictingTargets.map((c: { target: string }) => c.target)).toEqual([
      'fixedIn[0]',
      'minCareerStage.student',
    ]);
    expect(fixedConflict.body.conflictingTargets[0].description).toBe('Alice fixed in Higgs');

    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM slate_suggestion WHERE conference_id = $1`, [conference.id]);
    expect(n).toBe(0);
  });

  it('refuses bad requests: 400 for malformed, 422 for unknown regions and non-nominees, 403 for others, 404 for no conference', async () => {
    const { conference, higgs, m } = await scenario();
    expect((await suggest(conference.id, { maxPerInstitute: -1 })).status).toBe(400);
    expect((await suggest(conference.id, { minCareerStage: { wizard: 1 } })).status).toBe(400);
    expect((await suggest(conference.id, { fixedOut: ['not-a-uuid'] })).status).toBe(400);
    expect((await suggest(conference.id, { careerStages: [{ stages: ['student'], atLeast: 1, atLeastShare: 0.5 }] })).status).toBe(422);
    const region = await suggest(conference.id, { minPerRegion: { ATLANTIS: 1 } });
    expect(region.status).toBe(422);
    expect(region.body.errors).toEqual([{ field: 'minPerRegion.ATLANTIS', message: 'no such region (see GET /regions)' }]);
    const outsider = await suggest(conference.id, { fixedIn: [{ slotId: higgs.id, memberId: m.frank.id }] });
    expect(outsider.status).toBe(422);
    expect(outsider.body.errors[0].field).toBe('fixedIn[0]');
    expect((await suggest(conference.id, {}, await t.token('nominator'))).status).toBe(403);
    expect((await suggest('00000000-0000-4000-8000-000000000000', {})).status).toBe(404);
  });

  it("applies an admin's gender target without showing anyone's gender, and replays it for the admin", async () => {
    const { conference } = await scenario();
    const res = await suggest(conference.id, { gender: { genders: ['woman'], atLeast: 1 } }, officer);
    expect(res.status).toBe(201);
    expect(names(res.body.slate)).toEqual({ Higgs: ['Carol'], Top: ['Frank', 'Alice'] });
    expect(res.body.gender).toEqual({ suppressed: true });
    expect(res.body.bindingTargets.map((b: { target: string }) => b.target)).not.toContain('gender');
    const speakers = [...res.body.slate, ...res.body.rankOnly.slate].flatMap((s: { speakers: object[] }) => s.speakers);
    for (const speaker of speakers) expect(Object.keys(speaker)).not.toContain('gender');
    const { request, ...answer } = res.body;
    expect(request.gender).toEqual({ genders: ['woman'], atLeast: 1 });
    expect(JSON.stringify(answer)).not.toMatch(/woman|"man"|gender"?:\s*"/);

    const stored = await t.http.get(`/api/v1/slate-suggestions/${res.body.id}`).set(bearer(t.admin));
    expect(stored.status).toBe(200);
    expect(JSON.stringify(stored.body)).not.toMatch(/genderSnapshot|"man"/);
    const replay = await t.http.post(`/api/v1/slate-suggestions/${res.body.id}/replay`).set(bearer(t.admin));
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ id: res.body.id, identical: true, objective: res.body.objective, differences: [] });
    expect(JSON.stringify(replay.body)).not.toMatch(/"man"|woman/);
    const [row] = await t.dataSource.query(`SELECT gender_snapshot FROM slate_suggestion WHERE id = $1`, [res.body.id]);
    expect(Object.keys(row.gender_snapshot)).toHaveLength(6);
  });

  describe('what a committee member can learn through a gender target: nothing', () => {
    const refusal = (res: { status: number; headers: Record<string, string>; text: string }) => ({
      status: res.status,
      type: res.headers['content-type'],
      text: res.text,
    });
    const everyoneBut = (m: Record<Person, { id: string }>, kept: Person) =>
      (Object.keys(m) as Person[]).filter((p) => p !== kept).map((p) => m[p].id);
    const storedBy = async (userId: string) =>
      (await t.dataSource.query(`SELECT count(*)::int AS n FROM slate_suggestion WHERE created_by = $1`, [userId]))[0].n;

    it('leaving out all but one nominee: the same refusal for a woman and for a man, nothing solved or stored', async () => {
      const member = await t.user('committee');
      const { conference, m } = await scenario();
      const target = { genders: ['woman'], atLeast: 1 };
      const aboutAlice = { gender: target, fixedOut: everyoneBut(m, 'alice') };
      const aboutCarol = { gender: target, fixedOut: everyoneBut(m, 'carol') };

      // For the officer the two answers differ (Alice is a woman, Carol is not): this is the oracle.
      expect((await suggest(conference.id, aboutAlice, officer)).status).toBe(201);
      expect((await suggest(conference.id, aboutCarol, officer)).status).toBe(422);

      const woman = await suggest(conference.id, aboutAlice, member.token);
      const man = await suggest(conference.id, aboutCarol, member.token);
      expect(refusal(woman)).toEqual(refusal(man));
      expect(woman.status).toBe(403);
      expect(woman.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(woman.body).toEqual({
        type: expect.any(String),
        title: 'Forbidden',
        status: 403,
        detail: expect.stringMatching(/gender target.*admin.*balance reports/),
      });
      expect(woman.text).not.toMatch(UUID);
      expect(await storedBy(member.id)).toBe(0);
    });

    it('asking with and without a gender target: the one with it is refused, whoever would have been swapped in', async () => {
      const member = await t.user('committee');
      const aliceWoman = await scenario();
      const bobWoman = await scenario({ alice: 'man', bob: 'woman' });
      const withTarget = { gender: { genders: ['woman'], atLeast: 1 } };

      // For the officer the swapped-in speaker is the woman: Alice in one conference, Bob in the other.
      const seen = await Promise.all([aliceWoman, bobWoman].map((c) => suggest(c.conference.id, withTarget, officer)));
      expect(seen.map((r) => names(r.body.slate).Top)).toEqual([
        ['Frank', 'Alice'],
        ['Frank', 'Bob'],
      ]);

      const answers = [];
      for (const { conference } of [aliceWoman, bobWoman]) {
        const without = await suggest(conference.id, {}, member.token);
        expect(without.status).toBe(201);
        expect(names(without.body.slate)).toEqual({ Higgs: ['Carol'], Top: ['Frank', 'Dave'] });
        answers.push(refusal(await suggest(conference.id, withTarget, member.token)));
        // A target that can never bind is refused the same way: the refusal looks at the request only.
        answers.push(refusal(await suggest(conference.id, { gender: { genders: ['woman'], atLeast: 0 } }, member.token)));
      }
      expect(answers[0].status).toBe(403);
      for (const answer of answers) expect(answer).toEqual(answers[0]);
      expect(await storedBy(member.id)).toBe(2);
    });

    it('an admin gets a slate; a conflict of the gender target with fixed choices names no member', async () => {
      const { conference, higgs, top, m } = await scenario();
      const ids = Object.values(m).map((x) => x.id);
      expect((await suggest(conference.id, { gender: { genders: ['woman'], atLeast: 1 }, fixedOut: [m.frank.id] }, officer)).status).toBe(
        201,
      );

      const conflicts = [
        { gender: { genders: ['woman'], atLeast: 1 }, fixedOut: [m.bob.id, m.alice.id] },
        {
          gender: { genders: ['woman'], atLeast: 1 },
          fixedIn: [
            { slotId: higgs.id, memberId: m.carol.id },
            { slotId: top.id, memberId: m.frank.id },
            { slotId: top.id, memberId: m.dave.id },
          ],
        },
      ];
      for (const body of conflicts) {
        const res = await suggest(conference.id, body, officer);
        expect(res.status).toBe(422);
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(res.body.conflictingTargets).toEqual([
          { target: 'fixedChoices', description: 'the fixed choices (fixedIn, fixedOut and seats already given) taken together' },
          { target: 'gender', description: 'at least 1 speakers woman' },
        ]);
        expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['fixedChoices', 'gender']);
        expect(res.text).not.toMatch(UUID);
        for (const id of ids) expect(res.text).not.toContain(id);
        expect(res.text).not.toMatch(/Alice|Bob|Carol|Dave|Erin|Frank/);
      }
    });

    it("an admin's gender-targeted suggestion cannot be read, listed, replayed or accepted by a committee member", async () => {
      const member = await t.user('committee');
      const runs = [];
      for (const genders of [{}, { alice: 'man', bob: 'woman' }] as Array<Partial<Record<Person, Gender>>>) {
        const { conference, m } = await scenario(genders);
        const made = await suggest(conference.id, { gender: { genders: ['woman'], atLeast: 1 } }, officer);
        expect(made.status).toBe(201);
        const id = made.body.id;
        const answers = [
          await t.http.get(`/api/v1/slate-suggestions/${id}`).set(bearer(member.token)),
          await t.http.post(`/api/v1/slate-suggestions/${id}/replay`).set(bearer(member.token)),
          await t.http.post(`/api/v1/slate-suggestions/${id}/accept`).set(bearer(member.token)),
        ];
        for (const res of answers) {
          expect(res.status).toBe(403);
          expect(res.body.detail).toMatch(/gender target.*admin.*balance reports/);
          expect(res.text).not.toMatch(UUID);
        }
        const listed = await t.http.get(`/api/v1/conferences/${conference.id}/slate-suggestions`).set(bearer(member.token));
        expect(listed.body).toMatchObject({ total: 0, items: [] });
        const forAdmin = await t.http.get(`/api/v1/conferences/${conference.id}/slate-suggestions`).set(bearer(t.admin));
        expect(forAdmin.body).toMatchObject({ total: 1, items: [{ id }] });
        const [{ n }] = await t.dataSource.query(
          `SELECT count(*)::int AS n FROM allocation a JOIN slot s ON s.id = a.slot_id WHERE s.conference_id = $1`,
          [conference.id],
        );
        expect(n).toBe(0);
        runs.push({ id, answers: answers.map(refusal), swappedIn: made.body.slate[1].speakers[1].memberId, m });
      }
      // The admin's slates differ (Alice, then Bob swapped in); what the committee member got does not.
      expect(runs.map((r) => r.swappedIn)).toEqual([runs[0].m.alice.id, runs[1].m.bob.id]);
      expect(runs[1].answers).toEqual(runs[0].answers);

      // Accepting stays a committee decision; for a gender-targeted slate, one taken by someone who is also an admin.
      const accepted = await t.http.post(`/api/v1/slate-suggestions/${runs[1].id}/accept`).set(bearer(officer));
      expect(accepted.status).toBe(201);
      expect(accepted.body.allocations.map((a: { memberId: string }) => a.memberId)).toContain(runs[1].m.bob.id);
    });
  });

  it('accepting creates every invitation in one transaction, audited, and only once', async () => {
    const { conference, higgs, top, m } = await scenario();
    // Dave already holds a seat in Top: the suggestion keeps him and fills the rest.
    const [dave] = await t.dataSource.query(`SELECT id FROM nomination WHERE slot_id = $1 AND member_id = $2`, [top.id, m.dave.id]);
    await t.dataSource.query(`INSERT INTO allocation (slot_id, member_id, nomination_id, status) VALUES ($1, $2, $3, 'invited')`, [
      top.id,
      m.dave.id,
      dave.id,
    ]);
    const suggestion = (await suggest(conference.id, {})).body;
    expect(names(suggestion.slate)).toEqual({ Higgs: ['Carol'], Top: ['Frank', 'Dave'] });
    expect(suggestion.slate[1].speakers.find((p: { name: string }) => p.name === 'Dave').alreadyAllocated).toBe(true);

    const res = await t.http.post(`/api/v1/slate-suggestions/${suggestion.id}/accept`).set(bearer(committee));
    expect(res.status).toBe(201);
    expect(res.body.allocations).toHaveLength(2);
    const rows = await t.dataSource.query(
      `SELECT a.id, a.slot_id, a.member_id, a.status, a.rationale, a.rank_at_allocation, a.policy_version, n.status AS nomination_status
       FROM allocation a JOIN nomination n ON n.id = a.nomination_id
       WHERE a.slot_id = ANY($1) AND a.rationale IS NOT NULL ORDER BY a.slot_id = $2 DESC`,
      [[higgs.id, top.id], higgs.id],
    );
    expect(rows.map((r: { member_id: string }) => r.member_id).sort()).toEqual([m.carol.id, m.frank.id].sort());
    for (const row of rows) {
      expect(row).toMatchObject({
        status: 'invited',
        rationale: `accepted from suggestion ${suggestion.id}`,
        rank_at_allocation: 1,
        policy_version: 1,
        nomination_status: 'allocated',
      });
    }
    const audit = await t.dataSource.query(`SELECT action, after FROM audit_event WHERE entity_id = ANY($1) ORDER BY id`, [
      [...rows.map((r: { id: string }) => r.id), suggestion.id],
    ]);
    expect(audit.map((a: { action: string }) => a.action).sort()).toEqual([
      'allocation.create',
      'allocation.create',
      'slate_suggestion.accept',
      'slate_suggestion.create',
    ]);
    expect(audit.find((a: { action: string }) => a.action === 'allocation.create').after.rationale).toBe(
      `accepted from suggestion ${suggestion.id}`,
    );

    const twice = await t.http.post(`/api/v1/slate-suggestions/${suggestion.id}/accept`).set(bearer(committee));
    expect(twice.status).toBe(409);
    expect((await t.http.get(`/api/v1/slate-suggestions/${suggestion.id}`).set(bearer(committee))).body.acceptedAt).not.toBeNull();
  });

  it('refuses to accept (409, nothing written) when a seat was taken since the suggestion', async () => {
    const { conference, top, m } = await scenario();
    const suggestion = (await suggest(conference.id, {})).body;
    const [bob] = await t.dataSource.query(`SELECT id FROM nomination WHERE slot_id = $1 AND member_id = $2`, [top.id, m.bob.id]);
    await t.dataSource.query(`INSERT INTO allocation (slot_id, member_id, nomination_id, status) VALUES ($1, $2, $3, 'invited')`, [
      top.id,
      m.bob.id,
      bob.id,
    ]);
    const res = await t.http.post(`/api/v1/slate-suggestions/${suggestion.id}/accept`).set(bearer(committee));
    expect(res.status).toBe(409);
    expect(res.body.added).toEqual([{ slotId: top.id, memberId: m.bob.id }]);
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM allocation a JOIN slot s ON s.id = a.slot_id WHERE s.conference_id = $1`,
      [conference.id],
    );
    expect(n).toBe(1);
    const [row] = await t.dataSource.query(`SELECT accepted_at FROM slate_suggestion WHERE id = $1`, [suggestion.id]);
    expect(row.accepted_at).toBeNull();
  });

  it('writes nothing when the seat rule stops one of the invitations (a slot lost a seat since)', async () => {
    const { conference, top } = await scenario();
    const suggestion = (await suggest(conference.id, {})).body;
    await t.dataSource.query(`UPDATE slot SET seats = 1 WHERE id = $1`, [top.id]);
    const res = await t.http.post(`/api/v1/slate-suggestions/${suggestion.id}/accept`).set(bearer(committee));
    expect(res.status).toBe(409);
    const [{ allocations, allocated }] = await t.dataSource.query(
      `SELECT (SELECT count(*)::int FROM allocation a JOIN slot s ON s.id = a.slot_id WHERE s.conference_id = $1) AS allocations,
              (SELECT count(*)::int FROM nomination n JOIN slot s ON s.id = n.slot_id WHERE s.conference_id = $1 AND n.status = 'allocated') AS allocated`,
      [conference.id],
    );
    expect({ allocations, allocated }).toEqual({ allocations: 0, allocated: 0 });
  });

  it('refuses to accept when a suggested nomination was withdrawn meanwhile', async () => {
    const { conference, higgs, m } = await scenario();
    const suggestion = (await suggest(conference.id, {})).body;
    await t.dataSource.query(`UPDATE nomination SET status = 'withdrawn' WHERE slot_id = $1 AND member_id = $2`, [higgs.id, m.carol.id]);
    const res = await t.http.post(`/api/v1/slate-suggestions/${suggestion.id}/accept`).set(bearer(committee));
    expect(res.status).toBe(409);
    expect(res.body.detail).toMatch(/Carol/);
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM allocation a JOIN slot s ON s.id = a.slot_id WHERE s.conference_id = $1`,
      [conference.id],
    );
    expect(n).toBe(0);
  });
});
