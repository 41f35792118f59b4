// The funnel membership -> nominations -> allocations -> accepted, side by side per value of a
// dimension, so a bias already in the nomination pool shows apart from the committee's choices.
// Pure: counted rows in, report out.
import { CAREER_STAGES, GENDERS } from '../common/enums';
import { CountRow, Dimension, FUNNEL_STAGES, FunnelStage } from './balance.sql';
import { perturbCount } from './cell-key';
import { ALPHA, estimateProportion, twoProportionScoreTest } from './statistics';
import { suppressGenderTable, suppressRow } from './suppression';

export interface FunnelCell {
  stage: FunnelStage;
  count: number | null;
  share: number | null;
  stderr: number | null;
  ci95: [number, number] | null;
  suppressed: boolean;
  /** This stage's share against the previous stage's (two-proportion score test); null on the first stage or if hidden. */
  vsPrevious: { difference: number; z: number; pValue: number; significant: boolean } | null;
}

export interface FunnelValue {
  value: string;
  name: string | null;
  stages: FunnelCell[];
}

/** With `perturb` (everyone but admins), gender counts are published with the cell-key noise (cell-key.ts). */
export function funnelValues(rows: CountRow[], dimension: Dimension, threshold: number, perturb = false):
  { totals: Record<FunnelStage, number>; values: FunnelValue[] } {
  const names = new Map(rows.map((r) => [r.value, r.value_name]));
  const keys = dimension === 'gender' ? [...GENDERS]
    : dimension === 'careerStage' ? [...CAREER_STAGES]
    : [...new Set(rows.map((r) => r.value))].sort((a, b) => a.localeCompare(b));
  const cellsOf = (stage: string, key: string) => rows.filter((r) => r.side === stage && r.value === key);
  const trueCounts = FUNNEL_STAGES.map((stage) => keys.map((key) => cellsOf(stage, key).reduce((s, r) => s + r.count, 0)));
  const totals = trueCounts.map((row) => row.reduce((s, x) => s + x, 0));
  const hidden = dimension === 'gender' ? hiddenGenderFunnel(trueCounts, threshold) : trueCounts.map((row) => row.map(() => false));
  // Stage totals are not gender counts and stay exact; accepted stays within allocations.
  const counts = dimension === 'gender' && perturb
    ? trueCounts.map((row, s) => row.map((n, v) => perturbCount(n,
      cellsOf(FUNNEL_STAGES[s], keys[v]).reduce((k, r) => k + (r.cell_key ?? 0), 0), threshold)))
    : trueCounts;
  if (counts !== trueCounts) {
    const allocations = FUNNEL_STAGES.indexOf('allocations');
    const accepted = FUNNEL_STAGES.indexOf('accepted');
    counts[accepted] = counts[accepted].map((n, v) => Math.min(n, counts[allocations][v]));
    for (const [s, row] of counts.entries()) counts[s] = row.map((n) => Math.min(n, totals[s]));
  }

  const values = keys.map((value, v): FunnelValue => ({
    value,
    name: names.get(value) ?? null,
    stages: FUNNEL_STAGES.map((stage, s): FunnelCell => {
      const suppressed = hidden[s][v];
      const estimate = estimateProportion(counts[s][v], totals[s]);
      const previousShown = s > 0 && !hidden[s - 1][v];
      const test = !suppressed && previousShown
        ? twoProportionScoreTest(counts[s][v], totals[s], counts[s - 1][v], totals[s - 1])
        : null;
      return {
        stage,
        count: suppressed ? null : counts[s][v],
        share: suppressed ? null : estimate.share,
        stderr: suppressed ? null : estimate.stderr,
        ci95: suppressed ? null : estimate.ci95,
        suppressed,
        vsPrevious: test && estimate.share !== null
          ? { difference: estimate.share - counts[s - 1][v] / totals[s - 1], z: test.z, pValue: test.pValue, significant: test.pValue < ALPHA }
          : null,
      };
    }),
  }));
  return { totals: Object.fromEntries(FUNNEL_STAGES.map((stage, s) => [stage, totals[s]])) as Record<FunnelStage, number>, values };
}

/**
 * Members, nominations and allocations are hidden as their own balance reports hide them. Accepted
 * talks are a subset of the allocations, so allocations minus accepted (the invitations still open)
 * is a gender count too: accepted and still-open form a table whose column sums are the allocations.
 */
function hiddenGenderFunnel(counts: number[][], threshold: number): boolean[][] {
  const [members, nominations, allocations, accepted] = counts;
  const allocationsHidden = suppressRow(allocations, threshold);
  const open = allocations.map((x, i) => x - accepted[i]);
  const split = suppressGenderTable([accepted, open], threshold, allocationsHidden);
  return [suppressRow(members, threshold), suppressRow(nominations, threshold), allocationsHidden, split.cells[0]];
}
