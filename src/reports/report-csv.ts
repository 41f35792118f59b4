// Reports as CSV (RFC 4180) for spreadsheets: one line per cell, the group repeated on each line,
// hidden numbers as empty fields with `suppressed` true. Pure text building.
import { BalanceGroup } from './balance-report';

const CRLF = '\r\n';

/** Quotes where needed; a leading = + - @ is defused so a spreadsheet does not run it as a formula. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'number' ? formatNumber(value) : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(12)));
}

export function csvText(header: readonly string[], rows: readonly unknown[][]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join(CRLF) + CRLF;
}

/** Context columns in front (e.g. population, stage), then one line per group and cell. */
export function balanceCsv(context: Record<string, unknown>, groups: BalanceGroup[], withBaseline: boolean): string {
  const header = [
    ...Object.keys(context), 'group', 'groupName', 'total', 'value', 'valueName', 'count', 'share', 'stderr',
    'ci95Low', 'ci95High', 'suppressed',
    ...(withBaseline ? ['baselineTotal', 'baselineShare', 'difference', 'z', 'pValue', 'significant'] : []),
  ];
  const rows = groups.flatMap((group) => group.cells.map((cell) => [
    ...Object.values(context), group.key, group.name, group.total, cell.value, cell.name, cell.count, cell.share,
    cell.stderr, cell.ci95?.[0], cell.ci95?.[1], cell.suppressed,
    ...(withBaseline
      ? [group.baselineTotal, cell.baselineShare, cell.difference, cell.z, cell.pValue, cell.significant]
      : []),
  ]));
  return csvText(header, rows);
}
