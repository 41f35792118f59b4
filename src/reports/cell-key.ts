// Noise against differencing: the cell-key method of the Australian Bureau of Statistics (TableBuilder)
// and of the UK's 2021 census outputs. Suppression alone cannot stop a reader from subtracting two
// reports whose filters differ by a little (two periods, a tier, one conference) and so counting the
// few records in between. So every gender count a report publishes to anyone but an admin carries a
// small noise that is a function of the records it counts:
// - every record (talk, nomination, allocation, member) has a record key in 0..255, drawn at random
//   when it is written and never shown (see the AddRecordKeys migration);
// - a count's cell key is the sum of its records' keys modulo 256, computed in the counting query;
// - the cell key picks the noise from a fixed table: 0 (half of the keys), +-1 or +-2.
// The same records always give the same published count, in whatever report and under whatever filter,
// so asking again or asking differently does not average the noise away; two counts that differ by
// some records differ by independent noise, so their difference does not tell how many records
// differ. Pure: counts and keys in, published counts out.

export const CELL_KEY_MODULUS = 256;

export const CELL_KEY_METHOD = 'cell-key perturbation: each gender count is moved by -2..+2, a function of the records '
  + 'it counts (the same records always give the same count), unbiased; shares, intervals and tests use the moved counts';

/** The largest noise added to or taken from a count. */
export const MAX_PERTURBATION = 2;

/**
 * The noise for a cell key, symmetric around 0: 0 for 128 of the 256 keys, +1 and -1 for 51 each,
 * +2 and -2 for 13 each (variance 0.8, mean exactly 0 over the keys).
 */
export function perturbation(cellKey: number): number {
  const key = ((Math.trunc(cellKey) % CELL_KEY_MODULUS) + CELL_KEY_MODULUS) % CELL_KEY_MODULUS;
  if (key < 128) return 0;
  if (key < 179) return 1;
  if (key < 230) return -1;
  if (key < 243) return 2;
  return -2;
}

/**
 * The published value of a count. Zero stays zero (nobody is in it to protect). A count that is shown
 * (at least `threshold`) stays at least `threshold`, the noise turned upwards, so a published count
 * never looks like a hidden small one.
 */
export function perturbCount(count: number, cellKey: number, threshold: number): number {
  if (count <= 0) return count;
  const moved = count + perturbation(cellKey);
  if (count >= threshold && moved < threshold) return count + Math.abs(perturbation(cellKey));
  return Math.max(moved, 0);
}

/** How a report's gender counts were published: exact (admins) or with noise. */
export interface Disclosure {
  /** True when gender counts carry the cell-key noise. */
  perturbed: boolean;
  method: string | null;
  maxPerturbation: number | null;
}

export function disclosure(perturbed: boolean): Disclosure {
  return perturbed
    ? { perturbed, method: CELL_KEY_METHOD, maxPerturbation: MAX_PERTURBATION }
    : { perturbed, method: null, maxPerturbation: null };
}
