// HiGHS (compiled to WebAssembly) behind the small interface the slate model needs. Loading the
// runtime costs tens of milliseconds, so it is loaded once per process and reused; each solve gets a
// fresh native instance, so solves never share state.
import loadHighs from 'highs';

/** Outcome of one integer program written in CPLEX LP format. */
export interface LpOutcome {
  status: 'optimal' | 'infeasible';
  /** Column values by name (only when optimal). */
  values: Record<string, number>;
}

export type LpSolver = (lp: string) => LpOutcome;

/** Exact to the last unit of score: the default relative gap (1e-4) could return a slightly worse slate. */
const OPTIONS = { output_flag: false, mip_rel_gap: 0, mip_abs_gap: 1e-9, time_limit: 60, random_seed: 0 } as const;

let runtime: ReturnType<typeof loadHighs> | undefined;

export async function loadSlateSolver(): Promise<LpSolver> {
  runtime ??= loadHighs();
  const highs = await runtime;
  return (lp) => {
    const result = highs.solve(lp, OPTIONS);
    // Every column is a bounded binary, so "infeasible or unbounded" can only mean infeasible.
    if (result.Status === 'Infeasible' || result.Status === 'Primal infeasible or unbounded') {
      return { status: 'infeasible', values: {} };
    }
    if (result.Status !== 'Optimal') {
      throw new Error(`The slate solver stopped without a proven optimum: ${result.Status}`);
    }
    const values: Record<string, number> = {};
    for (const [name, column] of Object.entries(result.Columns)) values[name] = 'Primal' in column ? column.Primal : 0;
    return { status: 'optimal', values };
  };
}
