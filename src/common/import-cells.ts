// One rule for a text cell of every import (members, talks), from CSV or JSON: a string, trimmed,
// empty as absent, within the column's length; a number only where the column allows one (ids, years).

/** The cell as trimmed text, null when absent or empty; a bad cell is reported through `fail` and read as null. */
export function importedText<C extends string>(
  value: unknown,
  column: C,
  maxLength: number,
  numberAllowed: boolean,
  fail: (column: C, message: string) => void,
): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' && numberAllowed && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') {
    fail(column, 'must be a string');
    return null;
  }
  const trimmed = value.trim();
  if (trimmed.length > maxLength) {
    fail(column, `must be at most ${maxLength} characters`);
    return null;
  }
  return trimmed === '' ? null : trimmed;
}
