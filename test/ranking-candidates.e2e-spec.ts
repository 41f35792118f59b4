import { CAREER_STAGES, CONFERENCE_TIERS, TALK_TYPES } from '../src/common/enums';
import { rankKey } from '../src/ranking/eligibility';
import { RankingService } from '../src/ranking/ranking.service';
import { createConference, createInstitute, createMember, createNomination, createSlot, createTalk } from './support/fixtures';
import { bearer, createTestApp, TestApp } from './support/test-app';

/** A small deterministic generator, so a failure can be reproduced. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}
const daysBefore = (date: string, days: number) => new Date(Date.parse(date) - days * 86_400_000).toISOString().slice(0, 10);

/**
 * The breakdown as PostgreSQL computes it, talk by talk: the SQL form of the formula (as the rankings
 * use it), ordered heaviest first, then latest, then by talk id; and the ranks of rank() over the
 * scores rounded to 1e-9.
 */
const SQL_BREAKDOWN = `
  WITH w AS (SELECT $3::jsonb AS p),
  counted AS (
    SELECT n.member_id, t.id AS talk_id, t.conference_id, c.name AS conference_name, c.tier, t.talk_type, t.date,
           ($2::date - t.date)::float8 / 365.25 AS age_years,
           power(0.5::float8, (($2::date - t.date)::float8 / 365.25) / (w.p ->> 'halfLifeYears')::float8) AS decay,
           ((w.p #>> ARRAY['typeWeight', t.talk_type])::float8 * (w.p #>> ARRAY['tierWeight', c.tier])::float8)
             * power(0.5::float8, (($2::date - t.date)::float8 / 365.25) / (w.p ->> 'halfLifeYears')::float8) AS contribution
    FROM w, nomination n
    JOIN talk t ON t.member_id = n.member_id
    JOIN conference c ON c.id = t.conference_id
    WHERE n.slot_id = $1::uuid AND t.date < $2::date AND ($2::date - t.date)::float8 / 365.25 <= (w.p ->> 'windowYears')::float8
  ),
  scored AS (
    SELECT n.member_id,
           COALESCE((w.p #>> ARRAY['careerBonus', COALESCE(member_career_stage_at(n.member_id, $2::date), m.career_stage)])::float8, 0)
             - COALESCE(sum(k.contribution), 0) AS score,
           COALESCE(json_agg(json_build_object(
             'talkId', k.talk_id, 'conferenceId', k.conference_id, 'conferenceName', k.conference_name, 'tier', k.tier,
             'talkType', k.talk_type, 'date', k.date, 'ageYears', k.age_years, 'decay', k.decay, 'contribution', k.contribution
           ) ORDER BY k.contribution DESC, k.date DESC, k.talk_id) FILTER (WHERE k.talk_id IS NOT NULL), '[]') AS talks
    FROM w, nomination n
    JOIN member m ON m.id = n.member_id
    LEFT JOIN counted k ON k.member_id = n.member_id
    WHERE n.slot_id = $1::uuid
    GROUP BY n.member_id, m.career_stage, w.p
  )
  SELECT member_id, score, talks, rank() OVER (ORDER BY round(score * 1e9) DESC)::int AS rank FROM scored`;

describe('ranking: candidates for a slot', () => {
  let t: TestApp;
  let ranking: RankingService;
  beforeAll(async () => {
    t = await createTestApp();
    ranking = t.app.get(RankingService);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('ranks the active nominees best first as of the conference start, equal scores sharing a rank', async () => {
    const db = t.dataSource;
    const nominator = await t.user('nominator');
    const institute = await createInstitute(db, { country: 'IT' });
    const conference = await createConference(db, { startDate: '2026-12-01', tier: 'major' });
    const slot = await createSlot(db, { conferenceId: conference.id });
    const major = await createConference(db, { startDate: '2022-12-01', tier: 'major' });
    const old = await createConference(db, { startDate: '2015-06-01', tier: 'major' });

    const student = await createMember(db, { instituteId: institute.id, careerStage: 'student', name: 'Ann Student' });
    // A postdoc since 2020 who was a student before: the stage at the conference start counts.
    const postdoc = await createMember(db, {
      instituteId: institute.id,
      careerStage: 'student',
      name: 'Bob Postdoc',
      stages: [{ from: '2020-01-01', careerStage: 'postdoc' }],
    });
    const tenuredA = await createMember(db, { instituteId: institute.id, careerStage: 'tenured', name: 'Cid Tenured' });
    const tenuredB = await createMember(db, { instituteId: institute.id, careerStage: 'tenured', name: 'Dan Tenured' });
    const withdrawn = await createMember(db, { instituteId: institute.id, careerStage: 'student', name: 'Eve Withdrawn' });

    // 1461 days = exactly 4 years of 365.25 days before the conference start.
    const plenary = await createTalk(db, { memberId: postdoc.id, conferenceId: major.id, talkType: 'plenary', date: '2022-12-01' });
    // Older than the 10-year window, and on the start day itself: neither counts.
    await createTalk(db, { memberId: tenuredA.id, conferenceId: old.id, talkType: 'plenary', date: '2015-06-01' });
    await createTalk(db, { memberId: tenuredB.id, conferenceId: conference.id, talkType: 'plenary', date: '2026-12-01' });

    for (const m of [student, postdoc, tenuredA, tenuredB]) {
      await createNomination(db, { memberId: m.id, slotId: slot.id, nominatorId: nominator.id });
    }
    await createNomination(db, { memberId: withdrawn.id, slotId: slot.id, nominatorId: nominator.id, status: 'withdrawn' });

    const candidates = await ranking.candidatesForSlot(slot.id);
    expect(candidates.map((c) => [c.name, c.rank])).toEqual([
      ['Ann Student', 1],
      ['Cid Tenured', 2],
      ['Dan Tenured', 2],
      ['Bob Postdoc', 4],
    ]);
    const decay = Math.pow(0.5, 4 / 3);
    const bob = candidates[3];
    expect(bob.score).toBeCloseTo(0.5 - 3 * 1.5 * decay, 12);
    expect(bob.careerStage).toBe('postdoc');
    expect(bob.region).toBe('ITALY');
    expect(bob.instituteName).toBe(institute.name);
    expect(bob.breakdown).toMatchObject({ policyVersion: 1, asOf: '2026-12-01', careerStage: 'postdoc', bonus: 0.5 });
    expect(bob.breakdown.talks).toHaveLength(1);
    expect(bob.breakdown.talks[0]).toMatchObject({
      talkId: plenary.id,
      conferenceId: major.id,
      tier: 'major',
      talkType: 'plenary',
      date: '2022-12-01',
    });
    expect(bob.breakdown.talks[0].ageYears).toBeCloseTo(4, 12);
    expect(bob.breakdown.talks[0].contribution).toBeCloseTo(4.5 * decay, 12);
    expect(candidates[1].breakdown.talks).toEqual([]);
    expect(JSON.stringify(candidates)).not.toMatch(/gender|undisclosed/);

    // Over HTTP (sent in pieces): the same JSON, not to be cached.
    const answer = await t.http.get(`/api/v1/slots/${slot.id}/candidates`).set(bearer(await t.token('committee')));
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(answer.text).toBe(JSON.stringify(candidates));
  });

  it("runs inside the caller's transaction when given its manager, seeing its uncommitted writes", async () => {
    const db = t.dataSource;
    const nominator = await t.user('nominator');
    const institute = await createInstitute(db);
    const slot = await createSlot(db, { conferenceId: (await createConference(db, { startDate: '2027-01-10' })).id });
    const member = await createMember(db, { instituteId: institute.id });
    await db.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO nomination (member_id, slot_id, nominator_id, reason, career_stage, institute_id)
         VALUES ($1, $2, $3, 'inside', 'tenured', $4)`,
        [member.id, slot.id, nominator.id, institute.id],
      );
      expect((await ranking.candidatesForSlot(slot.id, { manager })).map((c) => c.memberId)).toEqual([member.id]);
      expect(await ranking.candidatesForSlot(slot.id)).toEqual([]);
    });
  });

  it("computes each nominee's breakdown and rank as the SQL formula does, for random histories with ties", async () => {
    const db = t.dataSource;
    const next = random(20261203);
    const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)];
    const nominator = await t.user('nominator');
    const institute = await createInstitute(db, { country: 'FR' });
    const asOf = '2027-03-01';
    const slot = await createSlot(db, { conferenceId: (await createConference(db, { startDate: asOf, tier: 'major' })).id });
    const conferences = [];
    for (let i = 0; i < 8; i++) {
      conferences.push(
        await createConference(db, { startDate: daysBefore(asOf, Math.floor(next() * 4000)), tier: pick(CONFERENCE_TIERS) }),
      );
    }
    type Talk = { conferenceId: string; talkType: (typeof TALK_TYPES)[number]; date?: string };
    const histories: Array<{ careerStage: (typeof CAREER_STAGES)[number]; talks: Talk[] }> = [];
    for (let i = 0; i < 30; i++) {
      // A third of the members repeat an earlier one's history: equal scores, which must share a rank.
      const repeated = i >= 10 && next() < 0.5;
      const history = repeated ? histories[Math.floor(next() * i)] : { careerStage: pick(CAREER_STAGES), talks: [] as Talk[] };
      if (!repeated) {
        for (let k = Math.floor(next() * 10); k > 0; k--) {
          const talk = {
            conferenceId: pick(conferences).id,
            talkType: pick(TALK_TYPES),
            date: next() < 0.5 ? undefined : daysBefore(asOf, pick([0, 1, 2374, 2375, Math.floor(next() * 4000)])),
          };
          // The same talk twice at one conference: equal weights on one day, listed by talk id.
          history.talks.push(talk, ...(next() < 0.3 ? [talk] : []));
        }
      }
      histories.push(history);
      const member = await createMember(db, {
        instituteId: institute.id,
        careerStage: history.careerStage,
        name: `Random ${i % 7}`,
        joinedOn: '2005-01-01',
      });
      for (const talk of history.talks) await createTalk(db, { memberId: member.id, ...talk });
      await createNomination(db, { memberId: member.id, slotId: slot.id, nominatorId: nominator.id });
    }
    const odd = await t.http
      .put('/api/v1/rank-policy')
      .set(bearer(t.admin))
      .send({
        typeWeight: { plenary: 2, parallel: 1, poster: 0.5, summary: 2, seminar: 1 },
        tierWeight: { major: 2, standard: 1, minor: 0.5 },
        halfLifeYears: 2.5,
        windowYears: 6.5,
        careerBonus: { student: 1.5, postdoc: 0.5, nontenured: 0.25, tenured: 0, engineer: 0, other: 0 },
      });
    expect(odd.status).toBe(201);

    for (const policyVersion of [1, odd.body.version]) {
      const policy = await ranking.policy(policyVersion);
      const candidates = await ranking.candidatesForSlot(slot.id, { policyVersion });
      const rows: Array<{ member_id: string; score: number; talks: Array<Record<string, unknown>>; rank: number }> = await db.query(
        SQL_BREAKDOWN,
        [slot.id, asOf, JSON.stringify(policy.weights)],
      );
      const sql = new Map(rows.map((row) => [row.member_id, row]));
      expect(candidates).toHaveLength(30);
      for (const candidate of candidates) {
        const expected = sql.get(candidate.memberId)!;
        expect(candidate.rank).toBe(expected.rank);
        expect(Math.abs(candidate.score - expected.score)).toBeLessThan(1e-12);
        expect(candidate.breakdown.talks.map((x) => x.talkId)).toEqual(expected.talks.map((x) => x.talkId));
        candidate.breakdown.talks.forEach((talk, i) => {
          const { ageYears, decay, contribution, ...rest } = talk;
          const { ageYears: sqlAge, decay: sqlDecay, contribution: sqlContribution, ...sqlRest } = expected.talks[i];
          expect(rest).toEqual(sqlRest);
          expect(Object.keys(talk)).toEqual(Object.keys(expected.talks[i]));
          expect(Math.abs(ageYears - (sqlAge as number))).toBeLessThan(1e-12);
          expect(Math.abs(decay - (sqlDecay as number))).toBeLessThan(1e-12);
          expect(Math.abs(contribution - (sqlContribution as number))).toBeLessThan(1e-12);
        });
      }
      // Best first, equal ranks by name then member id, as the committee reads the list.
      const order = [...candidates].sort(
        (a, b) => a.rank - b.rank || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || (a.memberId < b.memberId ? -1 : 1),
      );
      expect(candidates.map((c) => c.memberId)).toEqual(order.map((c) => c.memberId));
    }
  });

  it('rounds scores to 1e-9 for ranking exactly as PostgreSQL rounds them, halves included', async () => {
    const next = random(7);
    const scores = [0.5e-9, 1.5e-9, 2.5e-9, -0.5e-9, -2.5e-9, 0.1 + 0.2, 0.3, 1e-10, -1e-10];
    for (let i = 0; i < 300; i++) scores.push((Math.floor(next() * 2e6) - 1e6 + 0.5) / 1e9, (next() - 0.5) * 20);
    const rows: Array<{ key: number }> = await t.dataSource.query(
      `SELECT round(x * 1e9) AS key FROM unnest($1::float8[]) WITH ORDINALITY u(x, i) ORDER BY i`,
      [scores],
    );
    expect(scores.map(rankKey)).toEqual(rows.map((row) => row.key));
  });
});
