// Small-cell suppression for tables that involve gender, so that no report lets anybody learn one
// person's gender. Two rules:
// - primary: a gender count with 0 < count < threshold is not shown, and a group with fewer than
//   threshold people (0 < total < threshold) shows no gender breakdown at all, nor does a group whose
//   people all share one gender (that would tell the gender of everyone listed in it, e.g. of the
//   speakers named in a conference programme);
// - complementary: a hidden count must not be recoverable by adding and subtracting what is shown
//   (cells, group totals, and the gender totals that another report shows). More cells are hidden,
//   the smallest non-zero ones first, until no hidden count is determined by the published ones.

export const DEFAULT_MIN_CELL = 5;

/** The suppression threshold: env REPORT_MIN_CELL (an integer >= 1), else 5. */
export function minimumCellCount(env: Record<string, string | undefined> = process.env): number {
  const raw = env.REPORT_MIN_CELL;
  if (raw === undefined || raw.trim() === '') return DEFAULT_MIN_CELL;
  const value = Number(raw);
  return Number.isInteger(value) && value >= 1 ? value : DEFAULT_MIN_CELL;
}

/** Primary rule for one count. */
export function isSmallCount(count: number, threshold: number): boolean {
  return count > 0 && count < threshold;
}

/** Everyone in the group has the same gender: the breakdown would disclose each member's. */
export function isGroupDisclosure(counts: number[]): boolean {
  const total = counts.reduce((s, x) => s + x, 0);
  return total > 0 && counts.some((x) => x === total);
}

/**
 * One group's cells (e.g. the gender counts of a whole population). The group total is published,
 * so a single hidden cell would be total minus the others: a second one is hidden with it, the
 * smallest non-zero cell if there is one, else a zero cell.
 */
export function suppressRow(counts: number[], threshold: number): boolean[] {
  const total = counts.reduce((s, x) => s + x, 0);
  if (isSmallCount(total, threshold) || (counts.length > 1 && isGroupDisclosure(counts))) return counts.map(() => true);
  const hidden = counts.map((x) => isSmallCount(x, threshold));
  if (hidden.filter(Boolean).length === 1 && counts.length > 1) {
    const partner = cheapestShown(counts, hidden);
    if (partner >= 0) hidden[partner] = true;
  }
  return hidden;
}

function cheapestShown(counts: number[], hidden: boolean[]): number {
  let best = -1;
  for (let i = 0; i < counts.length; i++) {
    if (hidden[i]) continue;
    if (best < 0 || complementCost(counts[i]) < complementCost(counts[best])) best = i;
  }
  return best;
}

/** Non-zero cells are preferred as complements (a known structural zero protects nothing). */
function complementCost(count: number): number {
  return count === 0 ? Number.MAX_SAFE_INTEGER / 2 : count;
}

export interface GenderTableSuppression {
  /** [row][gender column]: hidden cells. */
  cells: boolean[][];
  /** [gender column]: gender totals (column sums) that are hidden. */
  genderTotals: boolean[];
}

/**
 * A two-way table: rows are the values of the other dimension (institutes, regions, years...), columns
 * the gender values. Published are the shown cells, every row total (not sensitive), and the gender
 * totals (column sums) as the one-row report shows them (suppressed there with `suppressRow`), or as
 * given in `publishedGenderTotals` when another table publishes them (e.g. one stage's nominations,
 * split into allocated and not allocated); a given pattern must hide 0 or at least 2 cells.
 *
 * Hidden cells are unknowns in linear equations: one per row (row total), one per column (column sum
 * minus the gender total), one for the gender totals (grand total). Seen as a bipartite graph (row
 * nodes, column nodes, a hidden cell = an edge; the gender totals form one more row), an unknown is
 * determined exactly when its edge is a bridge: on a cycle it can be moved +1/-1 around the cycle
 * without changing anything published. So cells are added, each time completing the cheapest
 * 4-cycle through a bridge, until no hidden cell is a bridge.
 */
export function suppressGenderTable(
  counts: number[][], threshold: number, publishedGenderTotals?: boolean[],
): GenderTableSuppression {
  const columns = counts[0]?.length ?? 0;
  const genderTotalCounts = Array.from({ length: columns }, (_, c) => counts.reduce((s, row) => s + row[c], 0));
  const genderTotals = publishedGenderTotals ? [...publishedGenderTotals] : suppressRow(genderTotalCounts, threshold);
  if (counts.length <= 1 || columns <= 1) {
    // One row is the gender totals themselves: the same suppression, or the reports would disagree.
    return { cells: counts.map(() => [...genderTotals]), genderTotals };
  }
  const cells = counts.map((row) => {
    const total = row.reduce((s, x) => s + x, 0);
    const wholeRow = isSmallCount(total, threshold) || isGroupDisclosure(row);
    return row.map((x) => wholeRow || isSmallCount(x, threshold));
  });
  // Row index counts.length is the gender-totals row; it is fixed (published by another report).
  const marginRow = counts.length;
  const value = (r: number, c: number) => (r === marginRow ? genderTotalCounts[c] : counts[r][c]);
  const isHidden = (r: number, c: number) => (r === marginRow ? genderTotals[c] : cells[r][c]);

  for (;;) {
    const bridge = findBridge(cells, genderTotals);
    if (!bridge) break;
    const [r, c] = bridge;
    let best: { add: [number, number][]; cost: number[] } | null = null;
    for (let r2 = 0; r2 <= marginRow; r2++) {
      if (r2 === r) continue;
      for (let c2 = 0; c2 < columns; c2++) {
        if (c2 === c) continue;
        const corners: [number, number][] = [[r, c2], [r2, c], [r2, c2]];
        const add = corners.filter(([rr, cc]) => !isHidden(rr, cc));
        if (add.some(([rr]) => rr === marginRow)) continue;
        const values = add.map(([rr, cc]) => value(rr, cc));
        const cost = [add.length, values.filter((x) => x === 0).length, values.reduce((s, x) => s + x, 0)];
        if (!best || lexicographicallyLess(cost, best.cost)) best = { add, cost };
      }
    }
    if (!best) {
      // Cannot happen with two or more rows and columns; hiding everything is the safe answer.
      return { cells: counts.map((row) => row.map(() => true)), genderTotals: genderTotals.map(() => true) };
    }
    for (const [rr, cc] of best.add) cells[rr][cc] = true;
  }
  return { cells, genderTotals };
}

function lexicographicallyLess(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}

/**
 * The first hidden cell whose edge is a bridge of the hidden-cell graph, as [row, column] (the row
 * may be the gender-totals row, index cells.length), or null. Iterative Tarjan low-link.
 */
function findBridge(cells: boolean[][], genderTotals: boolean[]): [number, number] | null {
  const rows = cells.length + 1;
  const columns = genderTotals.length;
  const nodeCount = rows + columns;
  const adjacency: { to: number; edge: number }[][] = Array.from({ length: nodeCount }, () => []);
  const edges: [number, number][] = [];
  const hiddenAt = (r: number, c: number) => (r === cells.length ? genderTotals[c] : cells[r][c]);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      if (!hiddenAt(r, c)) continue;
      const edge = edges.length;
      edges.push([r, c]);
      adjacency[r].push({ to: rows + c, edge });
      adjacency[rows + c].push({ to: r, edge });
    }
  }
  const order = new Array<number>(nodeCount).fill(-1);
  const low = new Array<number>(nodeCount).fill(0);
  let counter = 0;
  for (let start = 0; start < nodeCount; start++) {
    if (order[start] >= 0) continue;
    const stack: { node: number; viaEdge: number; next: number }[] = [{ node: start, viaEdge: -1, next: 0 }];
    order[start] = low[start] = counter++;
    while (stack.length) {
      const frame = stack[stack.length - 1];
      if (frame.next < adjacency[frame.node].length) {
        const { to, edge } = adjacency[frame.node][frame.next++];
        if (edge === frame.viaEdge) continue;
        if (order[to] < 0) {
          order[to] = low[to] = counter++;
          stack.push({ node: to, viaEdge: edge, next: 0 });
        } else {
          low[frame.node] = Math.min(low[frame.node], order[to]);
        }
      } else {
        stack.pop();
        const parent = stack[stack.length - 1];
        if (parent) {
          low[parent.node] = Math.min(low[parent.node], low[frame.node]);
          if (low[frame.node] > order[parent.node]) return edges[frame.viaEdge];
        }
      }
    }
  }
  return null;
}
