// Timing of the slate optimiser on a conference-sized instance (40 slots, 600 nominees), for the
// benchmark suite: `(await import('./src/slates/slate-bench')).benchmarkSlate()` -> milliseconds.
import { CAREER_STAGES, GENDERS } from '../common/enums';
import { SlateNominee, SlateProblem, suggestSlate } from './slate-model';
import { loadSlateSolver } from './slate-solver';

const REGIONS = ['CERN', 'FRANCE', 'GERMANY', 'ITALY', 'SWITZERLAND', 'UK', 'USA', 'RDMS',
  'OTHER_CERN_MEMBERS', 'OTHER_STATES_A', 'OTHER_STATES_B', 'UNASSIGNED'];

/** mulberry32: the same instance on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 40 slots of 1-3 seats; 600 members, each nominated for one or two slots; the usual kinds of targets. */
export function benchmarkInstance(seed = 20261124, slotCount = 40, memberCount = 600): SlateProblem {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const slots = Array.from({ length: slotCount }, (_, k) => ({ id: `slot-${k}`, seats: 1 + Math.floor(random() * 3) }));
  const nominees: SlateNominee[] = [];
  for (let m = 0; m < memberCount; m++) {
    const person = {
      memberId: `member-${m}`,
      careerStage: pick(CAREER_STAGES),
      region: pick(REGIONS),
      instituteId: `institute-${Math.floor(random() * 80)}`,
      gender: pick(GENDERS),
    };
    const first = Math.floor(random() * slotCount);
    const slotIds = random() < 0.4 ? [first, (first + 1 + Math.floor(random() * (slotCount - 1))) % slotCount] : [first];
    for (const k of slotIds) {
      nominees.push({ ...person, slotId: slots[k].id, score: Math.round((1 - 7 * random()) * 1e6) / 1e6, shortlisted: random() < 0.2 });
    }
  }
  return {
    slots,
    nominees,
    targets: {
      minCareerStage: { student: 8 },
      careerStages: [{ stages: ['student', 'postdoc'], atLeastShare: 0.3 }],
      maxPerInstitute: 3,
      maxPerRegion: 15,
      minPerRegion: { USA: 5, CERN: 4, RDMS: 2 },
      onePerPerson: true,
      gender: { genders: ['woman', 'nonbinary'], atLeastShare: 0.25 },
    },
    fixedIn: [{ slotId: nominees[0].slotId, memberId: nominees[0].memberId }],
    fixedOut: [nominees.find((n) => n.memberId !== nominees[0].memberId)!.memberId],
    shortlistWeight: 0.5,
  };
}

/**
 * Milliseconds for one full suggestion (main solve, rank-only slate and the per-target re-solves):
 * the median of three runs after one warm-up run, as a running service sees it. The very first solve
 * in a process is slower (the WebAssembly is still being optimised by V8): about 1-2 s on 2 cores.
 */
export async function benchmarkSlate(): Promise<number> {
  const solve = await loadSlateSolver();
  const problem = benchmarkInstance();
  const times: number[] = [];
  for (let run = 0; run < 4; run++) {
    const started = performance.now();
    const answer = suggestSlate(problem, solve);
    times.push(performance.now() - started);
    if (!answer.feasible) throw new Error(`benchmark instance unexpectedly infeasible: ${JSON.stringify(answer.conflict)}`);
  }
  return times.slice(1).sort((a, b) => a - b)[1];
}
