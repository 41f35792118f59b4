// Reports as CSV (RFC 4180) for spreadsheets: one line per cell, the group repeated on each line,
// hidden numbers as empty fields with `suppressed` true. Pure text building.
import { BalanceGroup } from './balance-report';
import { DECLINE_COLUMNS, DeclineValue } from './declines-report';
import { EquityStratum, EquityTest } from './equity-report';
import { FunnelValue } from './funnel-report';
import { csvText as writeCsv, CsvValue } from '../privacy/csv';

/** Report numbers to 12 significant digits; everything else goes to the one formula-safe writer. */
function reportValue(value: unknown): CsvValue {
  if (typeof value === 'number') return Number.isInteger(value) ? value : Number(value.toPrecision(12));
  if (value === null || value === undefined || typeof value === 'string' || typeof value === 'boolean') return value;
  return String(value);
}

export function csvText(header: readonly string[], rows: readonly unknown[][]): string {
  return writeCsv(
    header,
    rows.map((row) => row.map(reportValue)),
  );
}

/**
 * Context columns in front (e.g. population, dimension), then one line per group and cell. `groupColumn`
 * names the group column (trends: year, which has no separate name column).
 */
export function balanceCsv(
  context: Record<string, unknown>,
  groups: BalanceGroup[],
  options: { baseline: boolean; groupColumn?: string },
): string {
  const named = options.groupColumn === undefined;
  const header = [
    ...Object.keys(context),
    options.groupColumn ?? 'group',
    ...(named ? ['groupName'] : []),
    'total',
    'value',
    'valueName',
    'count',
    'share',
    'stderr',
    'ci95Low',
    'ci95High',
    'suppressed',
    ...(options.baseline ? ['baselineTotal', 'baselineShare', 'difference', 'z', 'pValue', 'significant'] : []),
  ];
  const rows = groups.flatMap((group) =>
    group.cells.map((cell) => [
      ...Object.values(context),
      group.key,
      ...(named ? [group.name] : []),
      group.total,
      cell.value,
      cell.name,
      cell.count,
      cell.share,
      cell.stderr,
      cell.ci95?.[0],
      cell.ci95?.[1],
      cell.suppressed,
      ...(options.baseline ? [group.baselineTotal, cell.baselineShare, cell.difference, cell.z, cell.pValue, cell.significant] : []),
    ]),
  );
  return csvText(header, rows);
}

export function funnelCsv(dimension: string, totals: Record<string, number>, values: FunnelValue[]): string {
  const header = [
    'dimension',
    'value',
    'valueName',
    'stage',
    'total',
    'count',
    'share',
    'stderr',
    'ci95Low',
    'ci95High',
    'suppressed',
    'differenceVsPrevious',
    'z',
    'pValue',
    'significant',
  ];
  const rows = values.flatMap((v) =>
    v.stages.map((cell) => [
      dimension,
      v.value,
      v.name,
      cell.stage,
      totals[cell.stage],
      cell.count,
      cell.share,
      cell.stderr,
      cell.ci95?.[0],
      cell.ci95?.[1],
      cell.suppressed,
      cell.vsPrevious?.difference,
      cell.vsPrevious?.z,
      cell.vsPrevious?.pValue,
      cell.vsPrevious?.significant,
    ]),
  );
  return csvText(header, rows);
}

/** One line per stage and gender; the stratified test (an aggregate) repeated on every line. */
export function equityCsv(strata: EquityStratum[], test: EquityTest): string {
  const header = [
    'careerStage',
    'gender',
    'nominations',
    'allocations',
    'rate',
    'ci95Low',
    'ci95High',
    'suppressed',
    'cmhOddsRatio',
    'cmhCi95Low',
    'cmhCi95High',
    'cmhChiSquare',
    'cmhPValue',
  ];
  const summary = [test.oddsRatio, test.ci95?.[0], test.ci95?.[1], test.chiSquare, test.pValue];
  const rows = strata.flatMap((stratum) =>
    stratum.cells.map((cell) => [
      stratum.careerStage,
      cell.gender,
      cell.nominations,
      cell.allocations,
      cell.rate,
      cell.ci95?.[0],
      cell.ci95?.[1],
      cell.suppressed,
      ...summary,
    ]),
  );
  return csvText(header, rows);
}

/** One line per value: invitations, declines, the rate with its interval, each kind of reason, the test. */
export function declinesCsv(dimension: string, values: DeclineValue[]): string {
  const header = [
    dimension,
    'name',
    'invitations',
    'declined',
    'declineRate',
    'ci95Low',
    'ci95High',
    ...DECLINE_COLUMNS,
    'z',
    'pValue',
    'pValueAdjusted',
  ];
  return csvText(
    header,
    values.map((v) => [
      v.value,
      v.name,
      v.invitations,
      v.declined,
      v.declineRate?.share ?? null,
      v.declineRate?.ci95?.[0] ?? null,
      v.declineRate?.ci95?.[1] ?? null,
      ...DECLINE_COLUMNS.map((c) => v.byCategory[c]),
      v.test?.z ?? null,
      v.test?.pValue ?? null,
      v.test?.pValueAdjusted ?? null,
    ]),
  );
}
