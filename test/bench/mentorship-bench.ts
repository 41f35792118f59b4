// The mentorship matching on a round of 600 mentees and 300 mentors from a 5,000-member, 230-institute
// collaboration, solved exactly by HiGHS (issue 22 asks for under 5 s on this machine). Run by
// bench.ts; also alone: node dist/test/bench/mentorship-bench.js [--seed N].
import { parseArgs } from 'node:util';
import { CareerStage } from '../../src/common/enums';
import { asParticipants, drawSignups, PoolMember } from '../../src/demo/mentorship-round';
import { integer, randomStream, uuid, weighted } from '../../src/demo/random';
import { matchRound } from '../../src/mentorship/mentorship-model';
import { loadPairSolver } from '../../src/mentorship/matching-solver';

export interface MentorshipFigures {
  mentees: number;
  mentors: number;
  candidatePairs: number;
  pairs: number;
  unmatchedMentees: number;
  /** Building the program, solving it and explaining the result, after the solver is loaded. */
  solveMs: number;
}

const COUNTRIES = [
  'CH',
  'US',
  'DE',
  'IT',
  'FR',
  'GB',
  'ES',
  'CN',
  'IN',
  'RU',
  'BR',
  'KR',
  'JP',
  'PL',
  'BE',
  'TR',
  'CZ',
  'FI',
  'GR',
  'PK',
  'MX',
  'AT',
];
const STAGES: Record<CareerStage, number> = { student: 30, postdoc: 25, nontenured: 15, tenured: 20, engineer: 7, other: 3 };

/** A collaboration of the given size: institutes of uneven sizes across the countries, members with stages. */
export function benchPool(seed: number, members = 5000, institutes = 230): PoolMember[] {
  const random = randomStream(seed, 'mentorship-bench');
  const places = Array.from({ length: institutes }, (_, k) => {
    const country = COUNTRIES[k % COUNTRIES.length];
    return { id: uuid(random), country, region: country === 'CH' ? 'CERN' : `R_${country}`, weight: 1 + random() ** 3 * 30 };
  });
  const total = places.reduce((t, p) => t + p.weight, 0);
  const pool: PoolMember[] = [];
  for (let i = 0; i < members; i++) {
    let r = random() * total;
    const place = places.find((p) => (r -= p.weight) < 0) ?? places[places.length - 1];
    pool.push({
      memberId: uuid(random),
      name: `Member ${i}`,
      instituteId: place.id,
      country: place.country,
      region: place.region,
      careerStage: weighted(random, STAGES),
      stageSince: `${integer(random, 2010, 2026)}-${String(integer(random, 1, 12)).padStart(2, '0')}-01`,
    });
  }
  return pool;
}

export async function measureMentorship(seed = 42): Promise<MentorshipFigures> {
  const pool = benchPool(seed);
  const participants = asParticipants(
    drawSignups(randomStream(seed, 'mentorship-bench-signups'), pool, { mentees: 600, mentors: 300 }),
    pool,
  );
  const solve = await loadPairSolver();
  const start = process.hrtime.bigint();
  const result = matchRound({ participants, on: new Date('2027-03-01T12:00:00Z') }, solve);
  const solveMs = Number(process.hrtime.bigint() - start) / 1e6;
  return {
    mentees: participants.filter((p) => p.role !== 'mentor').length,
    mentors: participants.filter((p) => p.role !== 'mentee').length,
    candidatePairs: result.candidatePairs,
    pairs: result.pairs.length,
    unmatchedMentees: result.unmatched.filter((u) => u.as === 'mentee').length,
    solveMs,
  };
}

export function describeMentorship(f: MentorshipFigures): string {
  return (
    `Mentorship matching, ${f.mentees} mentees and ${f.mentors} mentors (${f.candidatePairs} allowed pairs): ` +
    `solved exactly in ${(f.solveMs / 1000).toFixed(2)} s (target < 5 s), ${f.pairs} pairs, ${f.unmatchedMentees} mentees unmatched`
  );
}

if (require.main === module) {
  const { values } = parseArgs({ options: { seed: { type: 'string', default: '42' } } });
  measureMentorship(Number(values.seed))
    .then((f) => console.log(describeMentorship(f)))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
