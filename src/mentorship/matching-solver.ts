// HiGHS (WebAssembly) behind the one program the mentorship matching solves: each column is a
// possible pair, with a 1 in its mentee's row and in its mentor's row. The model is passed as arrays
// (no LP text to write and parse, which costs more than the solve at 600 x 300). The runtime is
// loaded once per process; each solve gets a fresh native instance.
import loadHighs from 'highs';

export interface PairProgram {
  /** Objective weight of each column (maximised). */
  cost: Float64Array;
  /** Row of each column's mentee, and of its mentor (all rows: mentees first, then mentors). */
  menteeRow: Int32Array;
  mentorRow: Int32Array;
  /** Upper bound of every row: 1 for a mentee, the capacity for a mentor. */
  rowUpper: Float64Array;
  /** Solve with binary columns (branch and bound) rather than 0 <= x <= 1. */
  integral: boolean;
}

export interface PairSolution {
  optimal: boolean;
  x: Float64Array;
  /** Row duals of the linear program (meaningless for an integral solve). */
  dual: Float64Array;
}

export type PairSolver = (program: PairProgram) => PairSolution;

let runtime: ReturnType<typeof loadHighs> | undefined;

export async function loadPairSolver(): Promise<PairSolver> {
  runtime ??= loadHighs();
  const highs = await runtime;
  return (p) => {
    const n = p.cost.length;
    const rows = p.rowUpper.length;
    const starts = new Int32Array(n + 1);
    const indices = new Int32Array(2 * n);
    for (let k = 0; k < n; k++) {
      starts[k + 1] = 2 * (k + 1);
      indices[2 * k] = p.menteeRow[k];
      indices[2 * k + 1] = p.mentorRow[k];
    }
    return highs.withModel(
      {
        numCols: n,
        numRows: rows,
        sense: highs.constants.objectiveSense.maximize,
        colCost: p.cost,
        colLower: new Float64Array(n),
        colUpper: new Float64Array(n).fill(1),
        rowLower: new Float64Array(rows).fill(-highs.infinity),
        rowUpper: p.rowUpper,
        matrix: { format: 'csc', numRows: rows, numCols: n, starts, indices, values: new Float64Array(2 * n).fill(1) },
        ...(p.integral ? { integrality: new Int32Array(n).fill(1) } : {}),
      },
      (model) => {
        // Exact: no relative gap for the branch and bound, and the same answer on every run.
        model.options.set({ output_flag: false, mip_rel_gap: 0, mip_abs_gap: 1e-9, time_limit: 60, random_seed: 0 });
        const run = model.run();
        const solution = model.getSolution();
        return {
          optimal: run.modelStatus === highs.constants.modelStatus.optimal,
          x: Float64Array.from(solution.colValue),
          dual: Float64Array.from(solution.rowDual),
        };
      },
    );
  };
}
