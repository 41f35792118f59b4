// What the bulk imports (members, appointments, talks) do alike with their rows, from CSV or JSON: the
// errors they report, the CSV header and the shape a row must have, and the reading of a text cell.
// Each feature keeps its own column rules and the rules that span rows.
import { parse } from 'csv-parse/sync';
import { csvImportedText } from '../privacy/csv';
import { ProblemException, unprocessable } from './problem';

/** One problem of one row: `row` is 1-based (a CSV header is not counted), `field` a column or '(row)'. */
export interface ImportRowError {
  row: number;
  field: string;
  message: string;
}

/** The file as a whole cannot be read (not CSV, no header, not an array, too many rows): a 400, not a row error. */
export class ImportFormatError extends Error {}

/** Reports one problem of the row being checked. */
export type RowFail = (field: string, message: string) => void;

/** The rows without errors, normalised, and the errors of all the others. */
export interface CheckedImport<T> {
  rows: T[];
  errors: ImportRowError[];
}

export function tooManyRows(maxRows: number, count: number): ImportFormatError {
  return new ImportFormatError(`At most ${maxRows} rows per import; this one has ${count}`);
}

/**
 * Set by a CSV reader on the record of a line whose cell count differs from the header's, for the row
 * check to report. A symbol, so that no JSON row can carry it.
 */
export const CELL_COUNT = Symbol('cell count');

/** A record as a CSV reader gives it: cells keyed by column. */
export interface ImportRecord {
  [column: string]: unknown;
  [CELL_COUNT]?: { cells: number; header: number };
}

/** The header's names as columns, matched case-insensitively; a name that is no column refuses the file. */
export function importHeader<C extends string>(names: readonly string[], columns: readonly C[]): C[] {
  const header = names.map((name) => columns.find((c) => c.toLowerCase() === name.trim().toLowerCase()) ?? null);
  const unknown = names.filter((_, i) => header[i] === null);
  if (unknown.length) throw new ImportFormatError(`Unknown column(s) ${unknown.join(', ')}; accepted: ${columns.join(', ')}`);
  return header as C[];
}

export function refuseRepeatedColumns(header: readonly string[]): void {
  const repeated = header.filter((c, i) => header.indexOf(c) !== i);
  if (repeated.length) throw new ImportFormatError(`Column(s) ${repeated.join(', ')} appear more than once`);
}

/**
 * A whole CSV file to records keyed by column; `checkHeader` may refuse more headers than those with
 * unknown names (missing or repeated columns). A cell is read back as the export wrote it, and an empty
 * one is left out, as a JSON row leaves out what it does not give. A line with the wrong number of
 * cells is marked for the row check, so that every bad row is named at once.
 */
export function readImportCsv<C extends string>(
  text: string,
  columns: readonly C[],
  checkHeader: (header: readonly C[]) => void = () => undefined,
): ImportRecord[] {
  let lines: string[][];
  try {
    lines = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true });
  } catch (error) {
    throw new ImportFormatError(`The CSV could not be read: ${(error as Error).message}`);
  }
  if (lines.length === 0) throw new ImportFormatError('The CSV is empty; its first line must name the columns');
  const header = importHeader(lines[0], columns);
  checkHeader(header);
  return lines.slice(1).map((cells) => {
    const record: ImportRecord = {};
    header.forEach((column, i) => {
      const cell = csvImportedText(cells[i] ?? '');
      if (cell !== '') record[column] = cell;
    });
    if (cells.length !== header.length) record[CELL_COUNT] = { cells: cells.length, header: header.length };
    return record;
  });
}

/**
 * The checks of a record's shape that every import makes: it must be an object, its CSV line must have
 * as many cells as the header, and it may hold only the import's columns. Null when it is no object
 * (reported): the row's own checks then have nothing to read.
 */
export function importCells(record: unknown, columns: ReadonlySet<string>, fail: RowFail): Readonly<Record<string, unknown>> | null {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    fail('(row)', 'must be an object with the import columns');
    return null;
  }
  const cells = record as ImportRecord;
  const count = cells[CELL_COUNT];
  if (count !== undefined) fail('(row)', `has ${count.cells} cells; the header has ${count.header}`);
  for (const key in cells) if (!columns.has(key)) fail(key, 'is not an accepted field');
  return cells;
}

/**
 * Every record of an import checked, rows numbered from 1. More than `maxRows` refuses the import as a
 * whole. Each record's shape is checked (importCells), then `checkRow` applies the feature's rules to
 * its cells; it runs even when the shape was wrong, so that all of a row's problems are named and the
 * rules across rows see every row. What it returns is kept only for a row without errors.
 */
export function checkImportRows<T>(
  records: readonly unknown[],
  shape: { columns: readonly string[]; maxRows: number },
  checkRow: (cells: Readonly<Record<string, unknown>>, row: number, fail: RowFail) => T,
): CheckedImport<T> {
  if (records.length > shape.maxRows) throw tooManyRows(shape.maxRows, records.length);
  const columns = new Set(shape.columns);
  const checked: CheckedImport<T> = { rows: [], errors: [] };
  records.forEach((record, index) => {
    const row = index + 1;
    const rowErrors: ImportRowError[] = [];
    const fail = (field: string, message: string) => rowErrors.push({ row, field, message });
    const cells = importCells(record, columns, fail);
    const normalised = cells === null ? null : checkRow(cells, row, fail);
    if (rowErrors.length) checked.errors.push(...rowErrors);
    else checked.rows.push(normalised as T);
  });
  return checked;
}

/** The first `cap` errors in row order, and how many more there were. */
export function capErrors(errors: readonly ImportRowError[], cap = 1000): { errors: ImportRowError[]; more: number } {
  const sorted = [...errors].sort((a, b) => a.row - b.row);
  return { errors: sorted.slice(0, cap), more: Math.max(0, sorted.length - cap) };
}

/** The 422 of an import refused whole: how many of its rows are wrong, and the first errors in row order. */
export function importRefused(errors: readonly ImportRowError[], total: number): ProblemException {
  const badRows = new Set(errors.map((e) => e.row)).size;
  const { errors: listed, more } = capErrors(errors);
  return unprocessable(`${badRows} of ${total} rows have errors; nothing was imported`, listed, {
    badRows,
    errorCount: errors.length,
    moreErrors: more,
  });
}

// One rule for a text cell of every import: a string, trimmed, empty as absent, within the column's
// length; a number only where the column allows one (ids, years).

/**
 * The cell as trimmed text, null when absent or empty; a bad cell is reported through `fail` and read
 * as null. An over-long cell is read as null too, unless `tooLong` is 'kept': then it is still returned,
 * for the column's own checks to run on it as well.
 */
export function importedText<C extends string>(
  value: unknown,
  column: C,
  maxLength: number,
  numberAllowed: boolean,
  fail: (column: C, message: string) => void,
  tooLong: 'absent' | 'kept' = 'absent',
): string | null {
  return cellText(value, column, maxLength, numberAllowed, fail, tooLong) ?? null;
}

/** importedText for a column that must be given: an absent or empty cell is reported as required. */
export function requiredText<C extends string>(
  value: unknown,
  column: C,
  maxLength: number,
  numberAllowed: boolean,
  fail: (column: C, message: string) => void,
): string | null {
  const text = cellText(value, column, maxLength, numberAllowed, fail, 'absent');
  if (text === null) fail(column, 'is required');
  return text ?? null;
}

/** importedText, but undefined for a cell it refused, so that a refused cell is not also called missing. */
function cellText<C extends string>(
  value: unknown,
  column: C,
  maxLength: number,
  numberAllowed: boolean,
  fail: (column: C, message: string) => void,
  tooLong: 'absent' | 'kept',
): string | null | undefined {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' && numberAllowed && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') {
    fail(column, 'must be a string');
    return undefined;
  }
  const trimmed = value.trim();
  if (trimmed.length > maxLength) {
    fail(column, `must be at most ${maxLength} characters`);
    if (tooLong === 'absent') return undefined;
  }
  return trimmed === '' ? null : trimmed;
}
