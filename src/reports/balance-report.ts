// Turns counted rows into a balance table: groups of cells with shares, standard errors and Wilson
// intervals, small-cell suppression wherever gender is involved, and an optional comparison with a
// baseline population. Pure: rows in, report out.
import { CAREER_STAGES, GENDERS } from '../common/enums';
import { CountRow, Dimension } from './balance.sql';
import { perturbCount } from './cell-key';
import { ALPHA, estimateProportion, TWO_PROPORTION_TEST, twoProportionScoreTest } from './statistics';
import { suppressGenderTable, suppressRow } from './suppression';

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
}

/** The axis of a table that is not the cells' dimension: a dimension, a calendar year or a stage. */
export type GroupAxis = Dimension | 'year' | 'stage' | null;

export interface TableOptions {
  dimension: Dimension;
  within: GroupAxis;
  threshold: number;
  /** Group keys that must appear even when empty, in this order (e.g. every year of a trend). */
  groupKeys?: string[];
  /** Publish gender counts with the cell-key noise (everyone but admins). */
  perturb?: boolean;
}

interface Counted {
  keys: string[];
  names: Map<string, string | null>;
  groups: { key: string | null; name: string | null }[];
  counts: number[][]; // [group][value]
  cellKeys: number[][]; // [group][value]: sums of record keys (perturbCount reads them modulo 256)
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
  if (within === 'year' || within === 'stage') return [...all];
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
  const cellKeys = groupKeys.map(() => keys.map(() => 0));
  for (const row of rows) {
    const g = groupIndex.get(options.within ? row.group_key : null);
    const v = valueIndex.get(row.value);
    if (g === undefined || v === undefined) continue;
    counts[g][v] += row.count;
    cellKeys[g][v] += row.cell_key ?? 0;
  }
  return {
    keys,
    names,
    groups: groupKeys.map((key) => ({ key, name: key === null ? null : names.get(`g:${key}`) ?? null })),
    counts,
    cellKeys,
  };
}

interface Hidden {
  cells: boolean[][]; // [group][value]
  totals: boolean[]; // [group]
}

/**
 * Which cells and group totals are hidden. Gender as the dimension: groups are rows, genders the
 * columns. Gender as the grouping: the table is transposed (values are rows, gender groups the
 * columns) and a gender group's total is itself a gender count, hidden like one.
 */
function hiddenCells(options: TableOptions, counts: number[][]): Hidden {
  const none = { cells: counts.map((row) => row.map(() => false)), totals: counts.map(() => false) };
  if (options.dimension === 'gender') {
    if (counts.length === 1) return { cells: [suppressRow(counts[0], options.threshold)], totals: [false] };
    return { cells: suppressGenderTable(counts, options.threshold).cells, totals: counts.map(() => false) };
  }
  if (options.within === 'gender') {
    const values = counts[0]?.length ?? 0;
    const transposed = Array.from({ length: values }, (_, v) => counts.map((row) => row[v]));
    if (values === 0) {
      const totals = suppressRow(counts.map(() => 0), options.threshold);
      return { cells: counts.map(() => []), totals };
    }
    const result = suppressGenderTable(transposed, options.threshold);
    return {
      cells: counts.map((row, g) => row.map((_, v) => result.cells[v][g])),
      totals: result.genderTotals,
    };
  }
  return none;
}

interface Table {
  counted: Counted;
  hidden: Hidden;
  /** What is published: the counts and group totals, gender counts with the cell-key noise when asked. */
  counts: number[][];
  totals: number[];
}

function tabulate(rows: CountRow[], options: TableOptions, alsoValues?: Iterable<string>, alsoGroups?: Iterable<string>): Table {
  const counted = count(rows, options, alsoValues, alsoGroups);
  // Hiding is decided on the true counts; the noise is only on what is shown.
  const hidden = hiddenCells(options, counted.counts);
  const totals = counted.counts.map((row) => row.reduce((s, x) => s + x, 0));
  const gender = options.dimension === 'gender' || options.within === 'gender';
  if (!options.perturb || !gender) return { counted, hidden, counts: counted.counts, totals };
  const move = (n: number, key: number) => perturbCount(n, key, options.threshold);
  return {
    counted,
    hidden,
    counts: counted.counts.map((row, g) => row.map((n, v) => move(n, counted.cellKeys[g][v]))),
    // A gender group's total is a gender count too, with the key of all its records; other totals are not.
    totals: options.within === 'gender'
      ? totals.map((n, g) => move(n, counted.cellKeys[g].reduce((s, k) => s + k, 0)))
      : totals,
  };
}

/**
 * The groups of a balance report. With a baseline, each shown cell also carries the baseline's
 * share and the two-proportion score test of the difference; anything computed from a hidden count
 * (on either side) is hidden too, or the hidden count could be solved for.
 */
export function balanceGroups(rows: CountRow[], options: TableOptions, baselineRows?: CountRow[]): BalanceGroup[] {
  const baselineOptions = { ...options, groupKeys: undefined };
  const provisional = baselineRows ? tabulate(baselineRows, baselineOptions) : null;
  const main = tabulate(rows, options, provisional?.counted.keys,
    provisional?.counted.groups.map((g) => g.key).filter((k): k is string => k !== null));
  const baseline = baselineRows
    ? tabulate(baselineRows, baselineOptions, main.counted.keys,
      main.counted.groups.map((g) => g.key).filter((k): k is string => k !== null))
    : null;
  const { counted, hidden, counts, totals } = main;
  for (const [key, name] of baseline?.counted.names ?? []) if (!counted.names.get(key)) counted.names.set(key, name);

  return counted.groups.map((group, g) => {
    const totalHidden = hidden.totals[g];
    const total = totals[g];
    const b = baseline ? baseline.counted.groups.findIndex((bg) => bg.key === group.key) : -1;
    const baselineTotalHidden = baseline && b >= 0 ? baseline.hidden.totals[b] : true;
    const baselineTotal = baseline && b >= 0 ? baseline.totals[b] : 0;
    const cells = counted.keys.map((value, v): BalanceCell => {
      const suppressed = hidden.cells[g][v];
      const showShare = !suppressed && !totalHidden;
      // With noise, a count may exceed its noisy total by a little; a share stays within 0..1.
      const shown = Math.min(counts[g][v], total);
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
        const baselineCount = b >= 0 && bv >= 0 ? Math.min(baseline.counts[b][bv], baselineTotal) : 0;
        const usable = showShare && !baselineHidden;
        const test = usable ? twoProportionScoreTest(shown, total, baselineCount, baselineTotal) : null;
        const baselineShare = !baselineHidden && baselineTotal > 0 ? baselineCount / baselineTotal : null;
        cell.baselineShare = baselineShare;
        cell.difference = usable && cell.share !== null && baselineShare !== null ? cell.share - baselineShare : null;
        cell.z = test ? test.z : null;
        cell.pValue = test ? test.pValue : null;
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
}

export function comparisonOf(population: string): Comparison {
  return { population, test: TWO_PROPORTION_TEST, alpha: ALPHA };
}
