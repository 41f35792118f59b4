// Equal treatment at a given career stage: per stage, nominations and allocations by gender with the
// allocation rate, and across stages the Cochran-Mantel-Haenszel test of women against men.
// Pure: counted rows in, report out.
import { CAREER_STAGES, CareerStage, GENDERS, Gender } from '../common/enums';
import { EquityRow } from './balance.sql';
import { ALPHA, cochranMantelHaenszel, formatP, MantelHaenszelResult, wilsonInterval } from './statistics';
import { isSmallCount } from './suppression';

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
  /** The conclusion in one plain sentence, including when there is too little data to tell. */
  reading: string;
} & Partial<
  Pick<MantelHaenszelResult, 'strata' | 'oddsRatio' | 'ci95' | 'logOddsRatioStderr' | 'chiSquare' | 'pValue' | 'continuityCorrection'>
>;

export const CMH_TEST =
  'Cochran-Mantel-Haenszel test over career stages (continuity-corrected, 1 df); ' +
  'Mantel-Haenszel common odds ratio with Robins-Breslow-Greenland 95 % interval';

/**
 * The counts are what is published: exact for admins, noisy for everyone else (src/privacy/), and the
 * rates and the stratified test are computed from them. A gender count 0 < n < threshold is hidden.
 */
export function equityReport(rows: EquityRow[], threshold: number): { strata: EquityStratum[]; test: EquityTest } {
  const row = (stage: string, gender: string) => rows.find((r) => r.career_stage === stage && r.gender === gender);
  const nominations = CAREER_STAGES.map((stage) => GENDERS.map((g) => row(stage, g)?.nominations ?? 0));
  // With noise, the allocated count could come out above the nominations it is a part of.
  const allocations = CAREER_STAGES.map((stage, s) => GENDERS.map((g, i) => Math.min(row(stage, g)?.allocations ?? 0, nominations[s][i])));
  const small = (n: number) => isSmallCount(n, threshold);
  const strata = CAREER_STAGES.map((careerStage, s): EquityStratum => {
    const cells = GENDERS.map((gender, g): EquityCell => {
      const n = nominations[s][g];
      const a = allocations[s][g];
      const suppressed = small(n) || small(a);
      const shown = !suppressed && n > 0;
      return {
        gender,
        nominations: small(n) ? null : n,
        allocations: small(a) ? null : a,
        rate: shown ? a / n : null,
        ci95: shown ? wilsonInterval(a, n) : null,
        suppressed,
      };
    });
    return {
      careerStage,
      nominations: nominations[s].reduce((a, b) => a + b, 0),
      allocations: allocations[s].reduce((a, b) => a + b, 0),
      cells,
    };
  });
  const comparable = strata.some((st) =>
    ['woman', 'man'].every((g) => {
      const cell = st.cells.find((c) => c.gender === g) as EquityCell;
      return !cell.suppressed && (cell.nominations ?? 0) > 0;
    }),
  );
  return { strata, test: cmhWomenVersusMen({ nominations, allocations }, threshold, comparable) };
}

/**
 * The stratified test is an aggregate over all stages. It is shown only when women and men each have
 * at least `threshold` nominations in total, so it does not describe a handful of people.
 */
function cmhWomenVersusMen(
  published: { nominations: number[][]; allocations: number[][] },
  threshold: number,
  comparable: boolean,
): EquityTest {
  const { nominations, allocations } = published;
  const woman = GENDERS.indexOf('woman');
  const man = GENDERS.indexOf('man');
  const base = { name: CMH_TEST, comparison: 'woman vs man (odds of being allocated)' };
  const women = nominations.reduce((s, row) => s + row[woman], 0);
  const men = nominations.reduce((s, row) => s + row[man], 0);
  if (women < threshold || men < threshold) {
    const reason = `fewer than ${threshold} nominations of women or of men in the period`;
    return {
      ...base,
      shown: false,
      reason,
      reading: `Too little data to tell whether women and men at the same career stage are allocated at different rates (${reason}).`,
    };
  }
  if (!comparable) {
    const reason = "no career stage shows both the women's and the men's counts";
    return {
      ...base,
      shown: false,
      reason,
      reading: `Too little data to tell whether women and men at the same career stage are allocated at different rates (${reason}).`,
    };
  }
  const strata = nominations.map((row, s) => ({
    a: allocations[s][woman],
    b: row[woman] - allocations[s][woman],
    c: allocations[s][man],
    d: row[man] - allocations[s][man],
  }));
  // The observed and expected counts of allocated women are left out: they are gender counts.
  const { observed: _o, expected: _e, variance: _v, ...result } = cochranMantelHaenszel(strata);
  return { ...base, shown: true, reason: null, reading: equityReading(result), ...result };
}

/** The stratified test's conclusion as a diversity officer would say it. */
function equityReading(r: Pick<MantelHaenszelResult, 'oddsRatio' | 'ci95' | 'pValue'>): string {
  if (r.pValue === null || r.oddsRatio === null || r.ci95 === null) {
    return (
      'Too little data to tell whether women and men at the same career stage are allocated at different rates ' +
      '(no career stage has both women and men allocated and not allocated).'
    );
  }
  const detail = `common odds ratio ${r.oddsRatio.toFixed(2)}, 95 % CI ${r.ci95[0].toFixed(2)} to ${r.ci95[1].toFixed(2)}, ${formatP(r.pValue)}`;
  if (r.pValue >= ALPHA) return `No evidence that women and men at the same career stage are allocated at different rates (${detail}).`;
  return `Women are allocated ${r.oddsRatio < 1 ? 'less' : 'more'} often than men at the same career stage (${detail}).`;
}
