import { CAREER_STAGES, CONFERENCE_TIERS, TALK_TYPES } from '../src/common/enums';
import { eligibility } from '../src/ranking/eligibility';
import { rankingsQuery } from '../src/ranking/ranking.sql';
import { createConference, createInstitute, createMember, createNomination, createSlot, createTalk } from './support/fixtures';
import { bearer, createTestApp, TestApp } from './support/test-app';

const DEFAULTS = {
  typeWeight: { plenary: 3, summary: 3, parallel: 1, seminar: 0.5, poster: 0.25 },
  tierWeight: { major: 1.5, standard: 1, minor: 0.5 },
  halfLifeYears: 3,
  windowYears: 10,
  careerBonus: { student: 1, postdoc: 0.5, nontenured: 0, tenured: 0, engineer: 0, other: 0 },
};

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

describe('ranking: eligibility, candidates and rankings', () => {
  let t: TestApp;
  let committee: string;
  let nominator: { id: string; token: string };
  let instituteId: string;
  beforeAll(async () => {
    t = await createTestApp();
    committee = await t.token('committee');
    nominator = await t.user('nominator');
    instituteId = (await createInstitute(t.dataSource, { country: 'GB' })).id;
  });
  afterAll(async () => {
    await t?.close();
  });

  const eligibilityOf = (memberId: string, query: Record<string, unknown> = {}, token = committee) =>
    t.http.get(`/api/v1/members/${memberId}/eligibility`).query(query).set(bearer(token));

  it('breaks a score down talk by talk, matching a hand computation', async () => {
    const db = t.dataSource;
    const member = await createMember(db, { instituteId, careerStage: 'postdoc', name: 'Hand Computed' });
    const major = await createConference(db, { name: 'Big Meeting', startDate: '2022-12-01', tier: 'major' });
    const minor = await createConference(db, { startDate: '2025-12-01', tier: 'minor' });
    const later = await createConference(db, { startDate: '2026-12-02', tier: 'major' });
    const ancient = await createConference(db, { startDate: '2016-11-30', tier: 'major' });
    const plenary = await createTalk(db, { memberId: member.id, conferenceId: major.id, talkType: 'plenary' });
    const poster = await createTalk(db, { memberId: member.id, conferenceId: minor.id, talkType: 'poster' });
    await createTalk(db, { memberId: member.id, conferenceId: later.id, talkType: 'plenary' });
    await createTalk(db, { memberId: member.id, conferenceId: ancient.id, talkType: 'plenary' });

    const res = await eligibilityOf(member.id, { asOf: '2026-12-01' });
    expect(res.status).toBe(200);
    // plenary at a major conference exactly 4 years (1461 days) before: 3 x 1.5 x 0.5^(4/3) = 1.785826...
    // poster at a minor conference 365 days before: 0.25 x 0.5 x 0.5^(365/365.25/3) = 0.099228...
    const plenaryWeight = 3 * 1.5 * Math.pow(0.5, 4 / 3);
    const posterWeight = 0.25 * 0.5 * Math.pow(0.5, 365 / 365.25 / 3);
    expect(plenaryWeight).toBeCloseTo(1.7858261834642, 12);
    expect(posterWeight).toBeCloseTo(0.0992282569, 9);
    expect(res.body).toMatchObject({ memberId: member.id, name: 'Hand Computed', asOf: '2026-12-01', policyVersion: 1 });
    expect(res.body.score).toBeCloseTo(0.5 - plenaryWeight - posterWeight, 12);
    expect(res.body.score).toBeCloseTo(-1.3850544404, 9);
    expect(res.body.knownAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    const { breakdown } = res.body;
    expect(breakdown).toMatchObject({ policyVersion: 1, asOf: '2026-12-01', careerStage: 'postdoc', bonus: 0.5 });
    expect(breakdown.talkLoad).toBeCloseTo(plenaryWeight + posterWeight, 12);
    expect(breakdown.talks).toHaveLength(2);
    expect(breakdown.talks[0]).toMatchObject({
      talkId: plenary.id,
      conferenceId: major.id,
      conferenceName: 'Big Meeting',
      tier: 'major',
      talkType: 'plenary',
      date: '2022-12-01',
      ageYears: 4,
    });
    expect(breakdown.talks[0].decay).toBeCloseTo(Math.pow(0.5, 4 / 3), 12);
    expect(breakdown.talks[0].contribution).toBeCloseTo(plenaryWeight, 12);
    expect(breakdown.talks[1]).toMatchObject({ talkId: poster.id, tier: 'minor', talkType: 'poster' });
    expect(breakdown.talks[1].contribution).toBeCloseTo(posterWeight, 12);
  });

  it('replays an answer exactly from its asOf, policyVersion and knownAt, whatever happened since', async () => {
    const db = t.dataSource;
    const member = await createMember(db, { instituteId, careerStage: 'student' });
    const conference = await createConference(db, { startDate: '2024-05-01', tier: 'standard' });
    await createTalk(db, { memberId: member.id, conferenceId: conference.id, talkType: 'parallel' });

    const first = await eligibilityOf(member.id, { asOf: '2026-01-01' });
    expect(first.status).toBe(200);
    // A talk recorded afterwards (dated before asOf) and a new policy version.
    const another = await createConference(db, { startDate: '2025-05-01', tier: 'major' });
    await createTalk(db, { memberId: member.id, conferenceId: another.id, talkType: 'summary' });
    const put = await t.http
      .put('/api/v1/rank-policy')
      .set(bearer(t.admin))
      .send({ ...DEFAULTS, halfLifeYears: 1 });
    expect(put.status).toBe(201);

    const replay = await eligibilityOf(member.id, { asOf: '2026-01-01', policyVersion: 1, knownAt: first.body.knownAt });
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(first.body);

    const now = await eligibilityOf(member.id, { asOf: '2026-01-01', policyVersion: 1 });
    expect(now.body.breakdown.talks).toHaveLength(2);
    expect(now.body.score).toBeLessThan(first.body.score);
    const latest = await eligibilityOf(member.id, { asOf: '2026-01-01' });
    expect(latest.body.policyVersion).toBe(put.body.version);
  });

  it('answers 404 for an unknown member, 422 for an unknown policy version, 400 for bad dates, 403 for nominators', async () => {
    const member = await createMember(t.dataSource, { instituteId });
    expect((await eligibilityOf('00000000-0000-4000-8000-000000000000')).status).toBe(404);
    const noPolicy = await eligibilityOf(member.id, { policyVersion: 999 });
    expect(noPolicy.status).toBe(422);
    expect(noPolicy.body.errors[0].field).toBe('policyVersion');
    expect((await eligibilityOf(member.id, { asOf: '2026-02-30' })).status).toBe(400);
    expect((await eligibilityOf(member.id, { knownAt: 'yesterday' })).status).toBe(400);
    expect((await eligibilityOf(member.id, {}, nominator.token)).status).toBe(403);
    const today = await eligibilityOf(member.id, {}, t.admin);
    expect(today.status).toBe(200);
    expect(today.body.asOf).toBe(new Date().toISOString().slice(0, 10));
  });

  it('counts only talks: nominations and a declined invitation never lower a score', async () => {
    const db = t.dataSource;
    const member = await createMember(db, { instituteId, careerStage: 'nontenured' });
    const conference = await createConference(db, { startDate: '2026-06-01', tier: 'major' });
    for (let i = 0; i < 3; i++) {
      const slot = await createSlot(db, { conferenceId: conference.id });
      const nomination = await createNomination(db, {
        memberId: member.id,
        slotId: slot.id,
        nominatorId: nominator.id,
        status: 'shortlisted',
      });
      if (i === 0) {
        await db.query(
          `INSERT INTO allocation (slot_id, member_id, nomination_id, status, decline_reason) VALUES ($1, $2, $3, 'declined', 'family')`,
          [slot.id, member.id, nomination.id],
        );
      }
    }
    const res = await eligibilityOf(member.id, { asOf: '2026-12-01' });
    expect(res.body).toMatchObject({ score: 0, breakdown: { talkLoad: 0, talks: [] } });
  });

  it('computes in SQL (candidates, rankings) exactly what the formula computes, for random histories and policies', async () => {
    const db = t.dataSource;
    const next = random(20261124);
    const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)];
    const asOf = '2027-02-15';
    const host = await createConference(db, { startDate: asOf, tier: 'major' });
    const slot = await createSlot(db, { conferenceId: host.id });
    const conferences = [];
    for (let i = 0; i < 12; i++) {
      conferences.push(
        await createConference(db, { startDate: daysBefore(asOf, Math.floor(next() * 5000) - 200), tier: pick(CONFERENCE_TIERS) }),
      );
    }
    const memberIds: string[] = [];
    for (let i = 0; i < 25; i++) {
      const member = await createMember(db, {
        instituteId,
        careerStage: pick(CAREER_STAGES),
        joinedOn: '2005-01-01',
        stages: next() < 0.5 ? [{ from: daysBefore(asOf, Math.floor(next() * 2000) - 300), careerStage: pick(CAREER_STAGES) }] : [],
      });
      memberIds.push(member.id);
      const talks = Math.floor(next() * 8);
      for (let k = 0; k < talks; k++) {
        // Dates cluster around the edges too: the day before asOf, asOf itself, the window's last days.
        const days = pick([1, 0, 3652, 3653, 2812, 2813, Math.floor(next() * 4500)]);
        await createTalk(db, {
          memberId: member.id,
          conferenceId: pick(conferences).id,
          talkType: pick(TALK_TYPES),
          date: daysBefore(asOf, days),
        });
      }
      await createNomination(db, { memberId: member.id, slotId: slot.id, nominatorId: nominator.id });
    }
    const odd = await t.http
      .put('/api/v1/rank-policy')
      .set(bearer(t.admin))
      .send({
        typeWeight: { plenary: 2.7, parallel: 0.9, poster: 0.13, summary: 1.1, seminar: 0.37 },
        tierWeight: { major: 1.9, standard: 0.7, minor: 0.31 },
        halfLifeYears: 2.3,
        windowYears: 7.7,
        careerBonus: { student: 1.3, postdoc: 0.45, nontenured: 0.2, tenured: 0, engineer: 0.05, other: 0.1 },
      });
    expect(odd.status).toBe(201);

    for (const policyVersion of [1, odd.body.version]) {
      const candidates = await t.http.get(`/api/v1/slots/${slot.id}/candidates`).query({ policyVersion }).set(bearer(committee));
      expect(candidates.status).toBe(200);
      expect(candidates.body).toHaveLength(25);
      const rankings = await t.http.get('/api/v1/rankings').query({ policyVersion, asOf, limit: 500 }).set(bearer(committee));
      expect(rankings.status).toBe(200);
      const inRankings = new Map(rankings.body.items.map((r: { memberId: string; score: number }) => [r.memberId, r.score]));
      for (const candidate of candidates.body) {
        const formula = await eligibilityOf(candidate.memberId, { asOf, policyVersion });
        expect(Math.abs(candidate.score - formula.body.score)).toBeLessThan(1e-9);
        expect(Math.abs((inRankings.get(candidate.memberId) as number) - formula.body.score)).toBeLessThan(1e-9);
        expect(candidate.breakdown.careerStage).toBe(formula.body.breakdown.careerStage);
        expect(candidate.breakdown.talks.map((x: { talkId: string }) => x.talkId).sort()).toEqual(
          formula.body.breakdown.talks.map((x: { talkId: string }) => x.talkId).sort(),
        );
        // And the pure function on the breakdown's own talks gives the same again.
        const weights = (await t.http.get(`/api/v1/rank-policy/${policyVersion}`).set(bearer(committee))).body.weights;
        const pure = eligibility(candidate.breakdown.talks, candidate.careerStage, asOf, weights);
        expect(Math.abs(pure.score - candidate.score)).toBeLessThan(1e-9);
      }
      // Ranks follow the scores: 1 + the number of strictly better candidates.
      for (const c of candidates.body) {
        const better = candidates.body.filter((o: { score: number }) => o.score > c.score + 1e-9).length;
        expect(c.rank).toBe(better + 1);
      }
    }
  });

  it('serves candidates over HTTP to the committee only, 404 for an unknown slot', async () => {
    const slot = await createSlot(t.dataSource, { conferenceId: (await createConference(t.dataSource, { startDate: '2027-05-01' })).id });
    const empty = await t.http.get(`/api/v1/slots/${slot.id}/candidates`).set(bearer(committee));
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual([]);
    expect((await t.http.get(`/api/v1/slots/${slot.id}/candidates`).set(bearer(nominator.token))).status).toBe(403);
    expect((await t.http.get('/api/v1/slots/00000000-0000-4000-8000-000000000000/candidates').set(bearer(committee))).status).toBe(404);
  });

  it('ranks the whole collaboration, filtered by region and stage as of asOf, paginated, without leavers', async () => {
    const db = t.dataSource;
    const cern = (await db.query(`SELECT id FROM institute WHERE name = 'CERN'`))[0].id;
    const asOf = '2026-12-01';
    // Alone in its own region for this test: CERN members are created only here.
    const a = await createMember(db, { instituteId: cern, careerStage: 'student', name: 'Rank A' });
    const b = await createMember(db, { instituteId: cern, careerStage: 'tenured', name: 'Rank B' });
    const c = await createMember(db, { instituteId: cern, careerStage: 'tenured', name: 'Rank C' });
    const moved = await createMember(db, {
      instituteId,
      careerStage: 'tenured',
      name: 'Rank Moved',
      affiliations: [{ from: '2026-10-01', instituteId: cern }],
    });
    const movedLater = await createMember(db, {
      instituteId,
      careerStage: 'tenured',
      name: 'Rank Moves Later',
      affiliations: [{ from: '2027-01-01', instituteId: cern }],
    });
    await createMember(db, { instituteId: cern, careerStage: 'student', name: 'Rank Left', leftOn: '2026-06-30' });
    const conference = await createConference(db, { startDate: '2025-06-01', tier: 'standard' });
    await createTalk(db, { memberId: moved.id, conferenceId: conference.id, talkType: 'seminar' });

    const page = await t.http.get('/api/v1/rankings').query({ region: 'cern', asOf }).set(bearer(committee));
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ asOf, policyVersion: expect.any(Number), total: 4, limit: 50, offset: 0 });
    expect(page.body.items.map((r: { name: string; rankInSelection: number }) => [r.name, r.rankInSelection])).toEqual([
      ['Rank A', 1],
      ['Rank B', 2],
      ['Rank C', 2],
      ['Rank Moved', 4],
    ]);
    expect(page.body.items[0]).toMatchObject({ memberId: a.id, region: 'CERN', instituteName: 'CERN', careerStage: 'student' });
    expect(page.body.items.map((r: { memberId: string }) => r.memberId)).not.toContain(movedLater.id);
    // Collaboration-wide ranks: everyone else in this file's database competes too.
    expect(page.body.items[1].rank).toBe(page.body.items[2].rank);
    expect(page.body.items[0].rank).toBeLessThan(page.body.items[1].rank);
    expect(JSON.stringify(page.body)).not.toMatch(/gender/);

    const second = await t.http.get('/api/v1/rankings').query({ region: 'CERN', asOf, limit: 2, offset: 2 }).set(bearer(committee));
    expect(second.body).toMatchObject({ total: 4, limit: 2, offset: 2 });
    expect(second.body.items.map((r: { memberId: string }) => r.memberId)).toEqual([c.id, moved.id]);
    const beyond = await t.http.get('/api/v1/rankings').query({ region: 'CERN', asOf, offset: 10 }).set(bearer(committee));
    expect(beyond.body).toMatchObject({ items: [], total: 4 });

    const tenured = await t.http.get('/api/v1/rankings').query({ region: 'CERN', careerStage: 'tenured', asOf }).set(bearer(t.admin));
    expect(tenured.body.items.map((r: { memberId: string }) => r.memberId)).toEqual([b.id, c.id, moved.id]);
    expect((await t.http.get('/api/v1/rankings').query({ careerStage: 'emeritus' }).set(bearer(committee))).status).toBe(400);
    expect((await t.http.get('/api/v1/rankings').set(bearer(await t.token('monitor')))).status).toBe(403);
  });

  it('exposes the rankings SQL as plain text with positional parameters, runnable on a bare connection', async () => {
    const sql = rankingsQuery({ asOf: '2026-12-01', weights: DEFAULTS, limit: 5, offset: 0 });
    const rows = await t.dataSource.query(sql.text, sql.values);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows[0]).toEqual(expect.objectContaining({ member_id: expect.any(String), score: expect.any(Number), rank: 1 }));
  });
});
