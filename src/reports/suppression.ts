// Small-cell suppression for tables that involve gender: a gender count with 0 < count < threshold is
// not shown. It is the published count that is compared with the threshold: exact for admins, noisy
// for everyone else. What protects individuals from everyone but admins is the noise (src/privacy/):
// a hidden count recomputed from the others is still only a noisy count, so no complementary cells
// are hidden, and the diversity office sees every cell that is safe to show.

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
