// Equal treatment at a given career stage: per stage, nominations and allocations by gender with the
// allocation rate, and across stages the Cochran-Mantel-Haenszel test of women against men.
// Pure: counted rows in, report out.
import { CAREER_STAGES, CareerStage, GENDERS, Gender } from '../common/enums';
import { EquityRow } from './balance.sql';
import { perturbCount } from './cell-key';
import { cochranMantelHaenszel, MantelHaenszelResult, wilsonInterval } from './statistics';
import { suppressGenderTable } from './suppression';

export interface EquityCell {
  gender: Gender;
  nominations: number | null;
  allocations: number | null;
  /** allocations / nominations, with its Wilson 95 % interval; null if either count is hidden. */
  rate: number | null;
  ci95: [number, number] | null;
  suppressed: boolean;
}

export interface EquityStratum {
  careerStage: CareerStage;
  nominations: number;
  allocations: number;
  cells: EquityCell[];
}

export type EquityTest = {
  name: string;
  comparison: string;
  shown: boolean;
  reason: string | null;
} & Partial<Pick<MantelHaenszelResult,
  'strata' | 'oddsRatio' | 'ci95' | 'logOddsRatioStderr' | 'chiSquare' | 'pValue' | 'continuityCorrection'>>;

export const CMH_TEST = 'Cochran-Mantel-Haenszel test over career stages (continuity-corrected, 1 df); '
  + 'Mantel-Haenszel common odds ratio with Robins-Breslow-Greenland 95 % interval';

/**
 * With `perturb` (everyone but admins), the gender counts are published with the cell-key noise
 * (cell-key.ts), and the rates and the stratified test are computed from the published counts.
 */
export function equityReport(rows: EquityRow[], threshold: number, perturb = false): { strata: EquityStratum[]; test: EquityTest } {
  const row = (stage: string, gender: string) => rows.find((r) => r.career_stage === stage && r.gender === gender);
  const nominations = CAREER_STAGES.map((stage) => GENDERS.map((g) => row(stage, g)?.nominations ?? 0));
  const allocations = CAREER_STAGES.map((stage) => GENDERS.map((g) => row(stage, g)?.allocations ?? 0));
  const published = perturb ? perturbed(rows, nominations, allocations, threshold) : { nominations, allocations };

  // Nominations by stage and gender are hidden exactly as the balance report hides them; each stage's
  // row is then split into allocated and not allocated, with that row as its published total.
  const nominated = suppressGenderTable(nominations, threshold);
  const strata = CAREER_STAGES.map((careerStage, s): EquityStratum => {
    const notAllocated = nominations[s].map((n, g) => n - allocations[s][g]);
    const split = suppressGenderTable([allocations[s], notAllocated], threshold, nominated.cells[s]);
    const cells = GENDERS.map((gender, g): EquityCell => {
      const nominationsHidden = nominated.cells[s][g];
      const allocationsHidden = split.cells[0][g];
      const n = published.nominations[s][g];
      const a = published.allocations[s][g];
      const shown = !nominationsHidden && !allocationsHidden && n > 0;
      return {
        gender,
        nominations: nominationsHidden ? null : n,
        allocations: allocationsHidden ? null : a,
        rate: shown ? a / n : null,
        ci95: shown ? wilsonInterval(a, n) : null,
        suppressed: nominationsHidden || allocationsHidden,
      };
    });
    return {
      careerStage,
      nominations: nominations[s].reduce((a, b) => a + b, 0),
      allocations: allocations[s].reduce((a, b) => a + b, 0),
      cells,
    };
  });
  return { strata, test: cmhWomenVersusMen(nominations, published, threshold) };
}

/** The published counts with noise; allocations never exceed the nominations they come from. */
function perturbed(rows: EquityRow[], nominations: number[][], allocations: number[][], threshold: number) {
  const key = (s: number, g: number, field: 'nominations_key' | 'allocations_key') =>
    rows.find((r) => r.career_stage === CAREER_STAGES[s] && r.gender === GENDERS[g])?.[field] ?? 0;
  const shownNominations = nominations.map((row, s) => row.map((n, g) => perturbCount(n, key(s, g, 'nominations_key'), threshold)));
  return {
    nominations: shownNominations,
    allocations: allocations.map((row, s) => row.map((a, g) =>
      Math.min(perturbCount(a, key(s, g, 'allocations_key'), threshold), shownNominations[s][g]))),
  };
}

/**
 * The stratified test is an aggregate over all stages. It is shown only when women and men each have
 * at least `threshold` nominations in total, so it does not describe a handful of people.
 */
function cmhWomenVersusMen(
  trueNominations: number[][], published: { nominations: number[][]; allocations: number[][] }, threshold: number,
): EquityTest {
  const { nominations, allocations } = published;
  const woman = GENDERS.indexOf('woman');
  const man = GENDERS.indexOf('man');
  const base = { name: CMH_TEST, comparison: 'woman vs man (odds of being allocated)' };
  const women = trueNominations.reduce((s, row) => s + row[woman], 0);
  const men = trueNominations.reduce((s, row) => s + row[man], 0);
  if (women < threshold || men < threshold) {
    return { ...base, shown: false, reason: `fewer than ${threshold} nominations of women or of men in the period` };
  }
  const strata = nominations.map((row, s) => ({
    a: allocations[s][woman], b: row[woman] - allocations[s][woman],
    c: allocations[s][man], d: row[man] - allocations[s][man],
  }));
  // The observed and expected counts of allocated women are left out: they are gender counts.
  const { observed: _o, expected: _e, variance: _v, ...result } = cochranMantelHaenszel(strata);
  return { ...base, shown: true, reason: null, ...result };
}
