import fc from 'fast-check';
import { CAREER_STAGES, CareerStage } from '../common/enums';
import { loadPairSolver, PairSolver } from './matching-solver';
import { assessPair, MatchParticipant, matchRound, MENTORSHIP_KINDS, POINTS } from './mentorship-model';

const ON = new Date('2027-03-01T12:00:00Z');

let n = 0;
function person(p: Partial<MatchParticipant> & Pick<MatchParticipant, 'role' | 'instituteId'>): MatchParticipant {
  n += 1;
  const mentor = p.role !== 'mentee';
  const mentee = p.role !== 'mentor';
  return {
    signupId: `s${n}`,
    memberId: `m${n}`,
    name: `Person ${n}`,
    kindsSought: mentee ? ['career'] : [],
    kindsOffered: mentor ? ['career'] : [],
    capacity: mentor ? 1 : 0,
    careerStage: mentor ? 'tenured' : 'student',
    stageSince: '2020-01-01',
    region: 'CERN',
    regionPreference: 'any',
    timeZone: null,
    languages: [],
    continueWithPrevious: false,
    ...p,
  };
}

describe('the mentorship matching', () => {
  let solve: PairSolver;
  beforeAll(async () => {
    solve = await loadPairSolver();
  });

  it('never pairs a mentor and mentee of the same institute, nor a junior mentor with a senior mentee', () => {
    const mentor = person({ role: 'mentor', instituteId: 'A' });
    expect(assessPair(mentor, person({ role: 'mentee', instituteId: 'A' }), ON)).toMatchObject({ allowed: false, rule: 'same-institute' });
    const junior = person({ role: 'mentor', instituteId: 'B', careerStage: 'postdoc' });
    expect(assessPair(junior, person({ role: 'mentee', instituteId: 'C', careerStage: 'tenured' }), ON)).toMatchObject({
      allowed: false,
      rule: 'career-stage',
    });
    expect(assessPair(mentor, person({ role: 'mentee', instituteId: 'C', kindsSought: ['relocation'] }), ON)).toMatchObject({
      allowed: false,
      rule: 'no-common-kind',
    });
  });

  it('allows peer mentoring at the same stage only a year ahead', () => {
    const older = person({ role: 'mentor', instituteId: 'A', careerStage: 'student', stageSince: '2024-09-01' });
    const newer = person({ role: 'mentee', instituteId: 'B', careerStage: 'student', stageSince: '2025-10-01' });
    const sameYear = person({ role: 'mentee', instituteId: 'B', careerStage: 'student', stageSince: '2025-01-01' });
    expect(assessPair(older, newer, ON)).toMatchObject({ allowed: true });
    expect(assessPair(older, sameYear, ON)).toMatchObject({ allowed: false, rule: 'career-stage' });
  });

  it('finds the known optimum on a small round and explains each pair', () => {
    // Two mentors of capacity 1, two mentees. The best single pair is Q-X (two kinds: 14 points), but
    // it leaves P without a mentor (Y offers only relocation); the optimum is P-X and Q-Y.
    const x = person({ role: 'mentor', instituteId: 'A', kindsOffered: ['career', 'relocation'] });
    const y = person({ role: 'mentor', instituteId: 'B', kindsOffered: ['relocation'], careerStage: 'postdoc' });
    const p = person({ role: 'mentee', instituteId: 'C', kindsSought: ['career'] });
    const q = person({ role: 'mentee', instituteId: 'D', kindsSought: ['career', 'relocation'] });
    const result = matchRound({ participants: [x, y, p, q], on: ON }, solve);
    const made = result.pairs.map((pair) => `${pair.mentorSignupId}-${pair.menteeSignupId}`).sort();
    expect(made).toEqual([`${x.signupId}-${p.signupId}`, `${y.signupId}-${q.signupId}`].sort());
    // P-X: match 5 + one kind 4 + tenured over student (3 levels) 1 = 10; Q-Y: 5 + 4 + postdoc over student 3 = 12.
    expect(result.score).toBe(22);
    const qy = result.pairs.find((pair) => pair.menteeSignupId === q.signupId)!;
    expect(qy.components.map((c) => [c.component, c.points])).toEqual([
      ['match', 5],
      ['kinds', 4],
      ['careerGap', 3],
    ]);
    expect(result.unmatched).toEqual([]);
  });

  it('names who could not be matched and why', () => {
    const mentor = person({ role: 'mentor', instituteId: 'A' });
    const sameInstitute = person({ role: 'mentee', instituteId: 'A' });
    const nothingOffered = person({ role: 'mentee', instituteId: 'B', kindsSought: ['allyship'] });
    const result = matchRound({ participants: [mentor, sameInstitute, nothingOffered], on: ON }, solve);
    expect(result.pairs).toEqual([]);
    const reasons = Object.fromEntries(result.unmatched.map((u) => [u.signupId, u.reason]));
    expect(reasons[sameInstitute.signupId]).toMatch(/own institute/);
    expect(reasons[nothingOffered.signupId]).toMatch(/no mentor offers/);
    expect(reasons[mentor.signupId]).toMatch(/no mentee could be paired/);
  });

  it("keeps last round's pair when both ask and it is still allowed; not when one did not ask", () => {
    const mentor = person({ role: 'mentor', instituteId: 'A', continueWithPrevious: true, careerStage: 'postdoc' });
    const better = person({ role: 'mentor', instituteId: 'B', kindsOffered: ['career', 'relocation'] });
    const mentee = person({ role: 'mentee', instituteId: 'C', continueWithPrevious: true, kindsSought: ['career', 'relocation'] });
    const previousPairs = [{ mentorMemberId: mentor.memberId, menteeMemberId: mentee.memberId }];
    const kept = matchRound({ participants: [mentor, better, mentee], previousPairs, on: ON }, solve);
    expect(kept.pairs).toEqual([expect.objectContaining({ mentorSignupId: mentor.signupId, source: 'continued' })]);
    expect(kept.continuations).toEqual([expect.objectContaining({ kept: true })]);

    const oneAsked = matchRound(
      { participants: [{ ...mentor, continueWithPrevious: false }, better, mentee], previousPairs, on: ON },
      solve,
    );
    expect(oneAsked.pairs).toEqual([expect.objectContaining({ mentorSignupId: better.signupId, source: 'optimiser' })]);
    expect(oneAsked.continuations).toEqual([expect.objectContaining({ kept: false, reason: 'only one of the two asked to continue' })]);

    const moved = matchRound({ participants: [mentor, { ...mentee, instituteId: 'A' }], previousPairs, on: ON }, solve);
    expect(moved.pairs).toEqual([]);
    expect(moved.continuations[0].reason).toMatch(/no longer allowed: .*same institute/);
  });

  it('uses consented identity only as a hidden bonus: no component or shown score mentions it', () => {
    const plain = person({ role: 'mentor', instituteId: 'A', languages: ['it'] });
    const sharing = person({ role: 'mentor', instituteId: 'B', identity: { groups: ['lgbtq'], preferShared: false } });
    const mentee = person({ role: 'mentee', instituteId: 'C', languages: ['it'], identity: { groups: ['lgbtq'], preferShared: true } });
    const result = matchRound({ participants: [plain, sharing, mentee], on: ON }, solve);
    // The shared language (1 point) loses to the shared identity group the mentee asked for (3 hidden points).
    expect(result.pairs).toEqual([expect.objectContaining({ mentorSignupId: sharing.signupId })]);
    expect(result.pairs[0].score).toBe(POINTS.match + POINTS.kind + 1);
    expect(JSON.stringify(result)).not.toMatch(/lgbtq|identity/i);
  });

  it("on random rounds: never the same institute, capacities and one mentor per mentee hold, the optimum is the whole program's", () => {
    const stages = fc.constantFrom<CareerStage>(...CAREER_STAGES);
    const kinds = fc.subarray([...MENTORSHIP_KINDS], { minLength: 1 });
    const participant = fc.record({
      role: fc.constantFrom('mentor', 'mentee', 'both' as const),
      institute: fc.integer({ min: 0, max: 4 }),
      stage: stages,
      sought: kinds,
      offered: kinds,
      capacity: fc.integer({ min: 1, max: 3 }),
      since: fc.integer({ min: 2015, max: 2026 }),
    });
    fc.assert(
      fc.property(fc.array(participant, { minLength: 2, maxLength: 40 }), (raw) => {
        const people = raw.map((r, i): MatchParticipant => ({
          signupId: `r${i}`,
          memberId: `rm${i}`,
          role: r.role,
          instituteId: `I${r.institute}`,
          careerStage: r.stage,
          kindsSought: r.role === 'mentor' ? [] : r.sought,
          kindsOffered: r.role === 'mentee' ? [] : r.offered,
          capacity: r.role === 'mentee' ? 0 : r.capacity,
          stageSince: `${r.since}-01-01`,
          region: r.institute % 2 ? 'CERN' : 'USA',
          regionPreference: 'any',
          timeZone: null,
          languages: [],
          continueWithPrevious: false,
        }));
        // One pair per mentee to start with, so the reduced costs must bring in the rest.
        const result = matchRound({ participants: people, on: ON, firstPairsPerMentee: 1 }, solve);
        expect(matchRound({ participants: people, on: ON }, solve).score).toBe(result.score);
        const of = new Map(people.map((p) => [p.signupId, p]));
        const perMentor = new Map<string, number>();
        const mentees = new Set<string>();
        for (const pair of result.pairs) {
          expect(of.get(pair.mentorSignupId)!.instituteId).not.toBe(of.get(pair.menteeSignupId)!.instituteId);
          expect(mentees.has(pair.menteeSignupId)).toBe(false);
          mentees.add(pair.menteeSignupId);
          perMentor.set(pair.mentorSignupId, (perMentor.get(pair.mentorSignupId) ?? 0) + 1);
        }
        for (const [id, count] of perMentor) expect(count).toBeLessThanOrEqual(of.get(id)!.capacity);
        expect(result.score).toBeGreaterThanOrEqual(greedy(people));
        expect(result.score).toBeCloseTo(wholeProgram(people, solve), 6);
      }),
      { numRuns: 60, seed: 22 },
    );
  });
});

/** The optimum of the whole 0-1 program, every allowed pair a column, by branch and bound. */
function wholeProgram(people: MatchParticipant[], solve: PairSolver): number {
  const columns = people.flatMap((m, mi) => people.map((e, ei) => ({ mi, ei, a: assessPair(m, e, ON) }))).filter((c) => c.a.allowed);
  if (columns.length === 0) return 0;
  const solution = solve({
    cost: Float64Array.from(columns, (c) => (c.a as { score: number }).score),
    menteeRow: Int32Array.from(columns, (c) => c.ei),
    mentorRow: Int32Array.from(columns, (c) => people.length + c.mi),
    rowUpper: Float64Array.from([...people.map(() => 1), ...people.map((p) => p.capacity)]),
    integral: true,
  });
  return columns.reduce((total, c, k) => total + (solution.x[k] > 0.5 ? (c.a as { score: number }).score : 0), 0);
}

/** Best pair first, while capacity lasts: a lower bound the exact optimum must reach. */
function greedy(people: MatchParticipant[]): number {
  const edges = people
    .flatMap((m) => people.map((e) => ({ m, e, a: assessPair(m, e, ON) })))
    .filter((x) => x.a.allowed)
    .sort((x, y) => (y.a as { score: number }).score - (x.a as { score: number }).score);
  const left = new Map(people.map((p) => [p.signupId, p.capacity]));
  const done = new Set<string>();
  let total = 0;
  for (const { m, e, a } of edges) {
    if (done.has(e.signupId) || left.get(m.signupId)! < 1) continue;
    done.add(e.signupId);
    left.set(m.signupId, left.get(m.signupId)! - 1);
    total += (a as { score: number }).score;
  }
  return total;
}
