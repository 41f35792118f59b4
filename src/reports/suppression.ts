// Small-cell suppression for tables that involve gender: a gender count with 0 < count < threshold is
// not shown. It is the published count that is compared with the threshold: exact for admins, noisy
// for everyone else. What protects individuals from everyone but admins is the noise (src/privacy/):
// a hidden count recomputed from the others is still only a noisy count, so no complementary cells
// are hidden, and the diversity office sees every cell that is safe to show.

/** Primary rule for one count. */
export function isSmallCount(count: number, threshold: number): boolean {
  return count > 0 && count < threshold;
}
