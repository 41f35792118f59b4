import fc from 'fast-check';
import { CAREER_STAGES, CONFERENCE_TIERS, TALK_TYPES } from '../common/enums';
import { ageInYears, competitionRanks, eligibility, PastTalk, rankKey, RankWeights } from './eligibility';

const DEFAULTS: RankWeights = {
  typeWeight: { plenary: 3, summary: 3, parallel: 1, seminar: 0.5, poster: 0.25 },
  tierWeight: { major: 1.5, standard: 1, minor: 0.5 },
  halfLifeYears: 3,
  windowYears: 10,
  careerBonus: { student: 1, postdoc: 0.5, nontenured: 0, tenured: 0, engineer: 0, other: 0 },
};

const AS_OF = '2026-12-01';
const dayBefore = (asOf: string, days: number) => new Date(Date.parse(asOf) - days * 86_400_000).toISOString().slice(0, 10);

const weight = fc.double({ min: 0, max: 10, noNaN: true });
const weightsArb: fc.Arbitrary<RankWeights> = fc.record({
  typeWeight: fc.record({ plenary: weight, parallel: weight, poster: weight, summary: weight, seminar: weight }),
  tierWeight: fc.record({ major: weight, standard: weight, minor: weight }),
  halfLifeYears: fc.double({ min: 0.1, max: 20, noNaN: true }),
  windowYears: fc.double({ min: 0.1, max: 30, noNaN: true }),
  careerBonus: fc.record({
    student: weight,
    postdoc: weight,
    nontenured: weight,
    tenured: weight,
    engineer: weight,
    other: weight,
  }),
});
/** A talk some days before (or, when negative, after) AS_OF. */
const talkArb = (minDays = -400, maxDays = 12_000): fc.Arbitrary<PastTalk> =>
  fc.record({
    date: fc.integer({ min: minDays, max: maxDays }).map((days) => dayBefore(AS_OF, days)),
    talkType: fc.constantFrom(...TALK_TYPES),
    tier: fc.constantFrom(...CONFERENCE_TIERS),
  });
const stageArb = fc.constantFrom(...CAREER_STAGES);
const EPS = 1e-12;

describe('eligibility', () => {
  it('computes the documented example by hand', () => {
    // A major-conference plenary exactly 4 years (1461 days) ago and a poster 1 year (365.25 d ~ 365 d) ago.
    const result = eligibility(
      [
        { date: '2022-12-01', talkType: 'plenary', tier: 'major' },
        { date: '2025-12-01', talkType: 'poster', tier: 'minor' },
      ],
      'postdoc',
      AS_OF,
      DEFAULTS,
    );
    const plenary = 3 * 1.5 * Math.pow(0.5, 4 / 3);
    const poster = 0.25 * 0.5 * Math.pow(0.5, 365 / 365.25 / 3);
    expect(result.talks.map((t) => t.contribution)).toEqual([plenary, poster]);
    expect(result.talks[0].ageYears).toBe(4);
    expect(result.bonus).toBe(0.5);
    expect(result.talkLoad).toBeCloseTo(plenary + poster, 15);
    expect(result.score).toBeCloseTo(0.5 - plenary - poster, 15);
    expect(plenary).toBeCloseTo(1.785826183464, 12);
  });

  it('ignores talks on or after asOf and talks older than the window', () => {
    const result = eligibility(
      [
        { date: AS_OF, talkType: 'plenary', tier: 'major' },
        { date: '2027-01-01', talkType: 'plenary', tier: 'major' },
        { date: '2016-11-30', talkType: 'plenary', tier: 'major' },
      ],
      'tenured',
      AS_OF,
      DEFAULTS,
    );
    expect(result).toMatchObject({ score: 0, talkLoad: 0, talks: [] });
  });

  it('keeps what the caller attached to each talk', () => {
    const result = eligibility(
      [{ date: '2024-01-01', talkType: 'seminar', tier: 'standard', talkId: 't1', conferenceName: 'X' }],
      'other',
      AS_OF,
      DEFAULTS,
    );
    expect(result.talks[0]).toMatchObject({ talkId: 't1', conferenceName: 'X' });
  });

  it('property: adding a talk never raises a score', () => {
    fc.assert(
      fc.property(fc.array(talkArb(), { maxLength: 20 }), talkArb(), stageArb, weightsArb, (talks, extra, stage, w) => {
        const before = eligibility(talks, stage, AS_OF, w).score;
        const after = eligibility([...talks, extra], stage, AS_OF, w).score;
        expect(after).toBeLessThanOrEqual(before + EPS);
      }),
    );
  });

  it('property: a larger career bonus never lowers a score', () => {
    fc.assert(
      fc.property(
        fc.array(talkArb(), { maxLength: 20 }),
        stageArb,
        weightsArb,
        fc.double({ min: 0, max: 10, noNaN: true }),
        (talks, stage, w, raise) => {
          const richer: RankWeights = { ...w, careerBonus: { ...w.careerBonus, [stage]: w.careerBonus[stage] + raise } };
          expect(eligibility(talks, stage, AS_OF, richer).score).toBeGreaterThanOrEqual(eligibility(talks, stage, AS_OF, w).score);
        },
      ),
    );
  });

  it('property: an older talk weighs less than the same talk newer', () => {
    fc.assert(
      fc.property(talkArb(1, 3_000), fc.integer({ min: 1, max: 3_000 }), stageArb, weightsArb, (talk, extraDays, stage, w) => {
        const window = { ...w, windowYears: 30 };
        const older = { ...talk, date: dayBefore(talk.date, extraDays) };
        const newer = eligibility([talk], stage, AS_OF, window).talkLoad;
        const old = eligibility([older], stage, AS_OF, window).talkLoad;
        expect(old).toBeLessThanOrEqual(newer);
        if (newer > 1e-200) expect(old).toBeLessThan(newer);
      }),
    );
  });

  it('property: talks outside the window or not before asOf count nothing', () => {
    fc.assert(
      fc.property(fc.array(talkArb(), { maxLength: 20 }), stageArb, weightsArb, (talks, stage, w) => {
        const outside = talks.filter((t) => {
          const age = ageInYears(t.date, AS_OF);
          return age <= 0 || age > w.windowYears;
        });
        const result = eligibility(outside, stage, AS_OF, w);
        expect(result.talks).toEqual([]);
        expect(result.score).toBe(w.careerBonus[stage]);
      }),
    );
  });

  it('property: the score is the bonus minus the sum of the counted contributions', () => {
    fc.assert(
      fc.property(fc.array(talkArb(), { maxLength: 20 }), stageArb, weightsArb, (talks, stage, w) => {
        const result = eligibility(talks, stage, AS_OF, w);
        const sum = result.talks.reduce((s, t) => s + t.contribution, 0);
        expect(result.score).toBeCloseTo(result.bonus - sum, 9);
        for (const t of result.talks) expect(t.contribution).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});

describe('competitionRanks', () => {
  it('gives equal scores the same rank and skips the ranks they take ("1224")', () => {
    expect(competitionRanks([0.5, 1, 0.5, -2])).toEqual([2, 1, 2, 4]);
    expect(competitionRanks([])).toEqual([]);
  });

  it('ties scores that differ only by summation noise, and never scores 1e-9 apart', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(competitionRanks([0.1 + 0.2, 0.3, 0.3 - 1e-9])).toEqual([1, 1, 3]);
  });

  it('rounds halves of 1e-9 to the even neighbour, as PostgreSQL does', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5].map((x) => rankKey(x / 1e9))).toEqual([0, 2, 2, -0, -2, -2]);
  });

  it('property: rank = 1 + number of strictly better scores; equal scores share a rank', () => {
    const score = fc.constantFrom(-2, -1.5, 0, 0.25, 1, 3);
    fc.assert(
      fc.property(fc.array(score, { maxLength: 30 }), (scores) => {
        const ranks = competitionRanks(scores);
        scores.forEach((s, i) => {
          expect(ranks[i]).toBe(1 + scores.filter((other) => other > s).length);
        });
      }),
    );
  });
});
