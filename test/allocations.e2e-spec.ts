import { RankingService } from '../src/ranking/ranking.service';
import {
  createConference,
  createInstitute,
  createMember,
  createNomination,
  createSlot,
  createTalk,
  MemberFixture,
} from './support/fixtures';
import { bearer, createTestApp, TestApp } from './support/test-app';

describe('allocations: invite, accept, decline, reassign', () => {
  let t: TestApp;
  let committee: string;
  let nominatorId: string;
  let pastConferenceId: string;

  beforeAll(async () => {
    t = await createTestApp();
    committee = await t.token('committee');
    nominatorId = (await t.user('nominator')).id;
    pastConferenceId = (await createConference(t.dataSource, { startDate: '2026-06-01', tier: 'standard' })).id;
  });
  afterAll(async () => {
    await t?.close();
  });

  const post = (slotId: string, body: object, token = committee) =>
    t.http.post(`/api/v1/slots/${slotId}/allocations`).set(bearer(token)).send(body);
  const patch = (id: string, body: object, headers: Record<string, string> = {}) =>
    t.http.patch(`/api/v1/allocations/${id}`).set(bearer(committee)).set(headers).send(body);
  const nominate = (memberId: string, slotId: string, status?: 'submitted' | 'shortlisted' | 'rejected' | 'withdrawn') =>
    createNomination(t.dataSource, { memberId, slotId, nominatorId, status });

  /**
   * A slot with nominees ranked as listed: `talks` past plenary talks each push a tenured member
   * down; a student's bonus puts them first.
   */
  async function rankedSlot(talks: number[], p: { seats?: number; country?: string } = {}) {
    const institute = await createInstitute(t.dataSource, { country: p.country ?? 'DE' });
    const conference = await createConference(t.dataSource, { startDate: '2027-03-01', endDate: '2027-03-05' });
    const slot = await createSlot(t.dataSource, { conferenceId: conference.id, seats: p.seats ?? 1, talkType: 'plenary' });
    const members: MemberFixture[] = [];
    for (const count of talks) {
      const member = await createMember(t.dataSource, {
        instituteId: institute.id,
        careerStage: count < 0 ? 'student' : 'tenured',
        gender: 'woman',
      });
      for (let i = 0; i < count; i++) {
        await createTalk(t.dataSource, { memberId: member.id, conferenceId: pastConferenceId, talkType: 'plenary', date: '2026-06-01' });
      }
      await nominate(member.id, slot.id);
      members.push(member);
    }
    return { conference, slot, members };
  }

  describe('POST /slots/:id/allocations', () => {
    it('invites the best-ranked nominee, records rank, score and policy, and marks the nomination allocated', async () => {
      const {
        slot,
        members: [best],
      } = await rankedSlot([-1, 0, 1]);
      const res = await post(slot.id, { memberId: best.id });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        slotId: slot.id,
        memberId: best.id,
        status: 'invited',
        version: 1,
        rankAtAllocation: 1,
        policyVersion: 1,
        rationale: null,
        passedOver: [],
      });
      expect(res.body.scoreAtAllocation).toBeCloseTo(1, 9);
      expect(res.headers.etag).toBe('"1"');
      const [nomination] = await t.dataSource.query(`SELECT status FROM nomination WHERE member_id = $1 AND slot_id = $2`, [
        best.id,
        slot.id,
      ]);
      expect(nomination.status).toBe('allocated');
      const audit = await t.dataSource.query(
        `SELECT actor_id, after FROM audit_event WHERE action = 'allocation.create' AND entity_id = $1`,
        [res.body.id],
      );
      expect(audit).toHaveLength(1);
      expect(audit[0].actor_id).toBe(res.body.allocatedBy);
      expect(audit[0].after).toMatchObject({ memberId: best.id, rankAtAllocation: 1, policyVersion: 1, rationale: null });
      const nominationAudit = await t.dataSource.query(
        `SELECT after FROM audit_event WHERE action = 'nomination.allocate' AND after->>'allocationId' = $1`,
        [res.body.id],
      );
      expect(nominationAudit).toHaveLength(1);
    });

    it('refuses someone not nominated, or whose nomination was rejected or withdrawn, with 422', async () => {
      const { slot } = await rankedSlot([0]);
      const institute = await createInstitute(t.dataSource);
      const stranger = await createMember(t.dataSource, { instituteId: institute.id });
      const rejected = await createMember(t.dataSource, { instituteId: institute.id });
      const withdrawn = await createMember(t.dataSource, { instituteId: institute.id });
      await nominate(rejected.id, slot.id, 'rejected');
      await nominate(withdrawn.id, slot.id, 'withdrawn');
      for (const member of [stranger, rejected, withdrawn]) {
        const res = await post(slot.id, { memberId: member.id, rationale: 'anyway' });
        expect(res.status).toBe(422);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body.errors).toEqual([expect.objectContaining({ field: 'memberId' })]);
      }
      const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM allocation WHERE slot_id = $1`, [slot.id]);
      expect(n).toBe(0);
    });

    it('answers 404 for an unknown slot, 400 for bad input and 403 for other roles', async () => {
      const {
        slot,
        members: [m],
      } = await rankedSlot([0]);
      expect((await post('00000000-0000-4000-8000-000000000000', { memberId: m.id })).status).toBe(404);
      expect((await post('not-a-uuid', { memberId: m.id })).status).toBe(400);
      const bad = await post(slot.id, { memberId: 'nope', rank: 1 });
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['memberId', 'rank']));
      for (const role of ['nominator', 'monitor', 'admin'] as const) {
        expect((await post(slot.id, { memberId: m.id }, await t.token(role))).status).toBe(403);
      }
    });

    it('requires a rationale to pass over a better-ranked available nominee, naming who (never their gender)', async () => {
      const {
        slot,
        members: [first, second, third],
      } = await rankedSlot([-1, 0, 1]);
      const refused = await post(slot.id, { memberId: third.id, rationale: '   ' });
      expect(refused.status).toBe(422);
      expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'rationale' })]);
      expect(refused.body.passedOver).toEqual([
        { memberId: first.id, name: first.name, rank: 1 },
        { memberId: second.id, name: second.name, rank: 2 },
      ]);
      expect(refused.body.detail).toContain(first.name);
      expect(JSON.stringify(refused.body)).not.toMatch(/gender|woman/);

      const chosen = await post(slot.id, { memberId: third.id, rationale: 'Leads the analysis the session is about' });
      expect(chosen.status).toBe(201);
      expect(chosen.body).toMatchObject({ rankAtAllocation: 3, rationale: 'Leads the analysis the session is about' });
      expect(chosen.body.passedOver.map((p: { memberId: string }) => p.memberId)).toEqual([first.id, second.id]);
      const [audit] = await t.dataSource.query(`SELECT after FROM audit_event WHERE action = 'allocation.create' AND entity_id = $1`, [
        chosen.body.id,
      ]);
      expect(audit.after).toMatchObject({
        rankAtAllocation: 3,
        rationale: 'Leads the analysis the session is about',
        passedOver: [
          { memberId: first.id, rank: 1 },
          { memberId: second.id, rank: 2 },
        ],
      });
    });

    it('does not count rejected nominees or those who already declined this slot as passed over', async () => {
      const {
        slot,
        members: [first, second, third],
      } = await rankedSlot([-1, 0, 1], { seats: 2 });
      await t.dataSource.query(`UPDATE nomination SET status = 'rejected' WHERE member_id = $1`, [first.id]);
      const invited = await post(slot.id, { memberId: second.id });
      expect(invited.status).toBe(201);
      expect((await patch(invited.body.id, { status: 'declined' })).status).toBe(200);
      const res = await post(slot.id, { memberId: third.id });
      expect(res.status).toBe(201);
      expect(res.body.passedOver).toEqual([]);
    });

    it('answers 409 once every seat is taken and never stores more allocations than seats', async () => {
      const { slot, members } = await rankedSlot([-1, 0, 1], { seats: 2 });
      expect((await post(slot.id, { memberId: members[0].id })).status).toBe(201);
      expect((await post(slot.id, { memberId: members[1].id })).status).toBe(201);
      const full = await post(slot.id, { memberId: members[2].id });
      expect(full.status).toBe(409);
      expect(full.body.detail).toMatch(/seat/);
      const [{ n }] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM allocation WHERE slot_id = $1 AND status IN ('invited', 'accepted')`,
        [slot.id],
      );
      expect(n).toBe(2);
    });

    it('is refused by the database itself when a seat check is bypassed', async () => {
      const { slot, members } = await rankedSlot([0, 1]);
      expect((await post(slot.id, { memberId: members[0].id })).status).toBe(201);
      const [nomination] = await t.dataSource.query(`SELECT id FROM nomination WHERE member_id = $1`, [members[1].id]);
      await expect(
        t.dataSource.query(`INSERT INTO allocation (slot_id, member_id, nomination_id) VALUES ($1, $2, $3)`, [
          slot.id,
          members[1].id,
          nomination.id,
        ]),
      ).rejects.toMatchObject({ driverError: expect.objectContaining({ code: '23P01' }) });
    });
  });

  describe('PATCH /allocations/:id', () => {
    it('records the talk when accepted, dated at the slot start, and refuses to accept twice or decline after', async () => {
      const {
        conference,
        slot,
        members: [m],
      } = await rankedSlot([0]);
      await t.dataSource.query(`UPDATE slot SET starts_at = '2027-03-02T09:30:00Z' WHERE id = $1`, [slot.id]);
      const invited = await post(slot.id, { memberId: m.id });
      const accepted = await patch(invited.body.id, { status: 'accepted' });
      expect(accepted.status).toBe(200);
      expect(accepted.body).toMatchObject({ status: 'accepted', version: 2, talkId: expect.any(String) });
      expect(accepted.body.respondedAt).toEqual(expect.any(String));
      expect(accepted.body.nextCandidates).toBeUndefined();
      const talks = await t.dataSource.query(`SELECT * FROM talk WHERE allocation_id = $1`, [invited.body.id]);
      expect(talks).toHaveLength(1);
      expect(talks[0]).toMatchObject({
        member_id: m.id,
        conference_id: conference.id,
        talk_type: 'plenary',
        date: '2027-03-02',
        career_stage: 'tenured',
        institute_id: m.instituteId,
      });
      expect((await patch(invited.body.id, { status: 'accepted' })).status).toBe(409);
      const decline = await patch(invited.body.id, { status: 'declined' });
      expect(decline.status).toBe(409);
      expect(decline.body).toMatchObject({ currentStatus: 'accepted', allowed: ['withdrawn'] });
      const audit = await t.dataSource.query(`SELECT action FROM audit_event WHERE entity_id IN ($1, $2) ORDER BY id`, [
        invited.body.id,
        talks[0].id,
      ]);
      expect(audit.map((a: { action: string }) => a.action)).toEqual(['allocation.create', 'allocation.accept', 'talk.create']);
    });

    it('dates the talk at the conference start when the slot has no time', async () => {
      const {
        slot,
        members: [m],
      } = await rankedSlot([0]);
      const invited = await post(slot.id, { memberId: m.id });
      await patch(invited.body.id, { status: 'accepted' });
      const [talk] = await t.dataSource.query(`SELECT date FROM talk WHERE allocation_id = $1`, [invited.body.id]);
      expect(talk.date).toBe('2027-03-01');
    });

    it('removes the talk again when an accepted allocation is withdrawn, and then allows nothing more', async () => {
      const {
        slot,
        members: [m, next],
      } = await rankedSlot([0, 1]);
      const invited = await post(slot.id, { memberId: m.id });
      await patch(invited.body.id, { status: 'accepted' });
      const withdrawn = await patch(invited.body.id, { status: 'withdrawn', reason: 'Visa refused' });
      expect(withdrawn.status).toBe(200);
      expect(withdrawn.body).toMatchObject({ status: 'withdrawn', talkId: null, reason: 'Visa refused' });
      expect(withdrawn.body.nextCandidates.map((c: { memberId: string }) => c.memberId)).toEqual([next.id]);
      const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM talk WHERE member_id = $1`, [m.id]);
      expect(n).toBe(0);
      const deleted = await t.dataSource.query(
        `SELECT before FROM audit_event WHERE action = 'talk.delete' AND before->>'allocationId' = $1`,
        [invited.body.id],
      );
      expect(deleted).toHaveLength(1);
      for (const status of ['accepted', 'declined', 'withdrawn']) {
        expect((await patch(invited.body.id, { status })).status).toBe(409);
      }
    });

    it('frees the seat on a decline, keeps the reason confidential and offers the next candidates', async () => {
      const { slot, members } = await rankedSlot([-1, 0, 1, 2, 3, 4, 5]);
      const [first, second] = members;
      const other = await createSlot(t.dataSource, { conferenceId: pastConferenceId });
      await nominate(first.id, other.id);
      const ranking = t.app.get(RankingService);
      const scoreBefore = (await ranking.candidatesForSlot(other.id))[0].score;

      const invited = await post(slot.id, { memberId: first.id });
      const declined = await patch(invited.body.id, { status: 'declined', reason: 'Family reasons, confidential' });
      expect(declined.status).toBe(200);
      expect(declined.body).toMatchObject({ status: 'declined', reason: 'Family reasons, confidential', talkId: null });
      expect(declined.body.nextCandidates).toHaveLength(5);
      expect(declined.body.nextCandidates.map((c: { memberId: string }) => c.memberId)).toEqual(members.slice(1, 6).map((m) => m.id));
      expect(declined.body.nextCandidates[0]).toMatchObject({ name: second.name, rank: 2 });
      expect(JSON.stringify(declined.body.nextCandidates)).not.toMatch(/gender|woman/);

      const audit = await t.dataSource.query(`SELECT before, after FROM audit_event WHERE entity_id = $1`, [invited.body.id]);
      expect(JSON.stringify(audit)).not.toContain('Family reasons');
      expect((await ranking.candidatesForSlot(other.id))[0].score).toBe(scoreBefore);
      const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM talk WHERE member_id = $1`, [first.id]);
      expect(n).toBe(0);

      const [nomination] = await t.dataSource.query(`SELECT status FROM nomination WHERE member_id = $1 AND slot_id = $2`, [
        first.id,
        slot.id,
      ]);
      expect(nomination.status).toBe('shortlisted');

      const reassigned = await post(slot.id, { memberId: second.id });
      expect(reassigned.status).toBe(201);
      expect(reassigned.body.passedOver).toEqual([]);
      const again = await post(slot.id, { memberId: first.id, rationale: 'asking again' });
      expect(again.status).toBe(409);
    });

    it('lets the committee invite someone again after a decline, without offering them automatically', async () => {
      const {
        slot,
        members: [m],
      } = await rankedSlot([0]);
      const invited = await post(slot.id, { memberId: m.id });
      const declined = await patch(invited.body.id, { status: 'declined' });
      expect(declined.body.nextCandidates).toEqual([]);
      const again = await post(slot.id, { memberId: m.id });
      expect(again.status).toBe(201);
      expect(again.body.id).not.toBe(invited.body.id);
      const actions = await t.dataSource.query(
        `SELECT action FROM audit_event WHERE entity = 'nomination' AND (after->>'allocationId') IN ($1, $2) ORDER BY id`,
        [invited.body.id, again.body.id],
      );
      expect(actions.map((a: { action: string }) => a.action)).toEqual([
        'nomination.allocate',
        'nomination.release',
        'nomination.allocate',
      ]);
    });

    it('refuses a reason on acceptance and unknown statuses', async () => {
      const {
        slot,
        members: [m],
      } = await rankedSlot([0]);
      const invited = await post(slot.id, { memberId: m.id });
      expect((await patch(invited.body.id, { status: 'accepted', reason: 'happy' })).status).toBe(422);
      expect((await patch(invited.body.id, { status: 'invited' })).status).toBe(400);
      expect((await patch(invited.body.id, { status: 'maybe' })).status).toBe(400);
      expect((await patch('00000000-0000-4000-8000-000000000000', { status: 'accepted' })).status).toBe(404);
      const [row] = await t.dataSource.query(`SELECT status, version FROM allocation WHERE id = $1`, [invited.body.id]);
      expect(row).toEqual({ status: 'invited', version: 1 });
    });

    it('answers a stale body version with 409 and a stale If-Match with 412 instead of overwriting', async () => {
      const {
        slot,
        members: [m],
      } = await rankedSlot([0]);
      const invited = await post(slot.id, { memberId: m.id });
      expect((await patch(invited.body.id, { status: 'accepted', version: 2 })).status).toBe(409);
      expect((await patch(invited.body.id, { status: 'accepted' }, { 'If-Match': '"7"' })).status).toBe(412);
      expect((await patch(invited.body.id, { status: 'accepted' }, { 'If-Match': 'W/"1"' })).status).toBe(412);
      const ok = await patch(invited.body.id, { status: 'accepted' }, { 'If-Match': '"1"' });
      expect(ok.status).toBe(200);
      expect(ok.headers.etag).toBe('"2"');
      const stale = await patch(invited.body.id, { status: 'withdrawn', version: 1 });
      expect(stale.status).toBe(409);
      expect(stale.body).toMatchObject({ currentVersion: 2, currentStatus: 'accepted' });
      expect((await patch(invited.body.id, { status: 'withdrawn' }, { 'If-Match': 'garbage' })).status).toBe(400);
      expect((await patch(invited.body.id, { status: 'withdrawn', version: 1 }, { 'If-Match': '"2"' })).status).toBe(400);
      const [row] = await t.dataSource.query(`SELECT status FROM allocation WHERE id = $1`, [invited.body.id]);
      expect(row.status).toBe('accepted');
    });

    it('lets only one of two simultaneous edits of the same version through', async () => {
      const {
        slot,
        members: [m],
      } = await rankedSlot([0]);
      const invited = await post(slot.id, { memberId: m.id });
      const answers = await Promise.all([
        patch(invited.body.id, { status: 'accepted', version: 1 }),
        patch(invited.body.id, { status: 'declined', version: 1 }),
      ]);
      expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
      const [row] = await t.dataSource.query(`SELECT version FROM allocation WHERE id = $1`, [invited.body.id]);
      expect(row.version).toBe(2);
    });
  });

  describe('balance preview', () => {
    it('shows region and career-stage make-up before and after, next to the membership, never gender', async () => {
      // Only this test uses Indian institutes (OTHER_STATES_A) and Polish ones (OTHER_CERN_MEMBERS).
      const indian = await createInstitute(t.dataSource, { country: 'IN' });
      const polish = await createInstitute(t.dataSource, { country: 'PL' });
      await createMember(t.dataSource, { instituteId: indian.id, leftOn: '2025-01-01', joinedOn: '2020-01-01' });
      const conference = await createConference(t.dataSource, { startDate: '2027-05-01' });
      const slot = await createSlot(t.dataSource, { conferenceId: conference.id, seats: 2 });
      const student = await createMember(t.dataSource, { instituteId: polish.id, careerStage: 'student', gender: 'woman' });
      const postdoc = await createMember(t.dataSource, { instituteId: polish.id, careerStage: 'postdoc', gender: 'man' });
      await nominate(student.id, slot.id);
      await nominate(postdoc.id, slot.id);

      const first = await post(slot.id, { memberId: student.id });
      const region = (body: any, value: string) => body.balancePreview.region.values.find((v: any) => v.value === value);
      const stage = (body: any, value: string) => body.balancePreview.careerStage.values.find((v: any) => v.value === value);
      expect(first.body.balancePreview.conferenceId).toBe(conference.id);
      expect(first.body.balancePreview.region.totals).toMatchObject({ before: 0, after: 1 });
      expect(region(first.body, 'OTHER_CERN_MEMBERS')).toMatchObject({
        before: { count: 0, share: null },
        after: { count: 1, share: 1 },
        members: { count: 2 },
      });
      expect(region(first.body, 'OTHER_STATES_A')).toBeUndefined();
      const [{ members }] = await t.dataSource.query(
        `SELECT count(*)::int AS members FROM member WHERE left_on IS NULL OR left_on > current_date`,
      );
      expect(first.body.balancePreview.region.totals.members).toBe(members);
      expect(first.body.balancePreview.careerStage.totals.members).toBe(members);
      expect(first.body.balancePreview.careerStage.values.map((v: any) => v.value)).toEqual([
        'student',
        'postdoc',
        'nontenured',
        'tenured',
        'engineer',
        'other',
      ]);

      const second = await post(slot.id, { memberId: postdoc.id, rationale: 'second seat' });
      expect(second.body.balancePreview.careerStage.totals).toMatchObject({ before: 1, after: 2 });
      expect(stage(second.body, 'student')).toMatchObject({ before: { count: 1, share: 1 }, after: { count: 1, share: 0.5 } });
      expect(stage(second.body, 'postdoc')).toMatchObject({ before: { count: 0, share: 0 }, after: { count: 1, share: 0.5 } });

      const declined = await patch(first.body.id, { status: 'declined' });
      expect(declined.body.balancePreview.careerStage.totals).toMatchObject({ before: 2, after: 1 });
      expect(stage(declined.body, 'student')).toMatchObject({ before: { count: 1 }, after: { count: 0, share: 0 } });

      const read = await t.http.get(`/api/v1/allocations/${second.body.id}`).set(bearer(committee));
      expect(read.status).toBe(200);
      expect(read.body.balancePreview.careerStage.totals).toMatchObject({ before: 0, after: 1 });
      for (const body of [first.body, second.body, declined.body, read.body]) {
        expect(JSON.stringify(body)).not.toMatch(/gender|woman|"man"/);
      }
    });
  });

  describe('reading allocations', () => {
    it("lists a slot's allocations and filters all allocations by conference and status", async () => {
      const { conference, slot, members } = await rankedSlot([0, 1], { seats: 2 });
      const a = await post(slot.id, { memberId: members[0].id });
      const b = await post(slot.id, { memberId: members[1].id });
      await patch(b.body.id, { status: 'declined', reason: 'too busy' });

      const forSlot = await t.http.get(`/api/v1/slots/${slot.id}/allocations`).set(bearer(committee));
      expect(forSlot.status).toBe(200);
      expect(forSlot.body).toMatchObject({ total: 2, limit: 50, offset: 0 });
      expect(forSlot.body.items.map((i: any) => [i.id, i.status])).toEqual([
        [a.body.id, 'invited'],
        [b.body.id, 'declined'],
      ]);

      const declined = await t.http
        .get('/api/v1/allocations')
        .query({ conferenceId: conference.id, status: 'declined' })
        .set(bearer(committee));
      expect(declined.body.total).toBe(1);
      expect(declined.body.items[0]).toMatchObject({ id: b.body.id, memberName: members[1].name, reason: 'too busy' });

      const paged = await t.http
        .get('/api/v1/allocations')
        .query({ conferenceId: conference.id, limit: 1, offset: 5 })
        .set(bearer(committee));
      expect(paged.body).toMatchObject({ items: [], total: 2 });
      expect((await t.http.get('/api/v1/allocations').query({ status: 'maybe' }).set(bearer(committee))).status).toBe(400);
      expect((await t.http.get(`/api/v1/slots/00000000-0000-4000-8000-000000000000/allocations`).set(bearer(committee))).status).toBe(404);
      expect((await t.http.get(`/api/v1/allocations/${a.body.id}`).set(bearer(await t.token('nominator')))).status).toBe(403);
      expect((await t.http.get('/api/v1/allocations').set(bearer(await t.token('monitor')))).status).toBe(403);
    });
  });
});
