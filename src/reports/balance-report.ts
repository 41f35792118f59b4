// Turns counted rows into a balance table: groups of cells with shares, standard errors and Wilson
// intervals, small-cell suppression wherever gender is involved, and an optional comparison with a
// baseline population. The rows' counts are what is published: exact for admins, already noisy for
// everyone else (src/privacy/), so a group's total is the sum of its cells and shares add up.
// Pure: rows in, report out.
import { CAREER_STAGES, GENDERS } from '../common/enums';
import { CountRow, Dimension } from './balance.sql';
import { ALPHA, estimateProportion, formatP, HOLM, holmAdjust, percent, TWO_PROPORTION_TEST, twoProportionScoreTest } from './statistics';
import { isSmallCount } from './suppression';

export interface BalanceCell {
  value: string;
  /** Region name (for region codes); null otherwise. */
  name: string | null;
  count: number | null;
  share: number | null;
  stderr: number | null;
  ci95: [number, number] | null;
  suppressed: boolean;
  baselineShare?: number | null;
  difference?: number | null;
  z?: number | null;
  pValue?: number | null;
  /** The p-value after the Holm correction over every cell tested in the answer. */
  pValueAdjusted?: number | null;
  /** pValueAdjusted < alpha. */
  significant?: boolean | null;
}

export interface BalanceGroup {
  key: string | null;
  name: string | null;
  /** Null when the group is a gender too small to show (`within=gender`). */
  total: number | null;
  totalSuppressed: boolean;
  baselineTotal?: number | null;
  cells: BalanceCell[];
}

export interface Comparison {
  population: string;
  test: string;
  alpha: number;
  /** How the many cells tested at once are corrected for. */
  correction: string;
  /** What exactly is set against what, in one sentence (which day's membership, which period). */
  compared: string;
}

/** The axis of a table that is not the cells' dimension: a dimension, a calendar year, a stage or a leadership level. */
export type GroupAxis = Dimension | 'year' | 'stage' | 'level' | null;

export interface TableOptions {
  dimension: Dimension;
  within: GroupAxis;
  threshold: number;
  /** Group keys that must appear even when empty, in this order (e.g. every year of a trend). */
  groupKeys?: string[];
}

interface Counted {
  keys: string[];
  names: Map<string, string | null>;
  groups: { key: string | null; name: string | null }[];
  counts: number[][]; // [group][value]
}

/** Every value of an enumerated dimension is shown, with zeros; other values as they occur. */
function valueOrder(dimension: Dimension, seen: Iterable<string>): string[] {
  if (dimension === 'gender') return [...GENDERS];
  if (dimension === 'careerStage') return [...CAREER_STAGES];
  return [...new Set(seen)].sort((a, b) => a.localeCompare(b));
}

function groupOrder(within: GroupAxis, seen: Iterable<string>, required: string[] | undefined): string[] {
  if (within === 'gender') return [...GENDERS];
  if (within === 'careerStage') return [...CAREER_STAGES];
  const all = new Set([...(required ?? []), ...seen]);
  if (within === 'year' || within === 'stage' || within === 'level') return [...all];
  return [...all].sort((a, b) => a.localeCompare(b));
}

function count(rows: CountRow[], options: TableOptions, alsoValues: Iterable<string> = [], alsoGroups: Iterable<string> = []): Counted {
  const names = new Map<string, string | null>();
  for (const row of rows) {
    names.set(`v:${row.value}`, row.value_name);
    if (row.group_key !== null) names.set(`g:${row.group_key}`, row.group_name);
  }
  const keys = valueOrder(options.dimension, [...rows.map((r) => r.value), ...alsoValues]);
  const groupKeys: (string | null)[] = options.within
    ? groupOrder(options.within, [...rows.map((r) => r.group_key as string), ...alsoGroups], options.groupKeys)
    : [null];
  const valueIndex = new Map(keys.map((k, i) => [k, i]));
  const groupIndex = new Map(groupKeys.map((k, i) => [k, i]));
  const counts = groupKeys.map(() => keys.map(() => 0));
  for (const row of rows) {
    const g = groupIndex.get(options.within ? row.group_key : null);
    const v = valueIndex.get(row.value);
    if (g === undefined || v === undefined) continue;
    counts[g][v] += row.count;
  }
  return {
    keys,
    names,
    groups: groupKeys.map((key) => ({ key, name: key === null ? null : (names.get(`g:${key}`) ?? null) })),
    counts,
  };
}

interface Hidden {
  cells: boolean[][]; // [group][value]
  totals: boolean[]; // [group]
}

/**
 * Which cells and group totals are hidden: a gender count 0 < n < threshold (the primary rule). With
 * gender as the grouping, a group's total is itself a gender count, hidden like one. Nothing more is
 * hidden: an admin may see any individual's gender anyway, and everyone else's counts carry noise, so
 * a hidden count recomputed from the others is still only a noisy count.
 */
function hiddenCells(options: TableOptions, counts: number[][]): Hidden {
  const small = (n: number) => isSmallCount(n, options.threshold);
  if (options.dimension === 'gender') {
    return { cells: counts.map((row) => row.map(small)), totals: counts.map(() => false) };
  }
  if (options.within === 'gender') {
    return {
      cells: counts.map((row) => row.map(small)),
      totals: counts.map((row) => small(row.reduce((s, x) => s + x, 0))),
    };
  }
  return { cells: counts.map((row) => row.map(() => false)), totals: counts.map(() => false) };
}

interface Table {
  counted: Counted;
  hidden: Hidden;
  counts: number[][];
  totals: number[];
}

function tabulate(rows: CountRow[], options: TableOptions, alsoValues?: Iterable<string>, alsoGroups?: Iterable<string>): Table {
  const counted = count(rows, options, alsoValues, alsoGroups);
  const totals = counted.counts.map((row) => row.reduce((s, x) => s + x, 0));
  return { counted, hidden: hiddenCells(options, counted.counts), counts: counted.counts, totals };
}

/**
 * The groups of a balance report. With a baseline, each shown cell also carries the baseline's
 * share and the two-proportion score test of the difference; anything computed from a hidden count
 * (on either side) is hidden too, or the hidden count could be solved for.
 */
export function balanceGroups(rows: CountRow[], options: TableOptions, baselineRows?: CountRow[]): BalanceGroup[] {
  const baselineOptions = { ...options, groupKeys: undefined };
  const provisional = baselineRows ? tabulate(baselineRows, baselineOptions) : null;
  const main = tabulate(
    rows,
    options,
    provisional?.counted.keys,
    provisional?.counted.groups.map((g) => g.key).filter((k): k is string => k !== null),
  );
  const baseline = baselineRows
    ? tabulate(
        baselineRows,
        baselineOptions,
        main.counted.keys,
        main.counted.groups.map((g) => g.key).filter((k): k is string => k !== null),
      )
    : null;
  const { counted, hidden, counts, totals } = main;
  for (const [key, name] of baseline?.counted.names ?? []) if (!counted.names.get(key)) counted.names.set(key, name);

  const groups = counted.groups.map((group, g) => {
    const totalHidden = hidden.totals[g];
    const total = totals[g];
    const b = baseline ? baseline.counted.groups.findIndex((bg) => bg.key === group.key) : -1;
    const baselineTotalHidden = baseline && b >= 0 ? baseline.hidden.totals[b] : true;
    const baselineTotal = baseline && b >= 0 ? baseline.totals[b] : 0;
    const cells = counted.keys.map((value, v): BalanceCell => {
      const suppressed = hidden.cells[g][v];
      const showShare = !suppressed && !totalHidden;
      const shown = counts[g][v];
      const estimate = estimateProportion(shown, total);
      const cell: BalanceCell = {
        value,
        name: counted.names.get(`v:${value}`) ?? null,
        count: suppressed ? null : counts[g][v],
        share: showShare ? estimate.share : null,
        stderr: showShare ? estimate.stderr : null,
        ci95: showShare ? estimate.ci95 : null,
        suppressed,
      };
      if (baseline) {
        const bv = baseline.counted.keys.indexOf(value);
        const baselineHidden = b < 0 || bv < 0 || baselineTotalHidden || baseline.hidden.cells[b][bv];
        const baselineCount = b >= 0 && bv >= 0 ? baseline.counts[b][bv] : 0;
        const usable = showShare && !baselineHidden;
        // Nobody on either side: nothing to test, and counting it would only weaken the correction.
        const test = usable && shown + baselineCount > 0 ? twoProportionScoreTest(shown, total, baselineCount, baselineTotal) : null;
        const baselineShare = !baselineHidden && baselineTotal > 0 ? baselineCount / baselineTotal : null;
        cell.baselineShare = baselineShare;
        cell.difference = usable && cell.share !== null && baselineShare !== null ? cell.share - baselineShare : null;
        cell.z = test ? test.z : null;
        cell.pValue = test ? test.pValue : null;
        cell.pValueAdjusted = null;
        cell.significant = test ? test.pValue < ALPHA : null;
      }
      return cell;
    });
    const out: BalanceGroup = {
      key: group.key,
      name: group.name,
      total: totalHidden ? null : total,
      totalSuppressed: totalHidden,
      cells,
    };
    if (baseline) out.baselineTotal = baselineTotalHidden ? null : baselineTotal;
    return out;
  });
  if (baseline) correctForMultipleTests(groups);
  return groups;
}

export function comparisonOf(population: string, compared: string): Comparison {
  return { population, test: TWO_PROPORTION_TEST, alpha: ALPHA, correction: HOLM, compared };
}

/**
 * Holm's correction over every tested cell of the answer: 20 of 230 institutes "significant" at 5 %
 * is what chance alone gives. Sets pValueAdjusted and significant in place.
 */
function correctForMultipleTests(groups: BalanceGroup[]): void {
  const tested = groups.flatMap((g) => g.cells).filter((c) => typeof c.pValue === 'number');
  const adjusted = holmAdjust(tested.map((c) => c.pValue as number));
  tested.forEach((c, i) => {
    c.pValueAdjusted = adjusted[i];
    c.significant = adjusted[i] < ALPHA;
  });
}

/**
 * What the comparison says, in sentences a diversity officer can act on: each share that differs
 * from the baseline beyond chance (after the correction), or that none does, or that there is too
 * little to compare.
 */
export function balanceReadings(groups: BalanceGroup[], population: string, baseline: string | null): string[] {
  if (!baseline) return [];
  const tested = groups.flatMap((g) => g.cells.map((c) => ({ g, c }))).filter(({ c }) => typeof c.pValue === 'number');
  if (!tested.length) return [`Too little data to compare ${population} with ${baseline}: every cell is empty or hidden.`];
  const differing = tested.filter(({ c }) => c.significant);
  if (!differing.length) {
    return [
      `No share of ${population} differs from ${baseline} beyond what chance explains ` +
        `(${tested.length} ${tested.length === 1 ? 'cell' : 'cells'} tested, Holm-corrected, 5 % level).`,
    ];
  }
  return differing.map(({ g, c }) => {
    const label = c.name ?? c.value;
    const where = g.key === null ? '' : ` within ${g.name ?? g.key}`;
    const direction = (c.difference ?? 0) < 0 ? 'fewer' : 'more';
    return (
      `${label}${where}: ${percent(c.share as number)} of ${population} against ${percent(c.baselineShare as number)} of ` +
      `${baseline}, ${direction} than the baseline predicts (${formatP(c.pValueAdjusted as number)} after Holm correction).`
    );
  });
}
