// A career-stage change planned ahead (a PhD defence before the conference) is entered with its date:
// the bonus at the conference uses the stage the person will have then, today's stage stays until
// the day comes, and the nightly job puts it in force on that day.
import { Clock } from '../src/clock/clock';
import { CareerStagesInForce } from '../src/members/career-stages-in-force';
import { createInstitute, createMember } from './support/fixtures';
import { bearer, createTestApp, TestApp } from './support/test-app';

const api = '/api/v1';
const DAY = 86_400_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

describe('planned career-stage changes', () => {
  let t: TestApp;
  let committee: string;
  beforeAll(async () => {
    t = await createTestApp();
    committee = await t.token('committee');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('takes a future stage change with its date, ranks by it at that date, and puts it in force on the day', async () => {
    const institute = await createInstitute(t.dataSource, { country: 'DE' });
    const member = await createMember(t.dataSource, { instituteId: institute.id, careerStage: 'student', joinedOn: '2022-01-01' });
    const defence = day(Date.now() + 60 * DAY);
    const planned = await t.http
      .patch(`${api}/members/${member.id}`)
      .set(bearer(t.admin))
      .send({ careerStage: 'postdoc', effectiveFrom: defence });
    expect(planned.status).toBe(200);
    expect(planned.body.careerStage).toBe('student');
    const history = await t.http.get(`${api}/members/${member.id}/history`).set(bearer(committee));
    expect(history.body.careerStages).toEqual([
      { careerStage: 'student', validFrom: '2022-01-01' },
      { careerStage: 'postdoc', validFrom: defence },
    ]);
    const bonusOn = async (asOf: string) =>
      (await t.http.get(`${api}/members/${member.id}/eligibility`).query({ asOf }).set(bearer(committee))).body.breakdown.bonus;
    expect(await bonusOn(day(Date.now() + 30 * DAY))).toBe(1);
    expect(await bonusOn(day(Date.now() + 90 * DAY))).toBe(0.5);
    const [audit] = await t.dataSource.query(`SELECT after FROM audit_event WHERE action = 'member.update' AND entity_id = $1`, [
      member.id,
    ]);
    expect(audit.after).toMatchObject({ effectiveFrom: defence, careerStage: 'student' });

    const inForce = t.app.get(CareerStagesInForce);
    const clock = jest.spyOn(t.app.get(Clock), 'now');
    clock.mockReturnValue(new Date(Date.now() + 59 * DAY));
    expect(await inForce.apply()).toBe(0);
    clock.mockReturnValue(new Date(`${defence}T00:05:00Z`));
    expect(await inForce.apply()).toBe(1);
    expect(await inForce.apply()).toBe(0);
    clock.mockRestore();
    const read = await t.http.get(`${api}/members/${member.id}`).set(bearer(committee));
    expect(read.body).toMatchObject({ careerStage: 'postdoc', version: 3 });
    const [inForceAudit] = await t.dataSource.query(
      `SELECT actor_id, before, after FROM audit_event WHERE action = 'member.career-stage-in-force' AND entity_id = $1`,
      [member.id],
    );
    expect(inForceAudit).toEqual({
      actor_id: null,
      before: { careerStage: 'student' },
      after: { careerStage: 'postdoc', effectiveOn: defence },
    });
  });

  it('still refuses a move to another institute ahead of time, and a plan more than three years out', async () => {
    const institute = await createInstitute(t.dataSource, { country: 'DE' });
    const other = await createInstitute(t.dataSource, { country: 'FR' });
    const member = await createMember(t.dataSource, { instituteId: institute.id, careerStage: 'student', joinedOn: '2022-01-01' });
    const move = await t.http
      .patch(`${api}/members/${member.id}`)
      .set(bearer(t.admin))
      .send({ careerStage: 'postdoc', instituteId: other.id, effectiveFrom: day(Date.now() + 30 * DAY) });
    expect(move.status).toBe(422);
    expect(move.body.errors).toEqual([expect.objectContaining({ field: 'effectiveFrom' })]);
    const far = await t.http
      .patch(`${api}/members/${member.id}`)
      .set(bearer(t.admin))
      .send({ careerStage: 'postdoc', effectiveFrom: day(Date.now() + 4 * 366 * DAY) });
    expect(far.status).toBe(422);
    expect(far.body.errors[0].message).toMatch(/at most 3 years ahead/);
    const history = await t.dataSource.query(`SELECT count(*)::int AS n FROM member_career_stage WHERE member_id = $1`, [member.id]);
    expect(history[0].n).toBe(1);
  });
});
