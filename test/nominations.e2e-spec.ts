import { createConference, createInstitute, createMember, createSlot, MemberFixture } from './support/fixtures';
import { bearer, createTestApp, TestApp } from './support/test-app';

/** Dates relative to today, so the rules about the past and the future hold whenever the tests run. */
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

describe('nominations', () => {
  let t: TestApp;
  let committee: string;
  let alice: { id: string; token: string };
  let bob: { id: string; token: string };
  let member: MemberFixture;
  let other: MemberFixture;
  let slot: { id: string; title: string };
  let secondSlot: { id: string };
  let instituteId: string;

  beforeAll(async () => {
    t = await createTestApp();
    committee = await t.token('committee');
    alice = await t.user('nominator');
    bob = await t.user('nominator');
    const db = t.dataSource;
    instituteId = (await createInstitute(db, { country: 'FR' })).id;
    member = await createMember(db, {
      instituteId,
      name: 'Marie Nominee',
      careerStage: 'student',
      gender: 'woman',
      stages: [{ from: '2025-01-01', careerStage: 'postdoc' }],
    });
    other = await createMember(db, { instituteId, name: 'Other Nominee', gender: 'man' });
    const conference = await createConference(db, { startDate: inDays(120), tier: 'major' });
    slot = await createSlot(db, { conferenceId: conference.id, title: 'Opening plenary' });
    secondSlot = await createSlot(db, { conferenceId: conference.id, title: 'Parallel', talkType: 'parallel' });
  });
  afterAll(async () => {
    await t?.close();
  });

  const nominate = (token: string, body: Record<string, unknown>) => t.http.post('/api/v1/nominations').set(bearer(token)).send(body);
  const patch = (token: string, id: string, body: Record<string, unknown>) =>
    t.http.patch(`/api/v1/nominations/${id}`).set(bearer(token)).send(body);

  it('creates a submitted nomination with a snapshot of stage and institute, audited, without gender', async () => {
    const res = await nominate(alice.token, { memberId: member.id, slotId: slot.id, reason: 'Led the analysis' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      memberId: member.id,
      slotId: slot.id,
      nominatorId: alice.id,
      reason: 'Led the analysis',
      status: 'submitted',
      version: 1,
      memberName: 'Marie Nominee',
      slotTitle: 'Opening plenary',
      careerStage: 'postdoc',
      instituteId,
    });
    expect(res.body.id).toEqual(expect.any(String));
    expect(res.body.createdAt).toEqual(expect.any(String));
    expect(JSON.stringify(res.body)).not.toMatch(/gender|woman/);
    const audit = await t.dataSource.query(
      `SELECT action, actor_id, after FROM audit_event WHERE entity = 'nomination' AND entity_id = $1`,
      [res.body.id],
    );
    expect(audit).toEqual([expect.objectContaining({ action: 'nomination.create', actor_id: alice.id })]);
    expect(audit[0].after).toEqual({
      status: 'submitted',
      memberId: member.id,
      slotId: slot.id,
      nominatorId: alice.id,
      careerStage: 'postdoc',
      instituteId,
    });
  });

  it('answers 409 for a second active nomination of the same member for the same slot, by anyone', async () => {
    const again = await nominate(bob.token, { memberId: member.id, slotId: slot.id, reason: 'Also great' });
    expect(again.status).toBe(409);
    expect(again.body.detail).toMatch(/already nominated/);
    const rows = await t.dataSource.query(`SELECT count(*)::int AS n FROM nomination WHERE member_id = $1 AND slot_id = $2`, [
      member.id,
      slot.id,
    ]);
    expect(rows[0].n).toBe(1);
  });

  it('answers 422 for an unknown member or slot, a member who has left and a conference that started', async () => {
    const unknownMember = await nominate(alice.token, { memberId: '00000000-0000-4000-8000-000000000000', slotId: slot.id, reason: 'x' });
    expect(unknownMember.status).toBe(422);
    expect(unknownMember.body.errors[0].field).toBe('memberId');
    const unknownSlot = await nominate(alice.token, { memberId: member.id, slotId: '00000000-0000-4000-8000-000000000000', reason: 'x' });
    expect(unknownSlot.status).toBe(422);
    expect(unknownSlot.body.errors[0].field).toBe('slotId');

    const leaver = await createMember(t.dataSource, { instituteId, leftOn: inDays(-100) });
    const left = await nominate(alice.token, { memberId: leaver.id, slotId: slot.id, reason: 'x' });
    expect(left.status).toBe(422);
    expect(left.body.detail).toMatch(`left the collaboration on ${inDays(-100)}`);

    const started = await createConference(t.dataSource, { startDate: inDays(-20), endDate: inDays(30) });
    const pastSlot = await createSlot(t.dataSource, { conferenceId: started.id });
    const past = await nominate(alice.token, { memberId: other.id, slotId: pastSlot.id, reason: 'x' });
    expect(past.status).toBe(422);
    expect(past.body.errors[0].field).toBe('slotId');

    const refused = await t.dataSource.query(
      `SELECT (SELECT count(*)::int FROM nomination WHERE member_id IN ($1, $2) AND slot_id IN ($3, $4)) AS nominations,
              (SELECT count(*)::int FROM audit_event WHERE action = 'nomination.create'
                 AND after->>'memberId' IN ($1::text, $2::text) AND after->>'slotId' IN ($3::text, $4::text)) AS audited`,
      [leaver.id, other.id, slot.id, pastSlot.id],
    );
    expect(refused[0]).toEqual({ nominations: 0, audited: 0 });
  });

  it('validates the body: reason 1..4000 characters, ids as UUIDs, no unknown fields (400)', async () => {
    for (const body of [
      { memberId: member.id, slotId: secondSlot.id, reason: '' },
      { memberId: member.id, slotId: secondSlot.id, reason: 'x'.repeat(4001) },
      { memberId: 'nope', slotId: secondSlot.id, reason: 'x' },
      { memberId: member.id, slotId: secondSlot.id, reason: 'x', status: 'allocated' },
    ]) {
      expect((await nominate(alice.token, body)).status).toBe(400);
    }
    expect((await nominate(await t.token('monitor'), { memberId: member.id, slotId: secondSlot.id, reason: 'x' })).status).toBe(403);
  });

  it('shows nominators only their own nominations, the committee all of them, filtered', async () => {
    const bobs = await nominate(bob.token, { memberId: other.id, slotId: slot.id, reason: 'Bob thinks so' });
    expect(bobs.status).toBe(201);

    const aliceList = await t.http.get('/api/v1/nominations').set(bearer(alice.token));
    expect(aliceList.status).toBe(200);
    expect(aliceList.body.items.every((n: { nominatorId: string }) => n.nominatorId === alice.id)).toBe(true);
    expect(aliceList.body.total).toBe(1);
    // Even asking for Bob's explicitly shows Alice nothing of his.
    const sneaky = await t.http.get('/api/v1/nominations').query({ nominatorId: bob.id }).set(bearer(alice.token));
    expect(sneaky.body.items.map((n: { nominatorId: string }) => n.nominatorId)).not.toContain(bob.id);
    expect((await t.http.get(`/api/v1/nominations/${bobs.body.id}`).set(bearer(alice.token))).status).toBe(404);
    expect((await patch(alice.token, bobs.body.id, { status: 'withdrawn' })).status).toBe(404);

    const all = await t.http.get('/api/v1/nominations').query({ slotId: slot.id, limit: 1 }).set(bearer(committee));
    expect(all.body).toMatchObject({ total: 2, limit: 1, offset: 0 });
    expect(all.body.items).toHaveLength(1);
    const byMember = await t.http.get('/api/v1/nominations').query({ memberId: other.id, status: 'submitted' }).set(bearer(committee));
    expect(byMember.body.items.map((n: { id: string }) => n.id)).toEqual([bobs.body.id]);
    expect(byMember.body.items[0]).toMatchObject({ memberName: 'Other Nominee', slotTitle: 'Opening plenary' });
    expect(JSON.stringify(all.body) + JSON.stringify(byMember.body)).not.toMatch(/gender|woman|"man"/);
    const none = await t.http.get('/api/v1/nominations').query({ status: 'rejected' }).set(bearer(committee));
    expect(none.body).toMatchObject({ items: [], total: 0 });
  });

  it('follows the state machine: committee shortlists and rejects, nominators only withdraw their own', async () => {
    const created = await nominate(alice.token, { memberId: member.id, slotId: secondSlot.id, reason: 'Strong candidate' });
    const id = created.body.id;

    const nominatorShortlists = await patch(alice.token, id, { status: 'shortlisted' });
    expect(nominatorShortlists.status).toBe(403);

    const shortlisted = await patch(committee, id, { status: 'shortlisted', note: 'fits the topic', version: 1 });
    expect(shortlisted.status).toBe(200);
    expect(shortlisted.body).toMatchObject({ status: 'shortlisted', version: 2, committeeNote: 'fits the topic' });
    // The committee's note is not shown to the nominator.
    const seenByAlice = await t.http.get(`/api/v1/nominations/${id}`).set(bearer(alice.token));
    expect(seenByAlice.body.status).toBe('shortlisted');
    expect(seenByAlice.body).not.toHaveProperty('committeeNote');

    const stale = await patch(committee, id, { status: 'rejected', version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.detail).toMatch(/version/);

    const allocated = await patch(committee, id, { status: 'allocated' });
    expect(allocated.status).toBe(409);
    expect(allocated.body).toMatchObject({ from: 'shortlisted', to: 'allocated' });

    const withdrawn = await patch(alice.token, id, { status: 'withdrawn' });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body).toMatchObject({ status: 'withdrawn', version: 3 });

    const illegal = await patch(committee, id, { status: 'shortlisted' });
    expect(illegal.status).toBe(409);
    expect(illegal.body.detail).toMatch(/from withdrawn to shortlisted/);
    expect(illegal.body).toMatchObject({ from: 'withdrawn', to: 'shortlisted' });

    // Withdrawn frees the member to be nominated again for the slot.
    const renominated = await nominate(bob.token, { memberId: member.id, slotId: secondSlot.id, reason: 'Once more' });
    expect(renominated.status).toBe(201);
    const rejected = await patch(committee, renominated.body.id, { status: 'rejected' });
    expect(rejected.body.status).toBe('rejected');
    expect((await patch(bob.token, renominated.body.id, { status: 'withdrawn' })).status).toBe(409);
    expect((await patch(committee, renominated.body.id, { status: 'submitted' })).body.status).toBe('submitted');

    const audit = await t.dataSource.query(
      `SELECT action, before, after FROM audit_event WHERE entity = 'nomination' AND entity_id = $1 ORDER BY id`,
      [id],
    );
    expect(audit.map((a: { action: string }) => a.action)).toEqual(['nomination.create', 'nomination.status', 'nomination.status']);
    expect(audit[1]).toMatchObject({ before: { status: 'submitted' }, after: { status: 'shortlisted' } });
    expect(audit[2]).toMatchObject({ before: { status: 'shortlisted' }, after: { status: 'withdrawn' } });
  });

  it('answers 400 for an unknown status and 404 for an unknown nomination', async () => {
    const [any] = await t.dataSource.query(`SELECT id FROM nomination LIMIT 1`);
    expect((await patch(committee, any.id, { status: 'approved' })).status).toBe(400);
    expect((await patch(committee, '00000000-0000-4000-8000-000000000000', { status: 'rejected' })).status).toBe(404);
    expect((await t.http.get('/api/v1/nominations/not-a-uuid').set(bearer(committee))).status).toBe(400);
  });
});
