// The funnel membership -> nominations -> allocations -> accepted, side by side per value of a
// dimension, so a bias already in the nomination pool shows apart from the committee's choices.
// Pure: counted rows in, report out.
import { CAREER_STAGES, GENDERS } from '../common/enums';
import { CountRow, Dimension, FUNNEL_STAGES, FunnelStage } from './balance.sql';
import { ALPHA, estimateProportion, formatP, holmAdjust, percent, twoProportionScoreTest } from './statistics';
import { isSmallCount } from './suppression';

export interface FunnelCell {
  stage: FunnelStage;
  count: number | null;
  share: number | null;
  stderr: number | null;
  ci95: [number, number] | null;
  suppressed: boolean;
  /** This stage's share against the previous stage's (two-proportion score test); null on the first stage or if hidden. */
  vsPrevious: { difference: number; z: number; pValue: number; pValueAdjusted: number; significant: boolean } | null;
}

export interface FunnelValue {
  value: string;
  name: string | null;
  stages: FunnelCell[];
}

/**
 * The counts are what is published: exact for admins, noisy for everyone else (src/privacy/). A
 * stage's total is the sum of its cells, so shares add up; a gender count 0 < n < threshold is hidden.
 */
export function funnelValues(
  rows: CountRow[],
  dimension: Dimension,
  threshold: number,
): { totals: Record<FunnelStage, number>; values: FunnelValue[]; readings: string[] } {
  const names = new Map(rows.map((r) => [r.value, r.value_name]));
  const keys =
    dimension === 'gender'
      ? [...GENDERS]
      : dimension === 'careerStage'
        ? [...CAREER_STAGES]
        : [...new Set(rows.map((r) => r.value))].sort((a, b) => a.localeCompare(b));
  const countOf = (stage: string, key: string) => rows.filter((r) => r.side === stage && r.value === key).reduce((s, r) => s + r.count, 0);
  const counts = FUNNEL_STAGES.map((stage) => keys.map((key) => countOf(stage, key)));
  // Accepted talks are some of the allocations; noise must not make them more.
  const allocations = FUNNEL_STAGES.indexOf('allocations');
  const accepted = FUNNEL_STAGES.indexOf('accepted');
  counts[accepted] = counts[accepted].map((n, v) => Math.min(n, counts[allocations][v]));
  const totals = counts.map((row) => row.reduce((s, x) => s + x, 0));
  const hidden = counts.map((row) => row.map((n) => dimension === 'gender' && isSmallCount(n, threshold)));

  const values = keys.map((value, v): FunnelValue => ({
    value,
    name: names.get(value) ?? null,
    stages: FUNNEL_STAGES.map((stage, s): FunnelCell => {
      const suppressed = hidden[s][v];
      const estimate = estimateProportion(counts[s][v], totals[s]);
      const previousShown = s > 0 && !hidden[s - 1][v];
      const test =
        !suppressed && previousShown && counts[s][v] + counts[s - 1][v] > 0
          ? twoProportionScoreTest(counts[s][v], totals[s], counts[s - 1][v], totals[s - 1])
          : null;
      return {
        stage,
        count: suppressed ? null : counts[s][v],
        share: suppressed ? null : estimate.share,
        stderr: suppressed ? null : estimate.stderr,
        ci95: suppressed ? null : estimate.ci95,
        suppressed,
        vsPrevious:
          test && estimate.share !== null
            ? {
                difference: estimate.share - counts[s - 1][v] / totals[s - 1],
                z: test.z,
                pValue: test.pValue,
                pValueAdjusted: test.pValue,
                significant: test.pValue < ALPHA,
              }
            : null,
      };
    }),
  }));
  // Every step of every value is a test: Holm's correction over all of them.
  const tests = values.flatMap((v) => v.stages.map((c) => c.vsPrevious).filter((t) => t !== null));
  holmAdjust(tests.map((t) => t.pValue)).forEach((p, i) => {
    tests[i].pValueAdjusted = p;
    tests[i].significant = p < ALPHA;
  });
  return {
    totals: Object.fromEntries(FUNNEL_STAGES.map((stage, s) => [stage, totals[s]])) as Record<FunnelStage, number>,
    values,
    readings: funnelReadings(values),
  };
}

const STEP: Record<FunnelStage, string> = {
  members: 'the membership',
  nominations: 'nominations',
  allocations: 'invitations',
  accepted: 'accepted talks',
};

/** Where a group is lost or gained between two stages, in sentences; or that nowhere beyond chance. */
function funnelReadings(values: FunnelValue[]): string[] {
  const readings: string[] = [];
  let tested = 0;
  for (const value of values) {
    value.stages.forEach((cell, s) => {
      if (!cell.vsPrevious) return;
      tested++;
      if (!cell.vsPrevious.significant) return;
      const previous = value.stages[s - 1];
      readings.push(
        `${value.name ?? value.value}: ${percent(cell.share as number)} of ${STEP[cell.stage]} against ` +
          `${percent(previous.share as number)} of ${STEP[previous.stage]}, ` +
          `${cell.vsPrevious.difference < 0 ? 'lost' : 'gained'} at this step (${formatP(cell.vsPrevious.pValueAdjusted)} after Holm correction).`,
      );
    });
  }
  if (!tested) return ['Too little data to compare the stages: the counts are empty or hidden.'];
  if (!readings.length)
    return [
      `No step of the funnel changes any share beyond what chance explains (${tested} ${tested === 1 ? 'step' : 'steps'} tested, Holm-corrected, 5 % level).`,
    ];
  return readings;
}
