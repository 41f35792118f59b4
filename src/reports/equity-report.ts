// Equal treatment at a given career stage: per stage, nominations and allocations by gender with the
// allocation rate, and across stages the Cochran-Mantel-Haenszel test of women against men.
// Pure: counted rows in, report out.
import { CAREER_STAGES, CareerStage, GENDERS, Gender } from '../common/enums';
import { EquityRow } from './balance.sql';
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

export function equityReport(rows: EquityRow[], threshold: number): { strata: EquityStratum[]; test: EquityTest } {
  const count = (stage: string, gender: string, field: 'nominations' | 'allocations') =>
    rows.find((r) => r.career_stage === stage && r.gender === gender)?.[field] ?? 0;
  const nominations = CAREER_STAGES.map((stage) => GENDERS.map((g) => count(stage, g, 'nominations')));
  const allocations = CAREER_STAGES.map((stage) => GENDERS.map((g) => count(stage, g, 'allocations')));

  // Nominations by stage and gender are hidden exactly as the balance report hides them; each stage's
  // row is then split into allocated and not allocated, with that row as its published total.
  const nominated = suppressGenderTable(nominations, threshold);
  const strata = CAREER_STAGES.map((careerStage, s): EquityStratum => {
    const notAllocated = nominations[s].map((n, g) => n - allocations[s][g]);
    const split = suppressGenderTable([allocations[s], notAllocated], threshold, nominated.cells[s]);
    const cells = GENDERS.map((gender, g): EquityCell => {
      const nominationsHidden = nominated.cells[s][g];
      const allocationsHidden = split.cells[0][g];
      const shown = !nominationsHidden && !allocationsHidden && nominations[s][g] > 0;
      return {
        gender,
        nominations: nominationsHidden ? null : nominations[s][g],
        allocations: allocationsHidden ? null : allocations[s][g],
        rate: shown ? allocations[s][g] / nominations[s][g] : null,
        ci95: shown ? wilsonInterval(allocations[s][g], nominations[s][g]) : null,
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
  return { strata, test: cmhWomenVersusMen(nominations, allocations, threshold) };
}

/**
 * The stratified test is an aggregate over all stages. It is shown only when women and men each have
 * at least `threshold` nominations in total, so it does not describe a handful of people.
 */
function cmhWomenVersusMen(nominations: number[][], allocations: number[][], threshold: number): EquityTest {
  const woman = GENDERS.indexOf('woman');
  const man = GENDERS.indexOf('man');
  const base = { name: CMH_TEST, comparison: 'woman vs man (odds of being allocated)' };
  const women = nominations.reduce((s, row) => s + row[woman], 0);
  const men = nominations.reduce((s, row) => s + row[man], 0);
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
