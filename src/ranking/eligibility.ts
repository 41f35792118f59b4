// The eligibility formula, free of Nest and TypeORM so it can be read, tested and replayed alone.
// The SQL in ranking.sql.ts computes the same thing for many members at once; a test keeps the two equal.
import { CareerStage, ConferenceTier, TalkType } from '../common/enums';

export interface RankWeights {
  typeWeight: Record<TalkType, number>;
  tierWeight: Record<ConferenceTier, number>;
  /** A talk's weight halves every halfLifeYears. */
  halfLifeYears: number;
  /** Talks older than this are ignored. */
  windowYears: number;
  careerBonus: Record<CareerStage, number>;
}

export interface PastTalk {
  talkId?: string;
  date: string; // ISO date
  talkType: TalkType;
  tier: ConferenceTier;
}

/** A counted talk with what it weighs; keeps whatever else the caller attached (e.g. conference name). */
export type TalkContribution<T extends PastTalk = PastTalk> = T & {
  ageYears: number;
  decay: number;
  contribution: number;
};

export interface Eligibility<T extends PastTalk = PastTalk> {
  score: number;
  talkLoad: number;
  bonus: number;
  careerStage: CareerStage;
  /** The counted talks, heaviest first. */
  talks: TalkContribution<T>[];
}

const DAYS_PER_YEAR = 365.25;
const MS_PER_DAY = 86_400_000;

export function ageInYears(talkDate: string, asOf: string): number {
  return (Date.parse(asOf) - Date.parse(talkDate)) / MS_PER_DAY / DAYS_PER_YEAR;
}

/**
 * score = careerBonus[stage at asOf] - sum over talks strictly before asOf and within the window of
 * typeWeight x tierWeight x 0.5^(age / halfLife). Higher is more eligible.
 */
export function eligibility<T extends PastTalk>(
  talks: readonly T[],
  careerStage: CareerStage,
  asOf: string,
  weights: RankWeights,
): Eligibility<T> {
  const counted: TalkContribution<T>[] = [];
  for (const talk of talks) {
    const ageYears = ageInYears(talk.date, asOf);
    if (ageYears <= 0 || ageYears > weights.windowYears) continue;
    const decay = Math.pow(0.5, ageYears / weights.halfLifeYears);
    const contribution = weights.typeWeight[talk.talkType] * weights.tierWeight[talk.tier] * decay;
    // Object.assign rather than a spread with extra keys: on Node 20 the latter builds each copy some
    // hundred times slower, which a slot's few thousand talks would feel.
    counted.push(Object.assign({}, talk, { ageYears, decay, contribution }));
  }
  counted.sort((a, b) => b.contribution - a.contribution);
  const talkLoad = counted.reduce((sum, t) => sum + t.contribution, 0);
  const bonus = weights.careerBonus[careerStage] ?? 0;
  return { score: bonus - talkLoad, talkLoad, bonus, careerStage, talks: counted };
}

/**
 * What ranks compare: the score in units of 1e-9, rounded as PostgreSQL's round(float8) rounds (halves
 * to the even neighbour), the rank key of ranking.sql.ts. Two equal histories summed in a different
 * order (last-bit noise) still tie.
 */
export function rankKey(score: number): number {
  const scaled = score * 1e9;
  const rounded = Math.round(scaled);
  // Math.round takes a half up; rint takes it to the even neighbour.
  return rounded - scaled === 0.5 && rounded % 2 !== 0 ? rounded - 1 : rounded;
}

/** Competition ranking ("1224"): scores with the same rankKey share a rank. */
export function competitionRanks(scores: readonly number[]): number[] {
  const order = scores.map((s, i) => [rankKey(s), i] as const).sort((a, b) => b[0] - a[0]);
  const ranks = new Array<number>(scores.length);
  order.forEach(([key, index], position) => {
    const previous = order[position - 1];
    ranks[index] = previous && previous[0] === key ? ranks[previous[1]] : position + 1;
  });
  return ranks;
}
