// Reading and checking a member import, and writing the export it round-trips with. Pure: no Nest,
// no database. What needs the database (does the institute exist, is an e-mail taken) is the
// service's second pass; everything that can be decided from the file alone is decided here.
import { CAREER_STAGES, CareerStage, GENDERS, Gender } from '../common/enums';
import { isCountryCode } from '../common/countries';
import {
  CheckedImport,
  checkImportRows,
  ImportFormatError,
  ImportRecord,
  importedText,
  readImportCsv,
  refuseRepeatedColumns,
  requiredText,
} from '../common/import-rows';
import { csvText } from '../privacy/csv';

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

/** CSV text to records keyed by column (see readImportCsv); a missing required or repeated column also refuses the file. */
export function readMemberCsv(text: string): ImportRecord[] {
  return readImportCsv(text, IMPORT_COLUMNS, (header) => {
    const missing = REQUIRED_COLUMNS.filter((c) => !header.includes(c));
    if (missing.length) throw new ImportFormatError(`Missing column(s) ${missing.join(', ')}`);
    refuseRepeatedColumns(header);
  });
}

/**
 * Every record checked and normalised. Errors name the 1-based row, the field and what is wrong; a
 * row with errors is not in `rows`. Rules that span rows: an externalId or e-mail may appear only
 * once, and one institute cannot be given two different countries.
 */
export function checkMemberImport(records: readonly unknown[]): CheckedImport<MemberImportRow> {
  const firstRowOf = { externalId: new Map<string, number>(), email: new Map<string, number>() };
  const instituteCountry = new Map<string, { country: string; row: number }>();

  return checkImportRows(records, { columns: IMPORT_COLUMNS, maxRows: MAX_IMPORT_ROWS }, (cells, row, fail) => {
    const text = (column: ImportColumn): string | null =>
      importedText(cells[column], column, MAX_LENGTH[column], column === 'externalId', fail);
    const required = (column: ImportColumn): string | null =>
      requiredText(cells[column], column, MAX_LENGTH[column], column === 'externalId', fail);

    const externalId = required('externalId');
    const name = required('name');
    const institute = required('institute');

    const email = text('email');
    if (email !== null && !EMAIL.test(email)) fail('email', 'must be an e-mail address');

    const countryText = text('country');
    const country = countryText?.toUpperCase() ?? null;
    if (country !== null && !isCountryCode(country)) fail('country', `${countryText} is not an ISO 3166-1 alpha-2 country code`);

    const stageText = required('careerStage');
    const careerStage = stageText?.toLowerCase() ?? null;
    if (careerStage !== null && !(CAREER_STAGES as readonly string[]).includes(careerStage)) {
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

    return {
      row,
      externalId: externalId!,
      name: name!,
      email,
      institute: institute!,
      country,
      careerStage: careerStage as CareerStage,
      gender: gender as Gender | null,
      joinedOn,
    };
  });
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
