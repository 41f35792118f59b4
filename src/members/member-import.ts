// Reading and checking a member import, and writing the export it round-trips with. Pure: no Nest,
// no database. What needs the database (does the institute exist, is an e-mail taken) is the
// service's second pass; everything that can be decided from the file alone is decided here.
import { parse } from 'csv-parse/sync';
import { CAREER_STAGES, CareerStage, GENDERS, Gender } from '../common/enums';
import { isCountryCode } from '../common/countries';
import { importedText } from '../common/import-cells';
import { csvImportedText, csvText } from '../privacy/csv';

export const IMPORT_COLUMNS = ['externalId', 'name', 'email', 'institute', 'country', 'careerStage', 'gender', 'joinedOn'] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];
const REQUIRED_COLUMNS: readonly ImportColumn[] = ['externalId', 'name', 'institute', 'careerStage'];

export const MAX_IMPORT_ROWS = 100_000;

/** One valid row, normalised. Empty optional cells are null: on update they keep what is stored. */
export interface MemberImportRow {
  /** 1-based data row (the CSV header is not counted). */
  row: number;
  externalId: string;
  name: string;
  email: string | null;
  institute: string;
  country: string | null;
  careerStage: CareerStage;
  gender: Gender | null;
  joinedOn: string | null;
}

export interface ImportRowError {
  row: number;
  field: string;
  message: string;
}

export interface ImportCheck {
  rows: MemberImportRow[];
  errors: ImportRowError[];
}

/** The file as a whole cannot be read (not CSV, no header, not an array): a 400, not a row error. */
export class ImportFormatError extends Error {}

const MAX_LENGTH: Record<ImportColumn, number> = {
  externalId: 100,
  name: 300,
  email: 320,
  institute: 300,
  country: 2,
  careerStage: 20,
  gender: 20,
  joinedOn: 10,
};
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * CSV text to records keyed by column name. Header names are matched case-insensitively; an unknown
 * or missing required column rejects the whole file. A line with the wrong number of cells becomes a
 * record the row check reports, so that every bad row is named at once.
 */
export function readMemberCsv(text: string): Record<string, unknown>[] {
  let lines: string[][];
  try {
    lines = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true });
  } catch (error) {
    throw new ImportFormatError(`The CSV could not be read: ${(error as Error).message}`);
  }
  if (lines.length === 0) throw new ImportFormatError('The CSV is empty; its first line must name the columns');
  const header = lines[0].map(canonicalColumn);
  const unknown = lines[0].filter((_, i) => header[i] === null);
  if (unknown.length) {
    throw new ImportFormatError(`Unknown column(s) ${unknown.join(', ')}; accepted: ${IMPORT_COLUMNS.join(', ')}`);
  }
  const missing = REQUIRED_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) throw new ImportFormatError(`Missing column(s) ${missing.join(', ')}`);
  const repeated = header.filter((c, i) => header.indexOf(c) !== i);
  if (repeated.length) throw new ImportFormatError(`Column(s) ${repeated.join(', ')} appear more than once`);

  return lines.slice(1).map((cells) => {
    const record: Record<string, unknown> = {};
    header.forEach((column, i) => {
      record[column as string] = csvImportedText(cells[i] ?? '');
    });
    if (cells.length !== header.length) record[CELL_COUNT] = cells.length;
    return record;
  });
}

// A marker the row check turns into "this line has N cells"; not a column anyone can send.
const CELL_COUNT = '\u0000cells';

function canonicalColumn(name: string): ImportColumn | null {
  const lower = name.trim().toLowerCase();
  return IMPORT_COLUMNS.find((c) => c.toLowerCase() === lower) ?? null;
}

/**
 * Every record checked and normalised. Errors name the 1-based row, the field and what is wrong; a
 * row with errors is not in `rows`. Rules that span rows: an externalId or e-mail may appear only
 * once, and one institute cannot be given two different countries.
 */
export function checkMemberImport(records: readonly unknown[]): ImportCheck {
  if (records.length > MAX_IMPORT_ROWS) {
    throw new ImportFormatError(`At most ${MAX_IMPORT_ROWS} rows per import; this one has ${records.length}`);
  }
  const rows: MemberImportRow[] = [];
  const errors: ImportRowError[] = [];
  const firstRowOf = { externalId: new Map<string, number>(), email: new Map<string, number>() };
  const instituteCountry = new Map<string, { country: string; row: number }>();

  records.forEach((record, index) => {
    const row = index + 1;
    const rowErrors: ImportRowError[] = [];
    const fail = (field: string, message: string) => rowErrors.push({ row, field, message });

    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      errors.push({ row, field: '(row)', message: 'must be an object with the import columns' });
      return;
    }
    const cells = record as Record<string, unknown>;
    if (CELL_COUNT in cells) {
      fail('(row)', `has ${String(cells[CELL_COUNT])} cells; the header has ${Object.keys(cells).length - 1}`);
    }
    for (const key of Object.keys(cells)) {
      if (key !== CELL_COUNT && !(IMPORT_COLUMNS as readonly string[]).includes(key)) fail(key, 'is not an accepted field');
    }

    const text = (column: ImportColumn): string | null =>
      importedText(cells[column], column, MAX_LENGTH[column], column === 'externalId', fail);

    const externalId = text('externalId');
    if (externalId === null && !rowErrors.some((e) => e.field === 'externalId')) fail('externalId', 'is required');
    const name = text('name');
    if (name === null && !rowErrors.some((e) => e.field === 'name')) fail('name', 'is required');
    const institute = text('institute');
    if (institute === null && !rowErrors.some((e) => e.field === 'institute')) fail('institute', 'is required');

    const email = text('email');
    if (email !== null && !EMAIL.test(email)) fail('email', 'must be an e-mail address');

    const countryText = text('country');
    const country = countryText?.toUpperCase() ?? null;
    if (country !== null && !isCountryCode(country)) fail('country', `${countryText} is not an ISO 3166-1 alpha-2 country code`);

    const stageText = text('careerStage');
    const careerStage = stageText?.toLowerCase() ?? null;
    if (careerStage === null) {
      if (!rowErrors.some((e) => e.field === 'careerStage')) fail('careerStage', 'is required');
    } else if (!(CAREER_STAGES as readonly string[]).includes(careerStage)) {
      fail('careerStage', `must be one of ${CAREER_STAGES.join(', ')}`);
    }

    const genderText = text('gender');
    const gender = genderText?.toLowerCase() ?? null;
    if (gender !== null && !(GENDERS as readonly string[]).includes(gender)) fail('gender', `must be one of ${GENDERS.join(', ')}`);

    const joinedOn = text('joinedOn');
    if (joinedOn !== null && !isIsoDate(joinedOn)) fail('joinedOn', 'must be a date YYYY-MM-DD');

    if (externalId !== null) {
      const earlier = firstRowOf.externalId.get(externalId);
      if (earlier !== undefined) fail('externalId', `${externalId} is already on row ${earlier}`);
      else firstRowOf.externalId.set(externalId, row);
    }
    if (email !== null && EMAIL.test(email)) {
      // Addresses are unique case-insensitively, as the database's index on lower(email) has it.
      const earlier = firstRowOf.email.get(email.toLowerCase());
      if (earlier !== undefined) fail('email', `${email} is already on row ${earlier}`);
      else firstRowOf.email.set(email.toLowerCase(), row);
    }
    if (institute !== null && country !== null && isCountryCode(country)) {
      const key = instituteKey(institute);
      const known = instituteCountry.get(key);
      if (known && known.country !== country) {
        fail('country', `institute ${institute} is given country ${known.country} on row ${known.row}`);
      } else if (!known) {
        instituteCountry.set(key, { country, row });
      }
    }

    if (rowErrors.length) {
      errors.push(...rowErrors);
      return;
    }
    rows.push({
      row,
      externalId: externalId!,
      name: name!,
      email,
      institute: institute!,
      country,
      careerStage: careerStage as CareerStage,
      gender: gender as Gender | null,
      joinedOn,
    });
  });
  return { rows, errors };
}

/** Institutes are matched by name, case-insensitively (as the unique index on lower(name) does). */
export function instituteKey(name: string): string {
  return name.trim().toLowerCase();
}

export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** The first `cap` errors in row order, and how many more there were. */
export function capErrors(errors: readonly ImportRowError[], cap = 1000): { errors: ImportRowError[]; more: number } {
  const sorted = [...errors].sort((a, b) => a.row - b.row);
  return { errors: sorted.slice(0, cap), more: Math.max(0, sorted.length - cap) };
}

/** A row of the members CSV export, in the import's columns. */
export interface MemberExportRow {
  externalId: string | null;
  name: string;
  email: string | null;
  institute: string;
  country: string;
  careerStage: string;
  gender: string;
  joinedOn: string;
}

/**
 * The export, in the import's own columns so that it can be edited and imported again: cells that
 * start like a formula are neutralised, and readMemberCsv reads them back as they were.
 */
export function formatMembersCsv(members: Iterable<MemberExportRow>): string {
  return csvText(
    IMPORT_COLUMNS,
    Array.from(members, (m) => IMPORT_COLUMNS.map((column) => m[column])),
  );
}
