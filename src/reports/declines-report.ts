// Declines by region or career stage, with the kind of reason: the "downward outliers (often
// financial reasons)" the diversity office watches for. Counts, not people: a small count (1 to
// REPORT_MIN_CELL - 1) is hidden from everyone but admins, and so is one more cell wherever a hidden one
// could be recovered by subtraction from a published total. Each value's decline rate is tested
// against all other invitations, with Holm's correction over the values tested.
import { DECLINE_CATEGORIES, DeclineCategory } from '../common/enums';
import { DeclineCountRow } from './balance.sql';
import { estimateProportion, formatP, holmAdjust, percent, ProportionEstimate, twoProportionScoreTest } from './statistics';
import { isSmallCount } from './suppression';

export const DECLINE_COLUMNS = [...DECLINE_CATEGORIES, 'unstated'] as const;
export type DeclineColumn = DeclineCategory | 'unstated';

export interface DeclineValue {
  value: string;
  name: string | null;
  /** Invitations that were accepted, declined or lapsed; null when hidden. */
  invitations: number | null;
  /** Of them declined; null when hidden. */
  declined: number | null;
  /** declined / invitations with its Wilson interval; null when either is hidden. */
  declineRate: ProportionEstimate | null;
  /** Declines per kind of reason; null where hidden. */
  byCategory: Record<DeclineColumn, number | null>;
  /** Against every other invitation: two-proportion test, p adjusted by Holm; null when not tested. */
  test: { z: number; pValue: number; pValueAdjusted: number } | null;
}

export interface DeclineTable {
  totals: { invitations: number; declined: number; byCategory: Record<DeclineColumn, number | null> };
  values: DeclineValue[];
  readings: string[];
}

interface Cell {
  count: number;
  hidden: boolean;
}

/**
 * Hides small counts, then, until nothing changes, one more cell (the smallest shown) in every line
 * that has exactly one hidden member. A line is a set of cells with a published sum among them (a row
 * of categories with its declined total, a column with its total): one unknown in it is no unknown.
 */
export function suppressLines(lines: Cell[][], threshold: number): void {
  for (const cell of new Set(lines.flat())) if (isSmallCount(cell.count, threshold)) cell.hidden = true;
  for (let changed = true; changed;) {
    changed = false;
    for (const line of lines) {
      if (line.filter((cell) => cell.hidden).length !== 1) continue;
      const shown = line.filter((cell) => !cell.hidden).sort((a, b) => a.count - b.count);
      if (shown.length === 0) continue;
      shown[0].hidden = true;
      changed = true;
    }
  }
}

export function declineTable(counted: readonly DeclineCountRow[], threshold: number, exact: boolean, label: string): DeclineTable {
  const byValue = new Map<string, { name: string | null; outcomes: Map<string, number> }>();
  for (const row of counted) {
    const entry = byValue.get(row.value) ?? { name: row.value_name, outcomes: new Map<string, number>() };
    entry.outcomes.set(row.outcome, (entry.outcomes.get(row.outcome) ?? 0) + row.count);
    byValue.set(row.value, entry);
  }
  const keys = [...byValue.keys()].sort();
  const columns = DECLINE_COLUMNS;
  // Category cells then the declined total, per value; the invitations beside them.
  const rows: Cell[][] = keys.map((key) => {
    const outcomes = byValue.get(key)!.outcomes;
    const cells = columns.map((c) => ({ count: outcomes.get(`declined:${c}`) ?? 0, hidden: false }));
    return [...cells, { count: cells.reduce((sum, cell) => sum + cell.count, 0), hidden: false }];
  });
  const invitations: Cell[] = keys.map((key) => ({
    count: [...byValue.get(key)!.outcomes.values()].reduce((a, b) => a + b, 0),
    hidden: false,
  }));
  const totals: Cell[] = columns.map((_, c) => ({ count: rows.reduce((sum, row) => sum + row[c].count, 0), hidden: false }));
  const declinedTotal = rows.reduce((sum, row) => sum + row[columns.length].count, 0);
  const invitationTotal = invitations.reduce((sum, cell) => sum + cell.count, 0);
  if (!exact) {
    const declinedCell = { count: declinedTotal, hidden: false };
    const invitationCell = { count: invitationTotal, hidden: false };
    const lines = [
      ...rows,
      ...columns.map((_, c) => [...rows.map((row) => row[c]), totals[c]]),
      [...rows.map((row) => row[columns.length]), declinedCell],
      [...invitations, invitationCell],
    ];
    suppressLines(lines, threshold);
    // A value's invitations hidden: its declines too (a rate of a hidden count says the count), and again.
    for (let again = true; again;) {
      again = false;
      invitations.forEach((cell, i) => {
        const total = rows[i][columns.length];
        if (cell.hidden !== total.hidden && (cell.hidden || isSmallCount(cell.count, threshold))) {
          cell.hidden = true;
          total.hidden = true;
          again = true;
        }
      });
      if (again) suppressLines(lines, threshold);
    }
  }
  const shown = (cell: Cell) => (cell.hidden ? null : cell.count);
  const values: DeclineValue[] = keys.map((key, i) => {
    const declined = shown(rows[i][columns.length]);
    const invited = shown(invitations[i]);
    return {
      value: key,
      name: byValue.get(key)!.name,
      invitations: invited,
      declined,
      declineRate: declined !== null && invited !== null && invited > 0 ? estimateProportion(declined, invited) : null,
      byCategory: Object.fromEntries(columns.map((c, j) => [c, shown(rows[i][j])])) as Record<DeclineColumn, number | null>,
      test: null,
    };
  });
  // Tested against the rest, which the published grand totals give: nothing hidden enters a test.
  const tested = values.filter((v) => v.declined !== null && v.invitations !== null && v.invitations < invitationTotal);
  const raw = tested.map((v) =>
    twoProportionScoreTest(v.declined!, v.invitations!, declinedTotal - v.declined!, invitationTotal - v.invitations!),
  );
  const adjusted = holmAdjust(raw.map((t) => t?.pValue ?? 1));
  tested.forEach((v, i) => {
    if (raw[i]) v.test = { z: raw[i]!.z, pValue: raw[i]!.pValue, pValueAdjusted: adjusted[i] };
  });
  return {
    totals: {
      invitations: invitationTotal,
      declined: declinedTotal,
      byCategory: Object.fromEntries(columns.map((c, j) => [c, shown(totals[j])])) as Record<DeclineColumn, number | null>,
    },
    values,
    readings: declineReadings(values, declinedTotal, invitationTotal, label),
  };
}

function declineReadings(values: DeclineValue[], declined: number, invitations: number, label: string): string[] {
  if (invitations === 0) return ['No invitation was answered or lapsed in this period.'];
  const overall = `${declined} of ${invitations} invitations were declined (${percent(declined / invitations)}).`;
  const tested = values.filter((v) => v.test);
  if (tested.length < 2) return [overall, `Too little data to tell whether any ${label} declines more often than the others.`];
  const outliers = tested.filter((v) => v.test!.pValueAdjusted < 0.05);
  if (outliers.length === 0) {
    return [
      overall,
      `No ${label} declines at a rate that differs from the other invitations beyond chance ` +
        `(${tested.length} tested, Holm-corrected).`,
    ];
  }
  return [
    overall,
    ...outliers.map((v) => {
      const rest = (declined - v.declined!) / (invitations - v.invitations!);
      const direction = v.test!.z > 0 ? 'more' : 'less';
      const stated = DECLINE_CATEGORIES.map((c) => [c, v.byCategory[c] ?? 0] as const).sort((a, b) => b[1] - a[1])[0];
      const reason = stated && stated[1] > 0 ? `; the reason given most often: ${stated[0]}` : '';
      return (
        `Invitations to ${v.name ?? v.value} were declined ${direction} often than the others: ` +
        `${percent(v.declineRate!.share!)} against ${percent(rest)} (${formatP(v.test!.pValueAdjusted)} after Holm's correction)${reason}.`
      );
    }),
  ];
}
