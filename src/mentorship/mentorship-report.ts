// The round's participation report: counts per value of one dimension, with shares. Gender counts go
// through the privacy rules (noise for everyone but admins, src/privacy/) before they reach here; the
// small-cell rule is applied here to gender cells, as the balance report does. Pure.
import { isSmallCount } from '../reports/suppression';

export interface ReportCell {
  value: string;
  count: number | null;
  share: number | null;
  suppressed: boolean;
}

export interface ReportGroup {
  dimension: 'careerStage' | 'region' | 'gender';
  total: number;
  cells: ReportCell[];
}

/**
 * One dimension's cells in the given order of values (and any other value counted, after them).
 * With `suppressSmall`, a count 0 < n < threshold is hidden; the total is the sum of the counts given.
 */
export function reportGroup(
  dimension: ReportGroup['dimension'],
  counts: ReadonlyMap<string, number>,
  order: readonly string[],
  threshold: number,
  suppressSmall: boolean,
): ReportGroup {
  const values = [...order, ...[...counts.keys()].filter((v) => !order.includes(v)).sort()];
  const total = values.reduce((sum, v) => sum + (counts.get(v) ?? 0), 0);
  const cells = values.map((value): ReportCell => {
    const count = counts.get(value) ?? 0;
    if (suppressSmall && isSmallCount(count, threshold)) return { value, count: null, share: null, suppressed: true };
    return { value, count, share: total > 0 ? round(count / total) : null, suppressed: false };
  });
  return { dimension, total, cells };
}

/** A rate, or null when there is nothing to divide by. */
export function rate(part: number, whole: number): number | null {
  return whole > 0 ? round(part / whole) : null;
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
