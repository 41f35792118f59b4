// Differentially private gender counts. Everyone but an admin reads gender counts with noise from the
// two-sided geometric distribution (the discrete Laplace mechanism): a count c is published as
// c + Z with P(Z = k) proportional to exp(-epsilon * |k|). Adding or removing one record moves one
// cell by one, so each published cell changes the odds of any statement about that record by at most
// exp(epsilon). Post-processing (sums over quarters, shares, intervals, tests, clamping at zero,
// hiding small published counts) costs nothing more, which is why no complementary suppression is
// needed: a published count tells nothing exact, whatever else is published beside it.
//
// The noise is a function of the cell and of the records behind it, drawn with a secret key:
// - asking the same question again gives the same answer, so repetition averages nothing away;
// - the seed includes the fingerprint (count and sum of record keys) of the whole table the cell
//   belongs to, so when one record of that table changes every cell of it is drawn anew, and the
//   reader cannot tell which cell the change was in by which cell moved.
// Pure apart from the HMAC: identities and counts in, published counts out. docs/privacy.md has the
// threat model and what it guarantees.
import { createHmac } from 'node:crypto';

/**
 * The two-sided geometric variate for a uniform draw u in [0, 1): the inverse of its distribution
 * function. With alpha = exp(-epsilon): P(0) = (1 - alpha) / (1 + alpha), and given Z != 0, |Z| - 1 is
 * geometric with ratio alpha and the sign is + or - with probability 1/2 each.
 */
export function geometricNoise(u: number, epsilon: number): number {
  const alpha = Math.exp(-epsilon);
  const zero = (1 - alpha) / (1 + alpha);
  if (u < zero) return 0;
  const v = (u - zero) / (1 - zero);
  const sign = v < 0.5 ? 1 : -1;
  const w = (v < 0.5 ? v : v - 0.5) * 2;
  return sign * (1 + Math.floor(Math.log1p(-w) / Math.log(alpha)));
}

/** Variance of the two-sided geometric distribution: 2 alpha / (1 - alpha)^2. */
export function noiseVariance(epsilon: number): number {
  const alpha = Math.exp(-epsilon);
  return (2 * alpha) / (1 - alpha) ** 2;
}

/** P(Z = k): what an attacker who knows the mechanism can compute, and the tests check. */
export function noiseProbability(k: number, epsilon: number): number {
  const alpha = Math.exp(-epsilon);
  return ((1 - alpha) / (1 + alpha)) * alpha ** Math.abs(k);
}

/** A uniform number in [0, 1) from the first 53 bits of HMAC-SHA256(key, message). */
export function keyedUniform(key: Buffer, message: string): number {
  const digest = createHmac('sha256', key).update(message).digest();
  const high = digest.readUInt32BE(0) >>> 11; // 21 bits
  const low = digest.readUInt32BE(4); // 32 bits
  return (high * 2 ** 32 + low) / 2 ** 53;
}

/** What a table's records are: how many, and the sum of their secret record keys. */
export interface Fingerprint {
  count: number;
  keys: number;
}

/** The noise of one cell, drawn from (cell identity, the fingerprint of the table it belongs to). */
export function cellNoise(key: Buffer, identity: string, table: Fingerprint, epsilon: number): number {
  return geometricNoise(keyedUniform(key, `${identity}\u0000${table.count}:${table.keys}`), epsilon);
}
