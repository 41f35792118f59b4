// The demo's mentorship rounds (npm run demo): made through the service on a small seeded
// collaboration, last year's published and this year's proposed, and made only once.
import { demoMentorshipRounds } from '../src/demo/mentorship-round';
import { seedDatabase } from '../src/demo/seed';
import { createTestApp, TestApp } from './support/test-app';

describe('demo mentorship rounds', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await seedDatabase(t.databaseUrl, {
      members: 600,
      talks: 500,
      crowdedSlotNominees: 10,
      seed: 7,
      today: new Date().toISOString().slice(0, 10),
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('leaves a published round, a proposed one with continued pairs, and introductions in the outbox', async () => {
    const result = await demoMentorshipRounds(t.app, 7);
    expect(result).not.toBeNull();
    expect(result!.pairs).toBeGreaterThan(20);
    expect(result!.continued).toBeGreaterThan(0);
    const rounds = await t.dataSource.query(`SELECT year, status FROM mentorship_round ORDER BY year`);
    expect(rounds).toEqual([
      { year: result!.previousYear, status: 'published' },
      { year: result!.year, status: 'open' },
    ]);
    const [{ mails }] = await t.dataSource.query(`SELECT count(*)::int AS mails FROM mail_outbox WHERE kind = 'mentorship'`);
    expect(mails).toBeGreaterThan(0);
    const sameInstitute = await t.dataSource.query(
      `SELECT 1 FROM mentorship_pair p JOIN mentorship_signup a ON a.id = p.mentor_signup_id
       JOIN mentorship_signup b ON b.id = p.mentee_signup_id WHERE a.institute_id = b.institute_id`,
    );
    expect(sameInstitute).toEqual([]);
    expect(await demoMentorshipRounds(t.app, 7)).toBeNull();
  });
});
