import fc from 'fast-check';
import { CareerStage, Gender } from '../common/enums';
import {
  FIXED_CHOICES,
  FixedOut,
  SlateAnswer,
  SlateInputError,
  SlateNominee,
  SlateProblem,
  SlateSeat,
  SlateSolved,
  suggestSlate,
} from './slate-model';
import { loadSlateSolver, LpSolver } from './slate-solver';

let solve: LpSolver;
beforeAll(async () => {
  solve = await loadSlateSolver();
});
/** The small-cell threshold of the reports, by default. */
const MIN_CELL = 5;

const nominee = (slotId: string, memberId: string, score: number, extra: Partial<SlateNominee> = {}): SlateNominee => ({
  slotId,
  memberId,
  score,
  careerStage: 'tenured',
  region: 'ITALY',
  instituteId: `inst-${memberId}`,
  ...extra,
});
const solved = (answer: SlateAnswer): SlateSolved => {
  if (!answer.feasible) throw new Error(`expected a slate, got conflict ${JSON.stringify(answer.conflict)}`);
  return answer;
};
const seatsOf = (answer: SlateSolved) => Object.fromEntries(answer.slate.map((s) => [s.slotId, s.memberIds]));

describe('slate suggestion', () => {
  it("without binding targets takes each slot's best nominees, the same as the rank-only slate", () => {
    const answer = solved(
      suggestSlate(
        {
          slots: [
            { id: 'A', seats: 2 },
            { id: 'B', seats: 1 },
          ],
          nominees: [nominee('A', 'm1', 3), nominee('A', 'm2', 1), nominee('A', 'm3', 2), nominee('B', 'm4', -1), nominee('B', 'm5', 0.5)],
        },
        solve,
        MIN_CELL,
      ),
    );
    expect(seatsOf(answer)).toEqual({ A: ['m1', 'm3'], B: ['m5'] });
    expect(answer.objective).toBeCloseTo(5.5, 9);
    expect(answer.rankOnly.objective).toBeCloseTo(5.5, 9);
    expect(answer.targetCost).toBe(0);
    expect(answer.bindingTargets).toEqual([]);
  });

  it('a career-stage minimum brings in a student, and the answer prices it', () => {
    const answer = solved(
      suggestSlate(
        {
          slots: [
            { id: 'A', seats: 1 },
            { id: 'B', seats: 1 },
          ],
          nominees: [
            nominee('A', 'm1', 3),
            nominee('A', 's1', 1, { careerStage: 'student' }),
            nominee('B', 'm2', 2),
            nominee('B', 's2', 1.5, { careerStage: 'student' }),
          ],
          targets: { minCareerStage: { student: 1 } },
        },
        solve,
        MIN_CELL,
      ),
    );
    // Swapping in s2 (loses 0.5) is cheaper than s1 (loses 2).
    expect(seatsOf(answer)).toEqual({ A: ['m1'], B: ['s2'] });
    expect(answer.objective).toBeCloseTo(4.5, 9);
    expect(answer.rankOnly.objective).toBeCloseTo(5, 9);
    expect(answer.targetCost).toBeCloseTo(0.5, 9);
    expect(answer.bindingTargets).toEqual([{ target: 'minCareerStage.student', description: 'at least 1 student speakers', cost: 0.5 }]);
  });

  it('gives a person at most one talk in the conference unless told otherwise', () => {
    const problem: SlateProblem = {
      slots: [
        { id: 'A', seats: 1 },
        { id: 'B', seats: 1 },
      ],
      nominees: [nominee('A', 'star', 5), nominee('A', 'm1', 1), nominee('B', 'star', 5), nominee('B', 'm2', 2)],
    };
    const answer = solved(suggestSlate(problem, solve, MIN_CELL));
    expect(seatsOf(answer)).toEqual({ A: ['star'], B: ['m2'] });
    expect(answer.rankOnly.slate.map((s) => s.memberIds)).toEqual([['star'], ['star']]);
    expect(answer.bindingTargets.map((t) => [t.target, t.cost])).toEqual([['onePerPerson', 3]]);
    expect(seatsOf(solved(suggestSlate({ ...problem, targets: { onePerPerson: false } }, solve, MIN_CELL)))).toEqual({
      A: ['star'],
      B: ['star'],
    });
  });

  it('respects fixed-in and fixed-out nominees', () => {
    const answer = solved(
      suggestSlate(
        {
          slots: [
            { id: 'A', seats: 1 },
            { id: 'B', seats: 2 },
          ],
          nominees: [nominee('A', 'm1', 3), nominee('A', 'm2', 1), nominee('B', 'm3', 3), nominee('B', 'm4', 2), nominee('B', 'm5', 1)],
          fixedIn: [{ slotId: 'A', memberId: 'm2' }],
          fixedOut: ['m3'],
        },
        solve,
        MIN_CELL,
      ),
    );
    expect(seatsOf(answer)).toEqual({ A: ['m2'], B: ['m4', 'm5'] });
    expect(answer.targetCost).toBeCloseTo(4, 9);
  });

  it('limits speakers per institute and says which institutes are at the limit', () => {
    const answer = solved(
      suggestSlate(
        {
          slots: [
            { id: 'A', seats: 2 },
            { id: 'B', seats: 1 },
          ],
          nominees: [
            nominee('A', 'm1', 3, { instituteId: 'CERN' }),
            nominee('A', 'm2', 2, { instituteId: 'CERN' }),
            nominee('A', 'm3', 1, { instituteId: 'DESY' }),
            nominee('B', 'm4', 3, { instituteId: 'CERN' }),
            nominee('B', 'm5', 0, { instituteId: 'DESY' }),
          ],
          targets: { maxPerInstitute: 2 },
        },
        solve,
        MIN_CELL,
      ),
    );
    expect(seatsOf(answer)).toEqual({ A: ['m1', 'm3'], B: ['m4'] });
    expect(answer.bindingTargets).toEqual([
      { target: 'maxPerInstitute', description: 'at most 2 speakers per institute', groups: ['CERN'], cost: 1 },
    ]);
  });

  it('fills a slot with too few nominees even when their scores are negative', () => {
    const answer = solved(
      suggestSlate(
        {
          slots: [{ id: 'A', seats: 3 }],
          nominees: [nominee('A', 'm1', -2), nominee('A', 'm2', -5)],
        },
        solve,
        MIN_CELL,
      ),
    );
    expect(answer.slate).toEqual([{ slotId: 'A', memberIds: ['m1', 'm2'], openSeats: 1 }]);
  });

  it('a shortlist weight adds to the score of shortlisted nominees', () => {
    const problem: SlateProblem = {
      slots: [{ id: 'A', seats: 1 }],
      nominees: [nominee('A', 'm1', 2), nominee('A', 'm2', 1.5, { shortlisted: true })],
    };
    expect(seatsOf(solved(suggestSlate(problem, solve, MIN_CELL)))).toEqual({ A: ['m1'] });
    const mixed = solved(suggestSlate({ ...problem, shortlistWeight: 1 }, solve, MIN_CELL));
    expect(seatsOf(mixed)).toEqual({ A: ['m2'] });
    expect(mixed.objective).toBeCloseTo(2.5, 9);
  });

  it('names a minimal set of conflicting targets when no slate meets them', () => {
    const answer = suggestSlate(
      {
        slots: [
          { id: 'A', seats: 1 },
          { id: 'B', seats: 1 },
        ],
        nominees: [
          nominee('A', 'u1', 1, { region: 'USA' }),
          nominee('A', 'i1', 2, { region: 'ITALY' }),
          nominee('B', 'u2', 1, { region: 'USA' }),
          nominee('B', 'i2', 2, { region: 'ITALY', careerStage: 'student' }),
        ],
        // Two US speakers take both seats, leaving none for the only student; the per-institute limit plays no part.
        targets: { minCareerStage: { student: 1 }, minPerRegion: { USA: 2 }, maxPerInstitute: 1 },
      },
      solve,
      MIN_CELL,
    );
    expect(answer).toEqual({
      feasible: false,
      conflict: [
        { target: 'minCareerStage.student', description: 'at least 1 student speakers' },
        { target: 'minPerRegion.USA', description: 'at least 2 speakers from USA' },
      ],
    });
  });

  it('names a fixed choice when it is part of the conflict, and a region nobody was nominated from', () => {
    const answer = suggestSlate(
      {
        slots: [{ id: 'A', seats: 1, title: 'Top physics' }],
        nominees: [nominee('A', 'm1', 1, { name: 'Ann' }), nominee('A', 'm2', 1, { name: 'Bob', careerStage: 'student' })],
        fixedIn: [{ slotId: 'A', memberId: 'm1' }],
        targets: { minCareerStage: { student: 1 }, minPerRegion: { UK: 1 } },
      },
      solve,
      MIN_CELL,
    );
    expect(answer.feasible).toBe(false);
    expect(!answer.feasible && answer.conflict.map((c) => c.target)).toEqual(['minPerRegion.UK']);
    const withoutUk = suggestSlate(
      {
        slots: [{ id: 'A', seats: 1, title: 'Top physics' }],
        nominees: [nominee('A', 'm1', 1, { name: 'Ann' }), nominee('A', 'm2', 1, { name: 'Bob', careerStage: 'student' })],
        fixedIn: [{ slotId: 'A', memberId: 'm1' }],
        targets: { minCareerStage: { student: 1 } },
      },
      solve,
      MIN_CELL,
    );
    expect(withoutUk).toEqual({
      feasible: false,
      conflict: [
        { target: 'fixedIn[0]', description: 'Ann fixed in Top physics' },
        { target: 'minCareerStage.student', description: 'at least 1 student speakers' },
      ],
    });
  });

  it('applies a gender target without revealing any individual, and shows the aggregate only for 5+ on each side', () => {
    const small = suggestSlate(
      {
        slots: [{ id: 'A', seats: 2 }],
        nominees: [
          nominee('A', 'm1', 3, { gender: 'man' }),
          nominee('A', 'm2', 2, { gender: 'man' }),
          nominee('A', 'w1', 1, { gender: 'woman' }),
        ],
        targets: { gender: { genders: ['woman', 'nonbinary'], atLeast: 1 } },
      },
      solve,
      MIN_CELL,
    );
    expect(seatsOf(solved(small))).toEqual({ A: ['m1', 'w1'] });
    expect(JSON.stringify(small)).not.toMatch(/"woman"|"man"|nonbinary/);
    expect(solved(small).gender).toEqual({ suppressed: true });
    expect(solved(small).bindingTargets).toEqual([]);

    const people = Array.from({ length: 14 }, (_, k) => nominee('A', `p${k}`, 14 - k, { gender: k < 9 ? 'man' : 'woman' }));
    const large = solved(
      suggestSlate(
        {
          slots: [{ id: 'A', seats: 10 }],
          nominees: people,
          targets: { gender: { genders: ['woman'], atLeastShare: 0.5 } },
        },
        solve,
        MIN_CELL,
      ),
    );
    expect(large.gender).toEqual({ count: 5, slateSize: 10 });
    expect(large.bindingTargets.map((t) => t.target)).toEqual(['gender']);
  });

  it("shows the slate's gender aggregate from the threshold it is given, not from a fixed one", () => {
    const people = Array.from({ length: 8 }, (_, k) => nominee('A', `p${k}`, 8 - k, { gender: k < 5 ? 'man' : 'woman' }));
    const problem: SlateProblem = {
      slots: [{ id: 'A', seats: 6 }],
      nominees: people,
      targets: { gender: { genders: ['woman'], atLeast: 3 } },
    };
    // 3 women and 3 men chosen: shown from a threshold of 3, hidden from 4 (and at the default 5).
    expect(solved(suggestSlate(problem, solve, 3)).gender).toEqual({ count: 3, slateSize: 6 });
    expect(solved(suggestSlate(problem, solve, 3)).bindingTargets.map((t) => t.target)).toEqual(['gender']);
    expect(solved(suggestSlate(problem, solve, 4)).gender).toEqual({ suppressed: true });
    expect(solved(suggestSlate(problem, solve, 4)).bindingTargets).toEqual([]);
  });

  describe('a conflict with the gender target in it names nobody', () => {
    const people = [
      nominee('A', 'w1', 1, { name: 'Wanda', gender: 'woman' }),
      nominee('A', 'm1', 3, { name: 'Max', gender: 'man' }),
      nominee('B', 'm2', 2, { name: 'Mo', gender: 'man' }),
    ];
    const womanTarget = { gender: { genders: ['woman' as Gender], atLeast: 1 } };
    const namesNobody = (answer: SlateAnswer) => {
      expect(JSON.stringify(answer)).not.toMatch(/w1|m1|m2|Wanda|Max|Mo\b/);
    };

    it('leaving out the only woman: the fixed choices are one entry', () => {
      const answer = suggestSlate(
        {
          slots: [
            { id: 'A', seats: 1 },
            { id: 'B', seats: 1 },
          ],
          nominees: people,
          fixedOut: ['m2', 'w1'],
          targets: womanTarget,
        },
        solve,
        MIN_CELL,
      );
      expect(answer).toEqual({
        feasible: false,
        conflict: [FIXED_CHOICES, { target: 'gender', description: 'at least 1 speakers woman' }],
      });
      namesNobody(answer);
    });

    it("fixing a man in the only woman's slot, or a seat already given to him, likewise", () => {
      const slots = [
        { id: 'A', seats: 1 },
        { id: 'B', seats: 1 },
      ];
      for (const problem of [
        { slots, nominees: people, fixedIn: [{ slotId: 'A', memberId: 'm1' }], targets: womanTarget },
        { slots, nominees: people, allocated: [{ slotId: 'A', memberId: 'm1' }], targets: womanTarget },
      ]) {
        const answer = suggestSlate(problem, solve, MIN_CELL);
        expect(answer).toEqual({
          feasible: false,
          conflict: [FIXED_CHOICES, { target: 'gender', description: 'at least 1 speakers woman' }],
        });
        namesNobody(answer);
      }
    });

    it('the answer is the same whoever the fixed choices were about', () => {
      // The only woman left out: x in one pool, y in the other.
      const slots = [{ id: 'A', seats: 1 }];
      const a = [nominee('A', 'x', 1, { gender: 'woman' }), nominee('A', 'y', 1, { gender: 'man' })];
      const asWoman = suggestSlate({ slots, nominees: a, fixedOut: ['x'], targets: womanTarget }, solve, MIN_CELL);
      const b = [nominee('A', 'x', 1, { gender: 'man' }), nominee('A', 'y', 1, { gender: 'woman' })];
      const asMan = suggestSlate({ slots, nominees: b, fixedOut: ['y'], targets: womanTarget }, solve, MIN_CELL);
      expect(asWoman).toEqual(asMan);
      expect(asWoman.feasible).toBe(false);
    });

    it('a conflict the gender target plays no part in still names the fixed choice', () => {
      // The student is only in A, where Ann is fixed; a woman for the gender target is to be had in B.
      const answer = suggestSlate(
        {
          slots: [
            { id: 'A', seats: 1 },
            { id: 'B', seats: 1 },
          ],
          nominees: [
            nominee('A', 'm1', 1, { name: 'Ann', gender: 'woman' }),
            nominee('A', 's1', 1, { careerStage: 'student', gender: 'man' }),
            nominee('B', 'w2', 1, { gender: 'woman' }),
          ],
          fixedIn: [{ slotId: 'A', memberId: 'm1' }],
          targets: { minCareerStage: { student: 1 }, gender: { genders: ['woman'], atLeast: 1 } },
        },
        solve,
        MIN_CELL,
      );
      expect(answer).toEqual({
        feasible: false,
        conflict: [
          { target: 'fixedIn[0]', description: 'Ann fixed in A' },
          { target: 'minCareerStage.student', description: 'at least 1 student speakers' },
        ],
      });
    });
  });

  it('refuses references to people who are not nominees', () => {
    expect(() =>
      suggestSlate(
        {
          slots: [{ id: 'A', seats: 1 }],
          nominees: [nominee('A', 'm1', 1)],
          fixedIn: [{ slotId: 'A', memberId: 'ghost' }],
          fixedOut: ['nobody'],
        },
        solve,
        MIN_CELL,
      ),
    ).toThrow(SlateInputError);
  });
});

// ---- Brute force: every subset of nominations, checked against the targets as the committee states them.

interface Best {
  feasible: boolean;
  fill: number;
  objective: number;
}

/**
 * `seatRule`: the request whose fixed-out nominees decide whether a slot must be full (it has enough
 * nominees left) or may keep open seats; a conflict's sub-problems keep the request's rule.
 */
function check(problem: SlateProblem, chosen: boolean[], seatRule = problem): { ok: boolean; fill: number; objective: number } {
  const t = problem.targets ?? {};
  const ns = problem.nominees;
  const picked = ns.filter((_, i) => chosen[i]);
  const outIn = (list: FixedOut[] | undefined) => (n: SlateNominee) =>
    (list ?? []).some((o) => (typeof o === 'string' ? o === n.memberId : o.slotId === n.slotId && o.memberId === n.memberId));
  const isOut = outIn(problem.fixedOut);
  const unavailable = outIn(seatRule.fixedOut);
  const has = (seat: SlateSeat) => picked.some((n) => n.slotId === seat.slotId && n.memberId === seat.memberId);
  const count = (test: (n: SlateNominee) => boolean) => picked.filter(test).length;
  const atLeast = (k: number, target: { atLeast?: number; atLeastShare?: number }) =>
    target.atLeastShare === undefined ? k >= target.atLeast! : k >= target.atLeastShare * picked.length - 1e-9;
  let fill = 0;
  let ok = true;
  for (const slot of problem.slots) {
    const inSlot = ns.filter((n) => n.slotId === slot.id);
    const taken = count((n) => n.slotId === slot.id);
    const available = inSlot.filter((n) => !unavailable(n)).length;
    if (available >= slot.seats ? taken !== slot.seats : taken > slot.seats) ok = false;
    if (available < slot.seats) fill += taken;
  }
  if (!(problem.fixedIn ?? []).every(has) || !(problem.allocated ?? []).every(has)) ok = false;
  if (picked.some(isOut)) ok = false;
  for (const [stage, k] of Object.entries(t.minCareerStage ?? {})) if (count((n) => n.careerStage === stage) < k!) ok = false;
  for (const target of t.careerStages ?? [])
    if (
      !atLeast(
        count((n) => target.stages.includes(n.careerStage)),
        target,
      )
    )
      ok = false;
  const groupMax = (key: (n: SlateNominee) => string, max: number) =>
    [...new Set(picked.map(key))].every((g) => count((n) => key(n) === g) <= max);
  if (t.maxPerInstitute !== undefined && !groupMax((n) => n.instituteId, t.maxPerInstitute)) ok = false;
  if (t.maxPerRegion !== undefined && !groupMax((n) => n.region, t.maxPerRegion)) ok = false;
  for (const [region, k] of Object.entries(t.minPerRegion ?? {})) if (count((n) => n.region === region) < k) ok = false;
  if ((t.onePerPerson ?? true) && !groupMax((n) => n.memberId, 1)) ok = false;
  if (
    t.gender &&
    !atLeast(
      count((n) => n.gender !== undefined && t.gender!.genders.includes(n.gender)),
      t.gender,
    )
  )
    ok = false;
  const w = problem.shortlistWeight ?? 0;
  const objective = picked.reduce((s, n) => s + n.score + (n.shortlisted ? w : 0), 0);
  return { ok, fill, objective };
}

function bruteForce(problem: SlateProblem, seatRule = problem): Best {
  const n = problem.nominees.length;
  let best: Best = { feasible: false, fill: -1, objective: -Infinity };
  for (let mask = 0; mask < 1 << n; mask++) {
    const chosen = problem.nominees.map((_, i) => (mask & (1 << i)) !== 0);
    const { ok, fill, objective } = check(problem, chosen, seatRule);
    if (!ok) continue;
    if (!best.feasible || fill > best.fill || (fill === best.fill && objective > best.objective + 1e-9)) {
      best = { feasible: true, fill, objective };
    }
  }
  return best;
}

/** The problem with only the named targets and fixed choices (the rest dropped); `fixedChoices` keeps every fixed choice. */
function restrict(problem: SlateProblem, names: string[]): SlateProblem {
  const fixedNames = [
    ...(problem.fixedIn ?? []).map((_, k) => `fixedIn[${k}]`),
    ...(problem.fixedOut ?? []).map((_, k) => `fixedOut[${k}]`),
    ...(problem.allocated ?? []).map((s) => `allocated:${s.slotId}:${s.memberId}`),
  ];
  const keep = new Set(names.flatMap((name) => (name === FIXED_CHOICES.target ? fixedNames : [name])));
  const t = problem.targets ?? {};
  const pickKeys = <T>(prefix: string, record: Record<string, T> | undefined) =>
    Object.fromEntries(Object.entries(record ?? {}).filter(([k]) => keep.has(`${prefix}.${k}`)));
  return {
    ...problem,
    fixedIn: (problem.fixedIn ?? []).filter((_, k) => keep.has(`fixedIn[${k}]`)),
    fixedOut: (problem.fixedOut ?? []).filter((_, k) => keep.has(`fixedOut[${k}]`)),
    allocated: (problem.allocated ?? []).filter((s) => keep.has(`allocated:${s.slotId}:${s.memberId}`)),
    targets: {
      minCareerStage: pickKeys('minCareerStage', t.minCareerStage),
      careerStages: (t.careerStages ?? []).map((c, k) =>
        keep.has(`careerStages[${k}]`) ? c : { ...c, atLeast: 0, atLeastShare: undefined },
      ),
      maxPerInstitute: keep.has('maxPerInstitute') ? t.maxPerInstitute : undefined,
      maxPerRegion: keep.has('maxPerRegion') ? t.maxPerRegion : undefined,
      minPerRegion: pickKeys('minPerRegion', t.minPerRegion),
      onePerPerson: keep.has('onePerPerson'),
      gender: keep.has('gender') ? t.gender : undefined,
    },
  };
}

const STAGES: CareerStage[] = ['student', 'postdoc', 'tenured'];
const GENDERS: Gender[] = ['woman', 'man', 'undisclosed'];
const share = fc.oneof(
  fc.record({ atLeast: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ atLeastShare: fc.constantFrom(0, 0.25, 0.5, 0.75, 1) }),
);

const tinyProblem: fc.Arbitrary<SlateProblem> = fc
  .record({
    slots: fc.array(fc.integer({ min: 1, max: 2 }), { minLength: 1, maxLength: 3 }),
    members: fc.array(
      fc.record({
        careerStage: fc.constantFrom(...STAGES),
        region: fc.constantFrom('USA', 'ITALY', 'CERN'),
        instituteId: fc.constantFrom('i1', 'i2', 'i3'),
        gender: fc.constantFrom(...GENDERS),
      }),
      { minLength: 1, maxLength: 4 },
    ),
    nominations: fc.array(
      fc.record({
        slot: fc.nat(),
        member: fc.nat(),
        score: fc.integer({ min: -300, max: 300 }),
        shortlisted: fc.boolean(),
      }),
      { maxLength: 10 },
    ),
    targets: fc.record(
      {
        minCareerStage: fc.dictionary(fc.constantFrom(...STAGES), fc.integer({ min: 0, max: 2 }), { maxKeys: 2 }),
        careerStages: fc.array(
          fc.tuple(fc.subarray(STAGES, { minLength: 1 }), share).map(([stages, s]) => ({ stages, ...s })),
          { maxLength: 1 },
        ),
        maxPerInstitute: fc.integer({ min: 0, max: 2 }),
        maxPerRegion: fc.integer({ min: 0, max: 3 }),
        minPerRegion: fc.dictionary(fc.constantFrom('USA', 'CERN', 'UK'), fc.integer({ min: 0, max: 2 }), { maxKeys: 2 }),
        onePerPerson: fc.boolean(),
        gender: fc.tuple(fc.subarray(GENDERS, { minLength: 1 }), share).map(([genders, s]) => ({ genders, ...s })),
      },
      { requiredKeys: [] },
    ),
    fixedIn: fc.array(fc.nat(), { maxLength: 2 }),
    fixedOut: fc.array(fc.tuple(fc.nat(), fc.boolean()), { maxLength: 2 }),
    shortlistWeight: fc.constantFrom(0, 0.5),
  })
  .map((r) => {
    const slots = r.slots.map((seats, k) => ({ id: `S${k}`, seats }));
    const nominees: SlateNominee[] = [];
    for (const nom of r.nominations) {
      const slotId = slots[nom.slot % slots.length].id;
      const memberId = `M${nom.member % r.members.length}`;
      if (nominees.some((n) => n.slotId === slotId && n.memberId === memberId)) continue;
      nominees.push({
        slotId,
        memberId,
        score: nom.score / 100,
        shortlisted: nom.shortlisted,
        ...r.members[nom.member % r.members.length],
      });
    }
    const seatAt = (k: number): SlateSeat => ({
      slotId: nominees[k % nominees.length].slotId,
      memberId: nominees[k % nominees.length].memberId,
    });
    const fixedIn = nominees.length ? r.fixedIn.map(seatAt) : [];
    const fixedOut: FixedOut[] = nominees.length
      ? r.fixedOut.map(([k, wholeMember]) => (wholeMember ? seatAt(k).memberId : seatAt(k)))
      : [];
    return { slots, nominees, targets: r.targets, fixedIn, fixedOut, shortlistWeight: r.shortlistWeight };
  });

describe('slate suggestion against brute force', () => {
  it('finds a slate exactly when one exists, and its objective is the best there is', () => {
    fc.assert(
      fc.property(tinyProblem, (problem) => {
        const answer = suggestSlate(problem, solve, MIN_CELL);
        const best = bruteForce(problem);
        expect(answer.feasible).toBe(best.feasible);
        if (!answer.feasible) return;
        const chosen = problem.nominees.map((n) => answer.slate.some((s) => s.slotId === n.slotId && s.memberIds.includes(n.memberId)));
        const own = check(problem, chosen);
        expect(own.ok).toBe(true);
        expect(own.fill).toBe(best.fill);
        expect(answer.objective).toBeCloseTo(best.objective, 6);
        expect(answer.targetCost).toBeCloseTo(answer.rankOnly.objective - answer.objective, 9);
      }),
      { numRuns: 300 },
    );
  });

  /** The named conflict is infeasible, minimal, and names no fixed choice next to the gender target. */
  const conflictHolds = (problem: SlateProblem, answer: SlateAnswer & { feasible: false }) => {
    const names = answer.conflict.map((c) => c.target);
    expect(names.length).toBeGreaterThan(0);
    if (names.includes('gender')) {
      expect(names.filter((n) => /^(fixedIn|fixedOut|allocated)/.test(n))).toEqual([]);
      expect(JSON.stringify(answer)).not.toMatch(/\bM\d\b/);
    } else {
      expect(names).not.toContain(FIXED_CHOICES.target);
    }
    expect(bruteForce(restrict(problem, names), problem).feasible).toBe(false);
    for (const name of names) {
      expect(
        bruteForce(
          restrict(
            problem,
            names.filter((n) => n !== name),
          ),
          problem,
        ).feasible,
      ).toBe(true);
    }
  };

  it('the conflict it names cannot be met, and dropping any one of it can', () => {
    let infeasibleCases = 0;
    fc.assert(
      fc.property(tinyProblem, (problem) => {
        const answer = suggestSlate(problem, solve, MIN_CELL);
        if (answer.feasible) return;
        infeasibleCases += 1;
        conflictHolds(problem, answer);
      }),
      { numRuns: 300 },
    );
    expect(infeasibleCases).toBeGreaterThan(20);
  });

  it('with the gender target in the conflict, the fixed choices are one entry that still makes it minimal', () => {
    const genderProblem = fc
      .tuple(tinyProblem, fc.subarray(GENDERS, { minLength: 1 }), fc.integer({ min: 1, max: 2 }))
      .map(([problem, genders, atLeast]): SlateProblem => ({
        ...problem,
        targets: { onePerPerson: problem.targets?.onePerPerson, gender: { genders, atLeast } },
      }));
    let collectiveCases = 0;
    fc.assert(
      fc.property(genderProblem, (problem) => {
        const answer = suggestSlate(problem, solve, MIN_CELL);
        if (answer.feasible) return;
        if (answer.conflict.some((c) => c.target === FIXED_CHOICES.target)) collectiveCases += 1;
        conflictHolds(problem, answer);
      }),
      { numRuns: 300 },
    );
    expect(collectiveCases).toBeGreaterThan(5);
  });
});
