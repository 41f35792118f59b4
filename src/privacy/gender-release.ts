// Turns exact gender counts split by reporting period into the counts a reader without the right to
// see individual gender is given (see noise.ts and reporting-period.ts, and docs/privacy.md):
// - each (table, period, group) that holds any record gets noise on every gender value, zeros
//   included, so "nobody of this gender here" is never told exactly; a (period, group) with no record
//   at all tells nothing about anyone's gender (its emptiness is public in the non-gender reports) and
//   stays an exact zero;
// - a cell is named by what it counts, not by the report that shows it: the population, the quarter,
//   the conference filters, and its gender and other coordinate. The same cell therefore has the same
//   published value in every report (balance, trends, funnel, equity) and whichever of the two axes
//   gender is on, so asking in another way is no fresh look;
// - a range of quarters is the sum of its quarters' noisy counts, clamped at zero once at the end.
// Pure: rows in, rows out.
import { GENDERS } from '../common/enums';
import { cellNoise, Fingerprint } from './noise';

/** A counted row split by period (the shape of the report queries' rows). */
export interface PeriodCountRow {
  side?: string;
  value: string;
  value_name: string | null;
  group_key: string | null;
  group_name: string | null;
  period?: string | null;
  count: number;
  cell_key?: number | null;
}

export interface ReleaseSpec {
  key: Buffer;
  epsilon: number;
  /** Which population a row's side counts (e.g. 'main' -> 'talks'). */
  populationOf: (side: string) => string;
  /** The conference filters, the same for every side but the membership. */
  filtersOf: (side: string) => CellFilters;
  /** Whether gender is the rows' value or their group. */
  genderOn: 'value' | 'group';
  /** The dimension of the other axis, or null when it is none or the calendar year (part of the period). */
  otherAxis: string | null;
}

/** The name of one published cell: the same in every report that shows it. */
export interface CellFilters {
  conferenceId?: string | null;
  tier?: string | null;
  talkType?: string | null;
  region?: string | null;
}

export function cellIdentity(
  population: string,
  period: string,
  filters: CellFilters,
  gender: string,
  other: { axis: string; value: string } | null,
): string {
  return JSON.stringify([
    population,
    period,
    filters.conferenceId ?? null,
    filters.tier ?? null,
    filters.talkType ?? null,
    gender,
    other ? other.axis : null,
    other ? other.value : null,
    // A region filter names a cell of its own (appended, so cells without one keep their names).
    ...(filters.region ? [filters.region] : []),
  ]);
}

/**
 * The published rows: one per (side, value, group) with the noisy count summed over periods; no
 * period and no key in them.
 */
export function releaseGenderCounts(rows: readonly PeriodCountRow[], spec: ReleaseSpec): PeriodCountRow[] {
  const side = (r: PeriodCountRow) => r.side ?? 'main';
  // The whole table of one side and period: its fingerprint re-draws all its cells when any record changes.
  const tables = new Map<string, Fingerprint>();
  const exact = new Map<string, number>();
  // (side, other coordinate, period, group key) that hold records, with what the output row needs.
  const places = new Map<string, { side: string; other: string | null; period: string; row: PeriodCountRow }>();
  for (const r of rows) {
    const period = r.period ?? '';
    const table = `${side(r)}\u0000${period}`;
    const print = tables.get(table) ?? { count: 0, keys: 0 };
    print.count += r.count;
    print.keys += r.cell_key ?? 0;
    tables.set(table, print);
    const gender = spec.genderOn === 'value' ? r.value : (r.group_key as string);
    const other = spec.genderOn === 'value' ? r.group_key : r.value;
    const place = `${table}\u0000${other ?? ''}`;
    if (!places.has(place)) places.set(place, { side: side(r), other, period, row: r });
    exact.set(`${place}\u0000${gender}`, (exact.get(`${place}\u0000${gender}`) ?? 0) + r.count);
  }

  const sums = new Map<string, { row: PeriodCountRow; noisy: number }>();
  for (const [place, { side: s, other, period, row }] of places) {
    const table = tables.get(`${s}\u0000${period}`) as Fingerprint;
    for (const gender of GENDERS) {
      const count = exact.get(`${place}\u0000${gender}`) ?? 0;
      const identity = cellIdentity(
        spec.populationOf(s),
        period,
        spec.filtersOf(s),
        gender,
        spec.otherAxis && other !== null ? { axis: spec.otherAxis, value: other } : null,
      );
      const noisy = count + cellNoise(spec.key, identity, table, spec.epsilon);
      const value = spec.genderOn === 'value' ? gender : (row.value as string);
      const group = spec.genderOn === 'value' ? row.group_key : gender;
      const out = `${s}\u0000${value}\u0000${group ?? ''}`;
      const sum = sums.get(out) ?? {
        row: {
          side: row.side,
          value,
          value_name: spec.genderOn === 'value' ? null : row.value_name,
          group_key: group,
          group_name: spec.genderOn === 'value' ? row.group_name : null,
          count: 0,
        },
        noisy: 0,
      };
      sum.noisy += noisy;
      sums.set(out, sum);
    }
  }
  return [...sums.values()].map(({ row, noisy }) => ({ ...row, count: Math.max(0, noisy) }));
}
