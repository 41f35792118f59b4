// The slate optimiser: which nominees fill which seats of a conference so that the committee's balance
// targets hold and the total eligibility (optionally plus shortlist marks) is as high as possible.
// Solved exactly as a 0-1 integer program: x[i] = 1 when nominee i (a member nominated for one slot)
// gets a seat in that slot. Plain TypeScript: the solver comes in as a function.
import { CareerStage, Gender } from '../common/enums';
import type { LpSolver } from './slate-solver';

export interface SlateSlot {
  id: string;
  /** Seats the suggestion may fill (the service has already subtracted seats held by non-nominees). */
  seats: number;
  title?: string;
}

/** One nomination: a member for one slot. A member nominated for several slots appears once per slot. */
export interface SlateNominee {
  slotId: string;
  memberId: string;
  name?: string;
  score: number;
  shortlisted?: boolean;
  careerStage: CareerStage;
  region: string;
  instituteId: string;
  /** Used only inside the optimiser; never part of an answer. */
  gender?: Gender;
}

/** Either a count (`atLeast`) or a share of the whole slate (`atLeastShare`, 0..1). */
export interface ShareTarget {
  atLeast?: number;
  atLeastShare?: number;
}
export interface CareerStageTarget extends ShareTarget {
  stages: CareerStage[];
}
export interface GenderTarget extends ShareTarget {
  genders: Gender[];
}

export interface SlateTargets {
  /** At least this many speakers of each stage, e.g. `{ student: 2 }`. */
  minCareerStage?: Partial<Record<CareerStage, number>>;
  /** At least a count or share of speakers in any of these stages. */
  careerStages?: CareerStageTarget[];
  maxPerInstitute?: number;
  maxPerRegion?: number;
  /** At least this many speakers from each region, e.g. `{ USA: 2 }`. */
  minPerRegion?: Record<string, number>;
  /** At most one talk per person in the whole conference (default true). */
  onePerPerson?: boolean;
  gender?: GenderTarget;
}

export interface SlateSeat {
  slotId: string;
  memberId: string;
}

/** A member left out everywhere, or only from one slot. */
export type FixedOut = string | SlateSeat;

export interface SlateProblem {
  slots: SlateSlot[];
  nominees: SlateNominee[];
  targets?: SlateTargets;
  fixedIn?: SlateSeat[];
  fixedOut?: FixedOut[];
  /** Seats already given (active allocations): part of every slate, the rank-only one included. */
  allocated?: SlateSeat[];
  /** Added to a shortlisted nominee's score in the objective; 0 (default) = eligibility score only. */
  shortlistWeight?: number;
}

/** A target (or a fixed choice) by its name in the request, with what it asks in words. */
export interface SlateRequirementRef {
  target: string;
  description: string;
}

export interface BindingTarget extends SlateRequirementRef {
  /** Which institutes / regions are at the limit, for per-group targets. */
  groups?: string[];
  /** Objective gained if this target alone were dropped (re-solved); absent when not probed. */
  cost?: number;
}

export interface SlotChoice {
  slotId: string;
  /** Best objective weight first. */
  memberIds: string[];
  openSeats: number;
}

export interface SlateSolved {
  feasible: true;
  slate: SlotChoice[];
  objective: number;
  rankOnly: { objective: number; slate: SlotChoice[] };
  /** rankOnly.objective - objective: what the targets and fixed choices cost. */
  targetCost: number;
  bindingTargets: BindingTarget[];
  /** Only with a gender target: the slate's aggregate, or `suppressed` when either side is under the threshold. */
  gender?: { count: number; slateSize: number } | { suppressed: true };
}

export interface SlateInfeasible {
  feasible: false;
  /**
   * A minimal set of targets and fixed choices that no slate can meet together. When the gender
   * target is part of it, the fixed choices count as one requirement, `FIXED_CHOICES`.
   */
  conflict: SlateRequirementRef[];
}

export type SlateAnswer = SlateSolved | SlateInfeasible;

export class SlateInputError extends Error {
  constructor(readonly errors: Array<{ field: string; message: string }>) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join('; '));
  }
}

/** Re-solves to price individual targets are bounded: each costs about one main solve. */
export const MAX_COST_PROBES = 8;

/**
 * Every fixed-in, fixed-out and already given seat taken together. Next to a gender target, a conflict
 * that named one person's fixed choice would tell whether that person is of the target genders.
 */
export const FIXED_CHOICES: SlateRequirementRef = {
  target: 'fixedChoices',
  description: 'the fixed choices (fixedIn, fixedOut and seats already given) taken together',
};

const EPS = 1e-6;

type Sense = '<=' | '>=' | '=';
interface Row {
  terms: Array<[index: number, coefficient: number]>;
  sense: Sense;
  rhs: number;
  /** The institute / region / member the row is about. */
  group?: string;
}
interface Requirement extends SlateRequirementRef {
  kind: 'target' | 'fixed' | 'allocated';
  aboutGender?: boolean;
  rows: Row[];
}

interface Prepared {
  problem: SlateProblem;
  nominees: SlateNominee[];
  weights: number[];
  /** Weights with the fill bonus, as the solver sees them. */
  solverWeights: number[];
  seatRows: Row[];
  requirements: Requirement[];
}

/**
 * `minCell`: the slate's gender aggregate (and whether the gender target binds) is shown only when
 * both sides have at least this many people, the small-cell threshold of the reports.
 */
export function suggestSlate(problem: SlateProblem, solve: LpSolver, minCell: number): SlateAnswer {
  const p = prepare(problem);
  const chosen = solveWith(p, p.requirements, solve, true);
  if (!chosen) return { feasible: false, conflict: diagnose(p, solve) };

  const objective = objectiveOf(p, chosen);
  const rankOnlyChosen = rankOnly(p);
  const rankOnlyObjective = objectiveOf(p, rankOnlyChosen);
  const disclosesGender = genderDisclosable(p, chosen, minCell);

  const binding: BindingTarget[] = [];
  for (const requirement of p.requirements) {
    if (requirement.kind !== 'target' || (requirement.aboutGender && !disclosesGender)) continue;
    const atBound = requirement.rows.filter((row) => row.sense !== '=' && Math.abs(activity(row, chosen) - row.rhs) <= EPS);
    if (atBound.length === 0) continue;
    const groups = atBound.flatMap((row) => (row.group === undefined ? [] : [row.group]));
    binding.push({ target: requirement.target, description: requirement.description, ...(groups.length ? { groups } : {}) });
  }
  for (const target of binding.slice(0, MAX_COST_PROBES)) {
    const relaxed = solveWith(
      p,
      p.requirements.filter((r) => r.target !== target.target),
      solve,
      true,
    );
    if (relaxed) target.cost = round(Math.max(0, objectiveOf(p, relaxed) - objective));
  }

  const answer: SlateSolved = {
    feasible: true,
    slate: slateOf(p, chosen),
    objective,
    rankOnly: { objective: rankOnlyObjective, slate: slateOf(p, rankOnlyChosen) },
    targetCost: round(rankOnlyObjective - objective),
    bindingTargets: binding,
  };
  if (problem.targets?.gender) {
    answer.gender = disclosesGender ? { count: genderCount(p, chosen), slateSize: chosen.filter(Boolean).length } : { suppressed: true };
  }
  return answer;
}

/** Checks references, builds the seat rows and one requirement per target and fixed choice. */
function prepare(problem: SlateProblem): Prepared {
  const errors = inputErrors(problem);
  if (errors.length) throw new SlateInputError(errors);
  const nominees = problem.nominees;
  const targets = problem.targets ?? {};
  const shortlistWeight = problem.shortlistWeight ?? 0;
  const weights = nominees.map((n) => round(n.score + (n.shortlisted ? shortlistWeight : 0)));
  const slotTitle = new Map(problem.slots.map((s) => [s.id, s.title ?? s.id]));
  const memberName = new Map(nominees.map((n) => [n.memberId, n.name ?? n.memberId]));
  const seatIndex = new Map(nominees.map((n, i) => [seatKey(n), i]));
  const all = nominees.map((_, i) => i);
  const where = (test: (n: SlateNominee) => boolean) => all.filter((i) => test(nominees[i]));
  const sum = (indices: number[]): Row['terms'] => indices.map((i) => [i, 1]);

  // A slot with enough nominees (after fixed-out ones) gets exactly its seats; otherwise as many as
  // possible: the fill bonus outweighs any difference in score, so fewer seats are never chosen to
  // avoid a negative score.
  const fixedOutSeats = new Set<number>();
  for (const out of problem.fixedOut ?? []) {
    for (const i of typeof out === 'string' ? where((n) => n.memberId === out) : [seatIndex.get(seatKey(out))!]) {
      fixedOutSeats.add(i);
    }
  }
  const underfilled = new Set<string>();
  const seatRows: Row[] = problem.slots.map((slot) => {
    const inSlot = where((n) => n.slotId === slot.id);
    const available = inSlot.filter((i) => !fixedOutSeats.has(i)).length;
    if (available < slot.seats) underfilled.add(slot.id);
    return { terms: sum(inSlot), sense: available >= slot.seats ? '=' : '<=', rhs: slot.seats, group: slot.id };
  });
  const fillBonus = 1 + 2 * weights.reduce((total, w) => total + Math.abs(w), 0);
  const solverWeights = weights.map((w, i) => (underfilled.has(nominees[i].slotId) ? w + fillBonus : w));

  const requirements: Requirement[] = [];
  const add = (r: Requirement) => requirements.push(r);
  // Full slots always hold exactly their seats, so only nominees of underfilled slots make the slate
  // size vary: count >= share x (fullSeats + underfilled picks) stays sparse.
  const fullSeats = problem.slots.filter((s) => !underfilled.has(s.id)).reduce((total, s) => total + s.seats, 0);
  const varying = where((n) => underfilled.has(n.slotId));
  const atLeast = (indices: number[], t: ShareTarget): Row => {
    if (t.atLeastShare === undefined) return { terms: sum(indices), sense: '>=', rhs: t.atLeast ?? 0 };
    const share = t.atLeastShare;
    const coefficient = new Map<number, number>(indices.map((i) => [i, 1]));
    for (const i of varying) coefficient.set(i, (coefficient.get(i) ?? 0) - share);
    return { terms: [...coefficient].filter(([, c]) => c !== 0).sort(([a], [b]) => a - b), sense: '>=', rhs: share * fullSeats };
  };
  const amount = (t: ShareTarget) => (t.atLeastShare === undefined ? `${t.atLeast}` : `${round(t.atLeastShare * 100)}% of`);

  for (const seat of problem.allocated ?? []) {
    add({
      target: `allocated:${seat.slotId}:${seat.memberId}`,
      kind: 'allocated',
      description: `${memberName.get(seat.memberId)} already allocated to ${slotTitle.get(seat.slotId)}`,
      rows: [{ terms: [[seatIndex.get(seatKey(seat))!, 1]], sense: '=', rhs: 1 }],
    });
  }
  (problem.fixedIn ?? []).forEach((seat, k) =>
    add({
      target: `fixedIn[${k}]`,
      kind: 'fixed',
      description: `${memberName.get(seat.memberId)} fixed in ${slotTitle.get(seat.slotId)}`,
      rows: [{ terms: [[seatIndex.get(seatKey(seat))!, 1]], sense: '=', rhs: 1 }],
    }),
  );
  (problem.fixedOut ?? []).forEach((out, k) => {
    const indices = typeof out === 'string' ? where((n) => n.memberId === out) : [seatIndex.get(seatKey(out))!];
    const member = memberName.get(typeof out === 'string' ? out : out.memberId);
    add({
      target: `fixedOut[${k}]`,
      kind: 'fixed',
      description: typeof out === 'string' ? `${member} left out` : `${member} left out of ${slotTitle.get(out.slotId)}`,
      rows: [{ terms: sum(indices), sense: '<=', rhs: 0 }],
    });
  });

  for (const [stage, count] of Object.entries(targets.minCareerStage ?? {})) {
    add({
      target: `minCareerStage.${stage}`,
      kind: 'target',
      description: `at least ${count} ${stage} speakers`,
      rows: [
        atLeast(
          where((n) => n.careerStage === stage),
          { atLeast: count },
        ),
      ],
    });
  }
  (targets.careerStages ?? []).forEach((t, k) =>
    add({
      target: `careerStages[${k}]`,
      kind: 'target',
      description: `at least ${amount(t)} speakers ${t.stages.join(' or ')}`,
      rows: [
        atLeast(
          where((n) => t.stages.includes(n.careerStage)),
          t,
        ),
      ],
    }),
  );
  if (targets.maxPerInstitute !== undefined) {
    add({
      target: 'maxPerInstitute',
      kind: 'target',
      description: `at most ${targets.maxPerInstitute} speakers per institute`,
      rows: groupLimits(nominees, (n) => n.instituteId, targets.maxPerInstitute),
    });
  }
  if (targets.maxPerRegion !== undefined) {
    add({
      target: 'maxPerRegion',
      kind: 'target',
      description: `at most ${targets.maxPerRegion} speakers per region`,
      rows: groupLimits(nominees, (n) => n.region, targets.maxPerRegion),
    });
  }
  for (const [region, count] of Object.entries(targets.minPerRegion ?? {})) {
    add({
      target: `minPerRegion.${region}`,
      kind: 'target',
      description: `at least ${count} speakers from ${region}`,
      rows: [
        {
          ...atLeast(
            where((n) => n.region === region),
            { atLeast: count },
          ),
          group: region,
        },
      ],
    });
  }
  if (targets.onePerPerson ?? true) {
    add({
      target: 'onePerPerson',
      kind: 'target',
      description: 'at most one talk per person in the conference',
      rows: groupLimits(nominees, (n) => n.memberId, 1).map(({ group: _, ...row }) => row),
    });
  }
  if (targets.gender) {
    const t = targets.gender;
    add({
      target: 'gender',
      kind: 'target',
      aboutGender: true,
      description: `at least ${amount(t)} speakers ${t.genders.join(' or ')}`,
      rows: [
        atLeast(
          where((n) => n.gender !== undefined && t.genders.includes(n.gender)),
          t,
        ),
      ],
    });
  }
  return { problem, nominees, weights, solverWeights, seatRows, requirements };
}

/** At most `max` seats per group; only groups with more nominations than that can ever bind. */
function groupLimits(nominees: SlateNominee[], groupOf: (n: SlateNominee) => string, max: number): Row[] {
  const members = new Map<string, number[]>();
  nominees.forEach((n, i) => members.set(groupOf(n), [...(members.get(groupOf(n)) ?? []), i]));
  return [...members]
    .filter(([, indices]) => indices.length > max)
    .map(([group, indices]) => ({ terms: indices.map((i) => [i, 1] as [number, number]), sense: '<=' as const, rhs: max, group }));
}

function inputErrors(problem: SlateProblem): Array<{ field: string; message: string }> {
  const errors: Array<{ field: string; message: string }> = [];
  const slots = new Set<string>();
  for (const [k, slot] of problem.slots.entries()) {
    if (slots.has(slot.id)) errors.push({ field: `slots[${k}]`, message: `slot ${slot.id} listed twice` });
    if (!Number.isInteger(slot.seats) || slot.seats < 0)
      errors.push({ field: `slots[${k}].seats`, message: 'must be a whole number >= 0' });
    slots.add(slot.id);
  }
  const seats = new Set<string>();
  const members = new Set<string>();
  for (const [k, n] of problem.nominees.entries()) {
    if (!slots.has(n.slotId)) errors.push({ field: `nominees[${k}].slotId`, message: `slot ${n.slotId} is not a slot of this conference` });
    if (seats.has(seatKey(n))) errors.push({ field: `nominees[${k}]`, message: `member ${n.memberId} listed twice for slot ${n.slotId}` });
    if (!Number.isFinite(n.score)) errors.push({ field: `nominees[${k}].score`, message: 'must be a finite number' });
    seats.add(seatKey(n));
    members.add(n.memberId);
  }
  const seatMustExist = (field: string, seat: SlateSeat) => {
    if (!seats.has(seatKey(seat))) {
      errors.push({ field, message: `member ${seat.memberId} is not an active nominee of slot ${seat.slotId}` });
    }
  };
  (problem.fixedIn ?? []).forEach((seat, k) => seatMustExist(`fixedIn[${k}]`, seat));
  (problem.allocated ?? []).forEach((seat, k) => seatMustExist(`allocated[${k}]`, seat));
  (problem.fixedOut ?? []).forEach((out, k) => {
    if (typeof out !== 'string') seatMustExist(`fixedOut[${k}]`, out);
    else if (!members.has(out))
      errors.push({ field: `fixedOut[${k}]`, message: `member ${out} is not an active nominee of this conference` });
  });
  const targets = problem.targets ?? {};
  const count = (field: string, value: number | undefined) => {
    if (value !== undefined && (!Number.isInteger(value) || value < 0)) errors.push({ field, message: 'must be a whole number >= 0' });
  };
  const share = (field: string, t: ShareTarget) => {
    if ((t.atLeast === undefined) === (t.atLeastShare === undefined)) {
      errors.push({ field, message: 'give exactly one of atLeast and atLeastShare' });
    }
    count(`${field}.atLeast`, t.atLeast);
    if (t.atLeastShare !== undefined && !(t.atLeastShare >= 0 && t.atLeastShare <= 1)) {
      errors.push({ field: `${field}.atLeastShare`, message: 'must be between 0 and 1' });
    }
  };
  for (const [stage, n] of Object.entries(targets.minCareerStage ?? {})) count(`targets.minCareerStage.${stage}`, n);
  (targets.careerStages ?? []).forEach((t, k) => share(`targets.careerStages[${k}]`, t));
  count('targets.maxPerInstitute', targets.maxPerInstitute);
  count('targets.maxPerRegion', targets.maxPerRegion);
  for (const [region, n] of Object.entries(targets.minPerRegion ?? {})) count(`targets.minPerRegion.${region}`, n);
  if (targets.gender) share('targets.gender', targets.gender);
  return errors;
}

/** The optimal choice under the seat rows and the given requirements, or null when there is none. */
function solveWith(p: Prepared, requirements: Requirement[], solve: LpSolver, optimise: boolean): boolean[] | null {
  const rows = [...p.seatRows, ...requirements.flatMap((r) => r.rows)];
  const none = p.nominees.map(() => false);
  // A row without nominees (a region nobody from it was nominated for) holds or fails on its own.
  const empty = rows.filter((row) => row.terms.length === 0);
  if (empty.some((row) => !holds(0, row.sense, row.rhs))) return null;
  if (p.nominees.length === 0) return none;
  const objective = optimise ? p.solverWeights : p.solverWeights.map(() => 0);
  const outcome = solve(
    writeLp(
      objective,
      rows.filter((row) => row.terms.length > 0),
    ),
  );
  if (outcome.status === 'infeasible') return null;
  return p.nominees.map((_, i) => (outcome.values[`x${i}`] ?? 0) > 0.5);
}

/**
 * A minimal conflicting set. Fixed choices are tried first, so the conflict is explained by targets
 * where it can be. With a gender target, the fixed choices are first one requirement: if the gender
 * target is needed for the conflict, that is how they are reported, so that no person is named next
 * to it. Only a conflict the gender target plays no part in names fixed choices one by one.
 */
function diagnose(p: Prepared, solve: LpSolver): SlateRequirementRef[] {
  const fixed = p.requirements.filter((r) => r.kind !== 'target');
  const targets = p.requirements.filter((r) => r.kind === 'target');
  const refs = (conflict: Requirement[]) => conflict.map(({ target, description }) => ({ target, description }));
  if (!targets.some((r) => r.aboutGender) || fixed.length === 0) return refs(deletionFilter(p, [...fixed, ...targets], solve));

  const together: Requirement = { ...FIXED_CHOICES, kind: 'fixed', rows: fixed.flatMap((r) => r.rows) };
  const conflict = deletionFilter(p, [together, ...targets], solve);
  if (conflict.some((r) => r.aboutGender) || !conflict.includes(together)) return refs(conflict);
  return refs(deletionFilter(p, [...fixed, ...conflict.filter((r) => r !== together)], solve));
}

/**
 * Drop each requirement in turn and keep it dropped while the rest stay infeasible: what remains
 * (in the given order) is a minimal conflicting set, every member of it needed for the conflict.
 */
function deletionFilter(p: Prepared, order: Requirement[], solve: LpSolver): Requirement[] {
  let conflict = order;
  for (const requirement of order) {
    const without = conflict.filter((r) => r !== requirement);
    if (!solveWith(p, without, solve, false)) conflict = without;
  }
  return conflict;
}

/** Without targets and fixed choices every slot is independent: its best nominees, seats already given first. */
function rankOnly(p: Prepared): boolean[] {
  const chosen = p.nominees.map(() => false);
  const allocated = new Set((p.problem.allocated ?? []).map(seatKey));
  for (const slot of p.problem.slots) {
    const inSlot = p.nominees
      .map((n, i) => ({ n, i }))
      .filter(({ n }) => n.slotId === slot.id)
      .sort(
        (a, b) => Number(allocated.has(seatKey(b.n))) - Number(allocated.has(seatKey(a.n))) || p.weights[b.i] - p.weights[a.i] || a.i - b.i,
      );
    for (const { i } of inSlot.slice(0, slot.seats)) chosen[i] = true;
  }
  return chosen;
}

function slateOf(p: Prepared, chosen: boolean[]): SlotChoice[] {
  return p.problem.slots.map((slot) => {
    const picked = p.nominees
      .map((n, i) => ({ n, i }))
      .filter(({ n, i }) => chosen[i] && n.slotId === slot.id)
      .sort((a, b) => p.weights[b.i] - p.weights[a.i] || a.i - b.i);
    return { slotId: slot.id, memberIds: picked.map(({ n }) => n.memberId), openSeats: slot.seats - picked.length };
  });
}

function objectiveOf(p: Prepared, chosen: boolean[]): number {
  return round(p.weights.reduce((total, w, i) => (chosen[i] ? total + w : total), 0));
}

function genderCount(p: Prepared, chosen: boolean[]): number {
  const genders = p.problem.targets?.gender?.genders ?? [];
  return p.nominees.filter((n, i) => chosen[i] && n.gender !== undefined && genders.includes(n.gender)).length;
}

function genderDisclosable(p: Prepared, chosen: boolean[], minCell: number): boolean {
  const count = genderCount(p, chosen);
  const size = chosen.filter(Boolean).length;
  return count >= minCell && size - count >= minCell;
}

function activity(row: Row, chosen: boolean[]): number {
  return row.terms.reduce((total, [i, c]) => (chosen[i] ? total + c : total), 0);
}

function holds(value: number, sense: Sense, rhs: number): boolean {
  if (sense === '<=') return value <= rhs + EPS;
  if (sense === '>=') return value >= rhs - EPS;
  return Math.abs(value - rhs) <= EPS;
}

/** CPLEX LP text: x<i> binary, one row per constraint, a few terms per line. */
export function writeLp(objective: number[], rows: Row[]): string {
  const expression = (terms: Array<[number, number]>) => {
    const parts = terms.map(([i, c]) => `${c < 0 ? '-' : '+'} ${number(Math.abs(c))} x${i}`);
    const lines: string[] = [];
    for (let k = 0; k < parts.length; k += 12) lines.push(parts.slice(k, k + 12).join(' '));
    return lines.join('\n   ');
  };
  const out = ['Maximize', ` obj: ${expression(objective.map((c, i) => [i, c]))}`, 'Subject To'];
  rows.forEach((row, k) => out.push(` r${k}: ${expression(row.terms)} ${row.sense} ${row.rhs < 0 ? '-' : ''}${number(Math.abs(row.rhs))}`));
  out.push('Binary');
  for (let k = 0; k < objective.length; k += 20) {
    out.push(
      ` ${objective
        .slice(k, k + 20)
        .map((_, j) => `x${k + j}`)
        .join(' ')}`,
    );
  }
  out.push('End');
  return out.join('\n');
}

/** Fixed-point: LP readers and exponents do not always agree, and 9 decimals is finer than any score. */
function number(value: number): string {
  return value.toFixed(9).replace(/\.?0+$/, '') || '0';
}

function round(value: number): number {
  return Math.round(value * 1e9) / 1e9 || 0;
}

function seatKey(seat: SlateSeat): string {
  return `${seat.slotId}\u0000${seat.memberId}`;
}
