// The one CSV field writer for every export (RFC 4180), safe to open in a spreadsheet. Text that starts
// like a formula (= + - @, or a tab or CR that hides one) gets a leading apostrophe, so that a name
// such as =HYPERLINK(...) is shown, never run. Numbers and booleans are written as they are: -1.5 is a
// value, and only text can carry someone's formula. Pure.

/** A value one CSV field can hold; null and undefined are written as an empty field. */
export type CsvValue = string | number | boolean | null | undefined;

// Text that already starts with apostrophes before such a character gets one more, so that reading
// an export back (csvImportedText) can always drop exactly the one added.
const FORMULA_START = /^'*[=+\-@\t\r]/;
const NEUTRALISED = /^'+[=+\-@\t\r]/;
// Comma, quote and line breaks need quotes (RFC 4180); so does a space at either end, which some
// spreadsheets and readers would otherwise trim.
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;
const CRLF = '\r\n';

/** One field: text neutralised when it starts like a formula, then quoted when it must be. */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record: the fields joined by commas, without the line end. */
export function csvRow(values: readonly CsvValue[]): string {
  return values.map(csvField).join(',');
}

/** A whole file: the header, then the rows, every line ended by CRLF. */
export function csvText(header: readonly string[], rows: Iterable<readonly CsvValue[]>): string {
  const lines = [csvRow(header)];
  for (const row of rows) lines.push(csvRow(row));
  return lines.join(CRLF) + CRLF;
}

/**
 * A cell of a CSV read back as it was before csvField neutralised it, so that an export imported
 * again changes nothing: the one apostrophe csvField adds is dropped.
 */
export function csvImportedText(cell: string): string {
  return NEUTRALISED.test(cell) ? cell.slice(1) : cell;
}

/**
 * csvField's neutralisation as an SQL expression of a text column, for exports that PostgreSQL
 * writes itself (COPY ... FORMAT csv, which quotes).
 */
export function csvSafeSql(column: string): string {
  return `CASE WHEN ${column} ~ '^''*[=+@\\t\\r-]' THEN '''' || ${column} ELSE ${column} END`;
}
