import { createConference, createInstitute, createMember, createNomination, createSlot } from './support/fixtures';
import { bearer, createTestApp, TestApp } from './support/test-app';

// Real parallel requests against the real database: the pool has 10 connections, so the twenty
// requests also queue for connections, as they would under load.
describe('allocations: twenty committee members racing for one seat', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A slot with `seats` seats and twenty nominees at one institute, and a committee member's token. */
  async function slotWithTwentyNominees(o: { country: string; startDate: string; seats: number }) {
    const committee = await t.token('committee');
    const nominatorId = (await t.user('nominator')).id;
    const institute = await createInstitute(t.dataSource, { country: o.country });
    const conference = await createConference(t.dataSource, { startDate: o.startDate });
    const slot = await createSlot(t.dataSource, { conferenceId: conference.id, seats: o.seats });
    const nominees = [];
    for (let i = 0; i < 20; i++) {
      const member = await createMember(t.dataSource, { instituteId: institute.id });
      await createNomination(t.dataSource, { memberId: member.id, slotId: slot.id, nominatorId });
      nominees.push(member);
    }
    return { committee, slot, nominees };
  }

  it('gives exactly one 201 and nineteen 409s, and never more allocations than seats', async () => {
    const { committee, slot, nominees } = await slotWithTwentyNominees({ country: 'FR', startDate: '2027-01-10', seats: 1 });

    const answers = await Promise.all(
      nominees.map((m) =>
        t.http
          .post(`/api/v1/slots/${slot.id}/allocations`)
          .set(bearer(committee))
          .send({ memberId: m.id, rationale: 'whoever is free first' }),
      ),
    );

    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    for (const refused of answers.filter((r) => r.status === 409)) {
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      // The slot lock queues them, so each saw the winner's seat before doing any ranking work.
      expect(refused.body).toMatchObject({ seats: 1, taken: 1 });
    }
    const rows = await t.dataSource.query(`SELECT member_id FROM allocation WHERE slot_id = $1`, [slot.id]);
    expect(rows).toHaveLength(1);
    const winner = answers.find((r) => r.status === 201)!;
    expect(rows[0].member_id).toBe(winner.body.memberId);
    const allocated = await t.dataSource.query(`SELECT member_id FROM nomination WHERE slot_id = $1 AND status = 'allocated'`, [slot.id]);
    expect(allocated).toEqual([{ member_id: winner.body.memberId }]);
  });

  it('keeps a two-seat slot at two when twenty invitations arrive together', async () => {
    const { committee, slot, nominees } = await slotWithTwentyNominees({ country: 'IT', startDate: '2027-02-10', seats: 2 });
    const answers = await Promise.all(
      nominees.map((m) =>
        t.http.post(`/api/v1/slots/${slot.id}/allocations`).set(bearer(committee)).send({ memberId: m.id, rationale: 'race' }),
      ),
    );
    expect(answers.filter((r) => r.status === 201)).toHaveLength(2);
    expect(answers.filter((r) => r.status === 409)).toHaveLength(18);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM allocation WHERE slot_id = $1`, [slot.id]);
    expect(n).toBe(2);
  });
});
