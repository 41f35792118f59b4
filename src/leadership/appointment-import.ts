// Reading and checking an import of the historical record of appointments. Pure: no Nest, no
// database; what needs the database (which position, which member, the term rules) is the service's
// second pass. Every bad row is named at once: { row, field, message }.
import { parse } from 'csv-parse/sync';
import { ImportFormatError, ImportRowError, isIsoDate } from '../members/member-import';
import { csvImportedText } from '../privacy/csv';

export const APPOINTMENT_IMPORT_COLUMNS = [
  'position',
  'positionId',
  'externalId',
  'memberId',
  'startsOn',
  'endsOn',
  'overrideReason',
] as const;
type Column = (typeof APPOINTMENT_IMPORT_COLUMNS)[number];

export const MAX_APPOINTMENT_IMPORT_ROWS = 20_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_LENGTH: Record<Column, number> = {
  position: 300,
  positionId: 36,
  externalId: 100,
  memberId: 36,
  startsOn: 10,
  endsOn: 10,
  overrideReason: 4000,
};

export interface AppointmentImportRow {
  /** 1-based data row. */
  row: number;
  position: { title: string } | { id: string };
  member: { externalId: string } | { id: string };
  startsOn: string;
  endsOn: string | null;
  overrideReason: string | null;
}

/** CSV text to records keyed by column (names matched case-insensitively); unknown columns refuse the file. */
export function readAppointmentCsv(text: string): Record<string, unknown>[] {
  let lines: string[][];
  try {
    lines = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true });
  } catch (error) {
    throw new ImportFormatError(`The CSV could not be read: ${(error as Error).message}`);
  }
  if (lines.length === 0) throw new ImportFormatError('The CSV is empty; its first line must name the columns');
  const header = lines[0].map((name) => APPOINTMENT_IMPORT_COLUMNS.find((c) => c.toLowerCase() === name.trim().toLowerCase()) ?? null);
  const unknown = lines[0].filter((_, i) => header[i] === null);
  if (unknown.length) {
    throw new ImportFormatError(`Unknown column(s) ${unknown.join(', ')}; accepted: ${APPOINTMENT_IMPORT_COLUMNS.join(', ')}`);
  }
  return lines.slice(1).map((cells) => {
    const record: Record<string, unknown> = {};
    header.forEach((column, i) => {
      const cell = csvImportedText(cells[i] ?? '');
      if (cell !== '') record[column as string] = cell;
    });
    if (cells.length !== header.length) record['(cells)'] = `has ${cells.length} cells; the header has ${header.length}`;
    return record;
  });
}

export function checkAppointmentImport(records: readonly unknown[]): { rows: AppointmentImportRow[]; errors: ImportRowError[] } {
  if (records.length > MAX_APPOINTMENT_IMPORT_ROWS) {
    throw new ImportFormatError(`At most ${MAX_APPOINTMENT_IMPORT_ROWS} rows per import; this one has ${records.length}`);
  }
  const rows: AppointmentImportRow[] = [];
  const errors: ImportRowError[] = [];
  records.forEach((record, index) => {
    const row = index + 1;
    const rowErrors: ImportRowError[] = [];
    const fail = (field: string, message: string) => rowErrors.push({ row, field, message });
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      errors.push({ row, field: '(row)', message: 'must be an object with the import columns' });
      return;
    }
    const cells = record as Record<string, unknown>;
    for (const key of Object.keys(cells)) {
      if (key === '(cells)') fail('(row)', String(cells[key]));
      else if (!(APPOINTMENT_IMPORT_COLUMNS as readonly string[]).includes(key)) fail(key, 'is not an accepted field');
    }
    const text = (column: Column): string | null => {
      const value = cells[column];
      if (value === undefined || value === null) return null;
      if (typeof value !== 'string') {
        fail(column, 'must be a string');
        return null;
      }
      const trimmed = value.trim();
      if (trimmed.length > MAX_LENGTH[column]) fail(column, `must be at most ${MAX_LENGTH[column]} characters`);
      return trimmed === '' ? null : trimmed;
    };
    const position = text('position');
    const positionId = text('positionId');
    const externalId = text('externalId');
    const memberId = text('memberId');
    const startsOn = text('startsOn');
    const endsOn = text('endsOn');
    const overrideReason = text('overrideReason');
    if ((position === null) === (positionId === null)) fail('position', 'give exactly one of position (its title) and positionId');
    if (positionId !== null && !UUID.test(positionId)) fail('positionId', 'must be a UUID');
    if ((externalId === null) === (memberId === null)) fail('externalId', 'give exactly one of externalId and memberId');
    if (memberId !== null && !UUID.test(memberId)) fail('memberId', 'must be a UUID');
    if (startsOn === null) fail('startsOn', 'is required');
    else if (!isIsoDate(startsOn)) fail('startsOn', 'must be a date YYYY-MM-DD');
    if (endsOn !== null && !isIsoDate(endsOn)) fail('endsOn', 'must be a date YYYY-MM-DD');
    else if (endsOn !== null && startsOn !== null && endsOn <= startsOn) fail('endsOn', 'must be after startsOn');
    if (rowErrors.length) {
      errors.push(...rowErrors);
      return;
    }
    rows.push({
      row,
      position: position !== null ? { title: position } : { id: positionId! },
      member: externalId !== null ? { externalId } : { id: memberId! },
      startsOn: startsOn!,
      endsOn,
      overrideReason,
    });
  });
  return { rows, errors };
}
