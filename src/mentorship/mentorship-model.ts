// The mentorship matching: which mentee gets which mentor so that the total match quality is as high
// as possible. Solved exactly as a 0-1 integer program: x[k] = 1 when the k-th allowed pair is made.
// Each mentee at most one mentor and each mentor at most their capacity is a bipartite b-matching,
// whose constraint matrix is totally unimodular: the linear program's basic optimum (simplex) is
// already whole, so HiGHS solves the LP, and the answer is checked to be whole (branch and bound on
// the full program otherwise). Columns are generated: each mentee's best pairs first, then every pair
// whose reduced cost under the LP's duals is positive, until none is: then no left-out pair could
// improve the optimum, which is therefore the optimum over all allowed pairs.
// Rules (a pair that breaks one is never a column): never the same institute, the mentor more senior
// (or a peer a year ahead at the same stage), at least one kind of mentoring sought and offered; each
// mentee at most one mentor, each mentor at most their capacity. Last round's pairs are kept when both
// asked and the pair is still allowed. Plain TypeScript: the solver comes in as a function.
//
// Consented identity groups enter only the objective, as a bonus hidden from every explanation: a
// pair's shown score and components are what can be told to coordinators.
import { CareerStage } from '../common/enums';
import { offsetMinutes } from '../conferences/local-time';
import type { PairSolver } from './matching-solver';

export const MENTORSHIP_KINDS = ['career', 'relocation', 'allyship', 'connection'] as const;
export type MentorshipKind = (typeof MENTORSHIP_KINDS)[number];
export const SIGNUP_ROLES = ['mentor', 'mentee', 'both'] as const;
export type SignupRole = (typeof SIGNUP_ROLES)[number];
export const REGION_PREFERENCES = ['same', 'other', 'any'] as const;
export type RegionPreference = (typeof REGION_PREFERENCES)[number];

export const KIND_NAMES: Record<MentorshipKind, string> = {
  career: 'career advancement',
  relocation: 'relocation to or life at CERN',
  allyship: 'allyship for minority identity groups',
  connection: 'a new connection in the collaboration',
};

/** Seniority for the career gap: a mentor must be above the mentee, or a peer a year ahead at the same stage. */
export const STAGE_LEVEL: Record<CareerStage, number> = {
  student: 0,
  postdoc: 1,
  engineer: 1,
  nontenured: 2,
  other: 2,
  tenured: 3,
};
/** How much longer a peer mentor must have been at the stage (older students for new students). */
export const PEER_LEAD_DAYS = 365;

export const POINTS = {
  /** Every pair: more mentees matched is better than a few perfect pairs. */
  match: 5,
  /** Per kind of mentoring the mentee seeks and the mentor offers. */
  kind: 4,
  /** Career gap of one, two, three or more levels; a peer. */
  gap: [0, 3, 2, 1] as const,
  peer: 2,
  /** The mentee's region preference met; the mentor's. */
  menteeRegion: 2,
  mentorRegion: 1,
  /** Time zones within 3 hours, within 6 hours. */
  nearTime: 2,
  someTime: 1,
  language: 1,
  /** Hidden: the mentee asked for a mentor sharing one of their consented identity groups, and got one. */
  identity: 3,
} as const;

export interface ConsentedIdentity {
  groups: string[];
  /** The mentee wants a mentor who shares one of the groups. */
  preferShared: boolean;
}

export interface MatchParticipant {
  signupId: string;
  memberId: string;
  name?: string;
  role: SignupRole;
  kindsSought: MentorshipKind[];
  kindsOffered: MentorshipKind[];
  capacity: number;
  careerStage: CareerStage;
  /** ISO date: since when at this career stage. */
  stageSince: string;
  instituteId: string;
  region: string;
  regionPreference: RegionPreference;
  timeZone: string | null;
  languages: string[];
  continueWithPrevious: boolean;
  /** Used only inside the optimiser; never part of an answer. */
  identity?: ConsentedIdentity | null;
}

export interface PreviousPair {
  mentorMemberId: string;
  menteeMemberId: string;
}

export interface MatchProblem {
  participants: MatchParticipant[];
  /** The last published round's pairs. */
  previousPairs?: PreviousPair[];
  /** The day time-zone offsets are compared on (the round's matching day). */
  on: Date;
  /** Each mentee's best pairs in the first restricted program (default 12); the answer is the same whatever it is. */
  firstPairsPerMentee?: number;
}

export interface ScoreComponent {
  component: 'match' | 'kinds' | 'careerGap' | 'region' | 'timeZone' | 'language' | 'continuation';
  points: number;
  reason: string;
}

export type PairRule = 'not-a-mentor' | 'not-a-mentee' | 'same-person' | 'same-institute' | 'no-common-kind' | 'career-stage';

export type PairAssessment =
  { allowed: true; score: number; components: ScoreComponent[]; hiddenBonus: number } | { allowed: false; rule: PairRule; reason: string };

export interface MatchedPair {
  mentorSignupId: string;
  menteeSignupId: string;
  score: number;
  components: ScoreComponent[];
  source: 'optimiser' | 'continued';
}

export interface UnmatchedParticipant {
  signupId: string;
  memberId: string;
  name: string | null;
  as: 'mentee' | 'mentor';
  /** Mentors: capacity left unused. */
  spareCapacity?: number;
  reason: string;
}

export interface ContinuationOutcome {
  mentorMemberId: string;
  menteeMemberId: string;
  kept: boolean;
  reason: string;
}

export interface MatchResult {
  pairs: MatchedPair[];
  /** Sum of the shown scores. */
  score: number;
  unmatched: UnmatchedParticipant[];
  continuations: ContinuationOutcome[];
  /** Allowed pairs the program chose from. */
  candidatePairs: number;
}

const DAY = 86_400_000;

const isMentor = (p: MatchParticipant) => p.role === 'mentor' || p.role === 'both';
const isMentee = (p: MatchParticipant) => p.role === 'mentee' || p.role === 'both';
const label = (p: MatchParticipant) => p.name ?? p.memberId;

/** Whether the stages fit, and how: a gap upwards, or a peer at the same stage a year ahead. */
function stageFit(mentor: MatchParticipant, mentee: MatchParticipant): { gap: number } | { peer: true } | null {
  const gap = STAGE_LEVEL[mentor.careerStage] - STAGE_LEVEL[mentee.careerStage];
  if (gap > 0) return { gap };
  if (mentor.careerStage !== mentee.careerStage) return null;
  const lead = (Date.parse(mentee.stageSince) - Date.parse(mentor.stageSince)) / DAY;
  return lead >= PEER_LEAD_DAYS ? { peer: true } : null;
}

function sharedKinds(mentor: MatchParticipant, mentee: MatchParticipant): MentorshipKind[] {
  return MENTORSHIP_KINDS.filter((k) => mentee.kindsSought.includes(k) && mentor.kindsOffered.includes(k));
}

function regionMet(preference: RegionPreference, same: boolean): boolean | null {
  if (preference === 'any') return null;
  return preference === 'same' ? same : !same;
}

/**
 * One pair under the rules, with its score and the components of it. The same rules serve the
 * optimiser and a coordinator's edit. Reasons name stages, kinds and preferences, never identity.
 */
export function assessPair(mentor: MatchParticipant, mentee: MatchParticipant, on: Date): PairAssessment {
  if (!isMentor(mentor)) return { allowed: false, rule: 'not-a-mentor', reason: `${label(mentor)} did not sign up as a mentor` };
  if (!isMentee(mentee)) return { allowed: false, rule: 'not-a-mentee', reason: `${label(mentee)} did not sign up as a mentee` };
  if (mentor.memberId === mentee.memberId) return { allowed: false, rule: 'same-person', reason: 'a person cannot mentor themself' };
  if (mentor.instituteId === mentee.instituteId) {
    return { allowed: false, rule: 'same-institute', reason: 'mentor and mentee are at the same institute' };
  }
  const kinds = sharedKinds(mentor, mentee);
  if (kinds.length === 0) {
    return { allowed: false, rule: 'no-common-kind', reason: 'the mentor offers none of the kinds of mentoring the mentee seeks' };
  }
  const fit = stageFit(mentor, mentee);
  if (!fit) {
    return {
      allowed: false,
      rule: 'career-stage',
      reason:
        `a ${mentor.careerStage} cannot mentor a ${mentee.careerStage}: the mentor must be more senior, ` +
        'or at the same stage at least a year longer (peer mentoring)',
    };
  }

  const components: ScoreComponent[] = [
    { component: 'match', points: POINTS.match, reason: 'a mentee matched' },
    { component: 'kinds', points: POINTS.kind * kinds.length, reason: `sought and offered: ${kinds.map((k) => KIND_NAMES[k]).join(', ')}` },
    'gap' in fit
      ? {
          component: 'careerGap',
          points: POINTS.gap[Math.min(fit.gap, 3)],
          reason: `${mentor.careerStage} mentors ${mentee.careerStage} (${fit.gap} level${fit.gap > 1 ? 's' : ''} apart)`,
        }
      : {
          component: 'careerGap',
          points: POINTS.peer,
          reason: `peer mentoring: both ${mentee.careerStage}, the mentor a year or more ahead`,
        },
  ];
  const sameRegion = mentor.region === mentee.region;
  const menteeMet = regionMet(mentee.regionPreference, sameRegion);
  const mentorMet = regionMet(mentor.regionPreference, sameRegion);
  const regionPoints = (menteeMet ? POINTS.menteeRegion : 0) + (mentorMet ? POINTS.mentorRegion : 0);
  if (menteeMet !== null || mentorMet !== null) {
    const said = [
      menteeMet !== null && `the mentee's wish (${mentee.regionPreference} region) ${menteeMet ? 'met' : 'not met'}`,
      mentorMet !== null && `the mentor's wish (${mentor.regionPreference} region) ${mentorMet ? 'met' : 'not met'}`,
    ]
      .filter(Boolean)
      .join('; ');
    components.push({ component: 'region', points: regionPoints, reason: `${sameRegion ? 'same' : 'different'} region: ${said}` });
  }
  if (mentor.timeZone && mentee.timeZone) {
    const hours = Math.abs(offsetOn(on, mentor.timeZone) - offsetOn(on, mentee.timeZone)) / 60;
    const points = hours <= 3 ? POINTS.nearTime : hours <= 6 ? POINTS.someTime : 0;
    components.push({
      component: 'timeZone',
      points,
      reason: hours === 0 ? 'the same time of day' : `${round(hours)} hour${hours === 1 ? '' : 's'} apart`,
    });
  }
  const languages = mentee.languages.filter((l) => mentor.languages.includes(l));
  if (languages.length > 0)
    components.push({ component: 'language', points: POINTS.language, reason: `both speak ${languages.join(', ')}` });

  const m = mentor.identity;
  const e = mentee.identity;
  const hiddenBonus = e?.preferShared && m && e.groups.some((g) => m.groups.includes(g)) ? POINTS.identity : 0;
  return { allowed: true, score: components.reduce((total, c) => total + c.points, 0), components, hiddenBonus };
}

// Offsets of a zone on a day: Intl is slow, and a round compares the same few zones 180,000 times.
const offsets = new Map<string, number>();
function offsetOn(on: Date, zone: string): number {
  const key = `${zone}@${on.getTime()}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    if (offsets.size > 10_000) offsets.clear();
    offset = offsetMinutes(on, zone);
    offsets.set(key, offset);
  }
  return offset;
}

interface Edge {
  mentor: number;
  mentee: number;
  weight: number;
  score: number;
  components: ScoreComponent[];
}

/** The optimal matching, the pairs kept from last round, and who was left without a partner and why. */
export function matchRound(problem: MatchProblem, solve: PairSolver): MatchResult {
  const people = problem.participants;
  const bySignup = new Set<string>();
  for (const p of people) {
    if (bySignup.has(p.signupId)) throw new Error(`sign-up ${p.signupId} listed twice`);
    bySignup.add(p.signupId);
  }
  const mentors = people.map((p, i) => i).filter((i) => isMentor(people[i]));
  const mentees = people.map((p, i) => i).filter((i) => isMentee(people[i]));
  const capacity = new Map(mentors.map((i) => [i, people[i].capacity]));
  const byMember = new Map(people.map((p, i) => [p.memberId, i]));

  // Last round's pairs first: kept when both asked and the pair is still allowed, while capacity lasts.
  const pairs: MatchedPair[] = [];
  const matchedMentee = new Set<number>();
  const continuations: ContinuationOutcome[] = [];
  for (const previous of problem.previousPairs ?? []) {
    const mi = byMember.get(previous.mentorMemberId);
    const ei = byMember.get(previous.menteeMemberId);
    const asked = [mi, ei].filter((i) => i !== undefined && people[i].continueWithPrevious).length;
    if (asked === 0) continue;
    const outcome = (kept: boolean, reason: string) => continuations.push({ ...previous, kept, reason });
    if (mi === undefined || ei === undefined || asked < 2) {
      outcome(
        false,
        mi === undefined || ei === undefined ? 'only one of the two signed up for this round' : 'only one of the two asked to continue',
      );
      continue;
    }
    const assessed = assessPair(people[mi], people[ei], problem.on);
    if (!assessed.allowed) {
      outcome(false, `no longer allowed: ${assessed.reason}`);
      continue;
    }
    if (matchedMentee.has(ei)) {
      outcome(false, 'the mentee continues with another mentor from last round');
      continue;
    }
    if ((capacity.get(mi) ?? 0) < 1) {
      outcome(false, "the mentor's capacity is taken by other continuing pairs");
      continue;
    }
    capacity.set(mi, capacity.get(mi)! - 1);
    matchedMentee.add(ei);
    pairs.push({
      mentorSignupId: people[mi].signupId,
      menteeSignupId: people[ei].signupId,
      source: 'continued',
      score: assessed.score,
      components: [...assessed.components, { component: 'continuation', points: 0, reason: "continues last round's pair: both asked" }],
    });
    outcome(true, 'both asked and the pair is still allowed');
  }

  const edges: Edge[] = [];
  const candidates = new Map<number, number>();
  const couldMentor = new Set<number>();
  for (const ei of mentees) {
    for (const mi of mentors) {
      const assessed = assessPair(people[mi], people[ei], problem.on);
      if (!assessed.allowed) continue;
      couldMentor.add(mi);
      if (matchedMentee.has(ei) || (capacity.get(mi) ?? 0) < 1) continue;
      edges.push({
        mentor: mi,
        mentee: ei,
        weight: assessed.score + assessed.hiddenBonus,
        score: assessed.score,
        components: assessed.components,
      });
      candidates.set(ei, (candidates.get(ei) ?? 0) + 1);
    }
  }

  const chosen = solveMatching(edges, capacity, solve, problem.firstPairsPerMentee ?? FIRST_PAIRS_PER_MENTEE);
  for (const edge of chosen) {
    matchedMentee.add(edge.mentee);
    pairs.push({
      mentorSignupId: people[edge.mentor].signupId,
      menteeSignupId: people[edge.mentee].signupId,
      score: edge.score,
      components: edge.components,
      source: 'optimiser',
    });
  }

  const taken = new Map<string, number>();
  for (const pair of pairs) taken.set(pair.mentorSignupId, (taken.get(pair.mentorSignupId) ?? 0) + 1);
  const unmatched: UnmatchedParticipant[] = [];
  for (const ei of mentees) {
    if (matchedMentee.has(ei)) continue;
    const p = people[ei];
    unmatched.push({
      signupId: p.signupId,
      memberId: p.memberId,
      name: p.name ?? null,
      as: 'mentee',
      reason: candidates.has(ei)
        ? `each of the ${candidates.get(ei)} mentor${candidates.get(ei) === 1 ? '' : 's'} who could be paired with them ` +
          'was at capacity with pairs that scored higher in total'
        : whyNoCandidate(people, mentors, ei, problem.on),
    });
  }
  for (const mi of mentors) {
    const p = people[mi];
    const spare = p.capacity - (taken.get(p.signupId) ?? 0);
    if (spare <= 0 || (taken.get(p.signupId) ?? 0) > 0) continue;
    unmatched.push({
      signupId: p.signupId,
      memberId: p.memberId,
      name: p.name ?? null,
      as: 'mentor',
      spareCapacity: spare,
      reason: couldMentor.has(mi)
        ? 'the mentees who could be paired with them were matched with mentors who scored higher in total'
        : 'no mentee could be paired with them (institute, career stage or kinds of mentoring)',
    });
  }
  return {
    pairs,
    score: round(pairs.reduce((total, p) => total + p.score, 0)),
    unmatched,
    continuations,
    candidatePairs: edges.length,
  };
}

/** The first rule that leaves a mentee without any mentor, in the order a coordinator would check. */
function whyNoCandidate(people: MatchParticipant[], mentors: number[], ei: number, on: Date): string {
  const mentee = people[ei];
  const others = mentors.filter((mi) => people[mi].memberId !== mentee.memberId);
  if (others.length === 0) return 'no mentor signed up for this round';
  const offering = others.filter((mi) => sharedKinds(people[mi], mentee).length > 0);
  if (offering.length === 0) {
    return `no mentor offers what they seek (${mentee.kindsSought.map((k) => KIND_NAMES[k]).join(', ')})`;
  }
  const elsewhere = offering.filter((mi) => people[mi].instituteId !== mentee.instituteId);
  if (elsewhere.length === 0) return 'every mentor offering what they seek is at their own institute';
  const fitting = elsewhere.filter((mi) => assessPair(people[mi], mentee, on).allowed);
  if (fitting.length === 0) {
    return (
      `no mentor offering what they seek at another institute fits their career stage (${mentee.careerStage}): ` +
      'a mentor must be more senior, or a peer at least a year ahead'
    );
  }
  return 'every mentor who could be paired with them is taken by pairs continued from last round';
}

/** Each mentee's best pairs the first restricted program holds; the reduced costs bring in any other that matters. */
const FIRST_PAIRS_PER_MENTEE = 12;
const EPS = 1e-7;

/** Maximum-weight b-matching: each mentee at most one mentor, each mentor at most their capacity. */
function solveMatching(edges: Edge[], capacity: Map<number, number>, solve: PairSolver, firstPairs: number): Edge[] {
  if (edges.length === 0) return [];
  // Rows: one per mentee, then one per mentor, in the order they first appear.
  const rowOf = new Map<string, number>();
  const rowUpper: number[] = [];
  const row = (key: string, upper: number) => {
    let r = rowOf.get(key);
    if (r === undefined) {
      r = rowUpper.length;
      rowOf.set(key, r);
      rowUpper.push(upper);
    }
    return r;
  };
  const menteeRow = edges.map((e) => row(`e${e.mentee}`, 1));
  const mentorRow = edges.map((e) => row(`m${e.mentor}`, capacity.get(e.mentor) ?? 0));
  const upper = Float64Array.from(rowUpper);
  const program = (columns: number[], integral: boolean) =>
    solve({
      cost: Float64Array.from(columns, (k) => edges[k].weight),
      menteeRow: Int32Array.from(columns, (k) => menteeRow[k]),
      mentorRow: Int32Array.from(columns, (k) => mentorRow[k]),
      rowUpper: upper,
      integral,
    });

  const byMentee = new Map<number, number[]>();
  edges.forEach((e, k) => {
    const ks = byMentee.get(e.mentee);
    if (ks) ks.push(k);
    else byMentee.set(e.mentee, [k]);
  });
  const inProgram = new Uint8Array(edges.length);
  let columns: number[] = [];
  for (const ks of byMentee.values()) {
    for (const k of [...ks].sort((a, b) => edges[b].weight - edges[a].weight || a - b).slice(0, firstPairs)) {
      inProgram[k] = 1;
      columns.push(k);
    }
  }
  for (;;) {
    const solution = program(columns, false);
    if (!solution.optimal) throw new Error('the matching program has no optimum, which cannot be: choosing no pair is one');
    const dual = solution.dual.map(Math.abs);
    // Per mentee, the few pairs whose reduced cost is highest: enough to move the duals, few enough to keep the program small.
    const entering: number[] = [];
    for (const ks of byMentee.values()) {
      const better = ks.filter((k) => !inProgram[k] && edges[k].weight - dual[menteeRow[k]] - dual[mentorRow[k]] > EPS);
      const reduced = (k: number) => edges[k].weight - dual[mentorRow[k]];
      entering.push(...better.sort((a, b) => reduced(b) - reduced(a) || a - b).slice(0, firstPairs));
    }
    if (entering.length === 0) {
      if ([...solution.x].every((v) => Math.abs(v - Math.round(v)) <= 1e-6)) {
        return columns.filter((_, j) => solution.x[j] > 0.5).map((k) => edges[k]);
      }
      break;
    }
    for (const k of entering) inProgram[k] = 1;
    columns = columns.concat(entering);
  }
  // Not reached on a bipartite program; kept so the answer is exact whatever the LP returns.
  const all = edges.map((_, k) => k);
  const whole = program(all, true);
  if (!whole.optimal) throw new Error('the matching program stopped without a proven optimum');
  return all.filter((k) => whole.x[k] > 0.5).map((k) => edges[k]);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
