import { createConference, createInstitute, createMember, createNomination, createSlot } from './support/fixtures';
import { bearer, createTestApp, TestApp } from './support/test-app';

// The slate's gender aggregate follows the reports' small-cell threshold (REPORT_MIN_CELL), not a
// number of its own: at 1, one woman beside one man is shown; at the default 5 it is suppressed
// (test/slates.e2e-spec.ts).
describe('slate suggestions under REPORT_MIN_CELL', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { REPORT_MIN_CELL: '1' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("shows an admin the slate's gender aggregate once both sides reach the configured threshold", async () => {
    const db = t.dataSource;
    const nominatorId = (await t.user('nominator')).id;
    const institute = await createInstitute(db, { country: 'FR' });
    const conference = await createConference(db, { startDate: '2026-11-02' });
    const slot = await createSlot(db, { conferenceId: conference.id, title: 'Neutrinos', seats: 2 });
    const people = [
      await createMember(db, { instituteId: institute.id, careerStage: 'student', name: 'Sam', gender: 'man' }),
      await createMember(db, { instituteId: institute.id, careerStage: 'student', name: 'Sid', gender: 'man' }),
      await createMember(db, { instituteId: institute.id, careerStage: 'tenured', name: 'Tess', gender: 'woman' }),
    ];
    for (const who of people) await createNomination(db, { memberId: who.id, slotId: slot.id, nominatorId });

    const officer = await t.token('committee', 'admin');
    const res = await t.http
      .post(`/api/v1/conferences/${conference.id}/slate-suggestions`)
      .set(bearer(officer))
      .send({ gender: { genders: ['woman'], atLeast: 1 } });
    expect(res.status).toBe(201);
    expect(res.body.slate[0].speakers.map((p: { name: string }) => p.name)).toContain('Tess');
    expect(res.body.gender).toEqual({ count: 1, slateSize: 2 });
    expect(res.body.bindingTargets.map((b: { target: string }) => b.target)).toEqual(['gender']);
  });
});
