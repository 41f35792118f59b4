// Reading and checking a talk import. Pure: no Nest, no database. Everything that can be decided from
// the file alone is decided here (shapes, vocabularies, dates, the conferences the file would create);
// whether members and conferences exist is the service's set-based second pass.
import { isCountryCode } from '../common/countries';
import {
  CELL_COUNT,
  importCells,
  importedText,
  importHeader,
  ImportFormatError,
  ImportRecord,
  ImportRowError,
  refuseRepeatedColumns,
  requiredText,
  tooManyRows,
} from '../common/import-rows';
import { CONFERENCE_TIERS, ConferenceTier, TALK_TYPES, TalkType } from '../common/enums';
import { CsvReader, CsvSyntaxError } from './csv';

export const TALK_IMPORT_COLUMNS = [
  'externalId',
  'conference',
  'year',
  'conferenceDate',
  'talkType',
  'date',
  'title',
  'tier',
  'conferenceStartDate',
  'conferenceEndDate',
  'country',
] as const;
export type TalkImportColumn = (typeof TALK_IMPORT_COLUMNS)[number];

export const MAX_TALK_IMPORT_ROWS = 2_000_000;

/** One valid row, normalised. */
export interface TalkImportRow {
  /** 1-based data row (the CSV header is not counted). */
  row: number;
  externalId: string;
  /** The conference's name as written; it is matched by name in any case and the year it starts. */
  conference: string;
  year: number;
  talkType: TalkType;
  /** Null: the talk is dated at the conference's start. */
  date: string | null;
  title: string | null;
}

/** A conference the file describes well enough to create it if it does not exist yet. */
export interface ConferenceToCreate {
  /** The first row that gave its tier. */
  row: number;
  name: string;
  year: number;
  tier: ConferenceTier;
  startDate: string;
  endDate: string;
  country: string | null;
}

export interface TalkImportCheck {
  rows: TalkImportRow[];
  conferences: ConferenceToCreate[];
  errors: ImportRowError[];
}

const MAX_LENGTH: Record<TalkImportColumn, number> = {
  externalId: 100,
  conference: 300,
  year: 4,
  conferenceDate: 10,
  talkType: 20,
  date: 10,
  title: 500,
  tier: 20,
  conferenceStartDate: 10,
  conferenceEndDate: 10,
  country: 2,
};
const COLUMN_SET = new Set<string>(TALK_IMPORT_COLUMNS);
/** Columns a JSON row may give as a number. */
const NUMBER_ALLOWED = new Set<TalkImportColumn>(['externalId', 'year']);
const TALK_TYPE_SET = new Set<string>(TALK_TYPES);
const TIER_SET = new Set<string>(CONFERENCE_TIERS);
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MIN_YEAR = 1900;
const MAX_YEAR = 2200;

/**
 * A CSV talk file to records keyed by column name, read as it arrives: `push` each piece of text, then
 * `end`. Header names match case-insensitively; an unknown or missing required column rejects the whole
 * file as soon as the header line is complete. A line with the wrong number of cells is reported by the
 * row check, so that every bad row is named at once.
 */
export class TalkCsvReader {
  private readonly csv = new CsvReader();
  private header: TalkImportColumn[] | null = null;

  push(text: string): ImportRecord[] {
    return this.records(readCsv(() => this.csv.push(text)));
  }

  end(): ImportRecord[] {
    const records = this.records(readCsv(() => this.csv.end()));
    if (this.header === null) throw new ImportFormatError('The CSV is empty; its first line must name the columns');
    return records;
  }

  private records(lines: string[][]): ImportRecord[] {
    let first = 0;
    if (this.header === null) {
      if (lines.length === 0) return [];
      this.header = readHeader(lines[0]);
      first = 1;
    }
    const header = this.header;
    const records = new Array<ImportRecord>(lines.length - first);
    for (let l = first; l < lines.length; l++) {
      const cells = lines[l];
      const record: ImportRecord = {};
      for (let i = 0; i < header.length; i++) record[header[i]] = cells[i] ?? '';
      if (cells.length !== header.length) record[CELL_COUNT] = { cells: cells.length, header: header.length };
      records[l - first] = record;
    }
    return records;
  }
}

/** A whole CSV talk file at once (see TalkCsvReader). */
export function readTalkCsv(text: string): ImportRecord[] {
  const reader = new TalkCsvReader();
  const records = reader.push(text);
  for (const record of reader.end()) records.push(record);
  return records;
}

/** The records of a CSV talk file as its text arrives: a batch for each piece of text that completes some. */
export async function* readTalkCsvStream(text: AsyncIterable<string>): AsyncGenerator<ImportRecord[]> {
  const reader = new TalkCsvReader();
  for await (const piece of text) {
    const records = reader.push(piece);
    if (records.length > 0) yield records;
  }
  const last = reader.end();
  if (last.length > 0) yield last;
}

/** The talks of a JSON body: it must be an array of at most MAX_TALK_IMPORT_ROWS. */
export function talkJsonRecords(body: unknown): readonly unknown[] {
  if (!Array.isArray(body)) throw new ImportFormatError('Send a JSON array of talks, or CSV with Content-Type text/csv');
  if (body.length > MAX_TALK_IMPORT_ROWS) throw tooManyRows(MAX_TALK_IMPORT_ROWS, body.length);
  return body;
}

function readCsv(read: () => string[][]): string[][] {
  try {
    return read();
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new ImportFormatError(`The CSV could not be read: ${error.message}`);
    throw error;
  }
}

function readHeader(names: string[]): TalkImportColumn[] {
  const header = importHeader(names, TALK_IMPORT_COLUMNS);
  const missing = (['externalId', 'conference', 'talkType'] as const).filter((c) => !header.includes(c));
  if (!header.includes('year') && !header.includes('conferenceDate')) missing.push('year' as never);
  if (missing.length) throw new ImportFormatError(`Missing column(s) ${missing.join(', ')} (year may be replaced by conferenceDate)`);
  refuseRepeatedColumns(header);
  return header;
}

interface ConferenceDraft {
  row: number;
  name: string;
  year: number;
  tier: ConferenceTier | null;
  startDate: string | null;
  startRow: number;
  endDate: string | null;
  endRow: number;
  country: string | null;
  countryRow: number;
  /** Earliest talk date in the conference's year, latest talk date: the defaults for its dates. */
  firstTalk: string | null;
  lastTalk: string | null;
}

/** What the check of a whole file leaves for the import: no rows, those went on as they were checked. */
export interface TalkImportSummary {
  /** How many rows have no error. */
  valid: number;
  conferences: ConferenceToCreate[];
  /** The first errors by row: all of them, or as many as the checker was asked to list. */
  errors: ImportRowError[];
  errorCount: number;
}

/**
 * Every record checked and normalised, one at a time in file order. Errors name the 1-based row, the
 * field and what is wrong; a row with errors is not returned. Across rows: the rows of one conference
 * (name + year) must agree on its tier, dates and country. A conference gets created (if the database
 * does not know it) when some row gives its tier; its dates default to the earliest and latest talk
 * dates given for it (within its year for the start), else January 1 of its year.
 *
 * Keeps only what a file of any length needs afterwards: the conferences, the first `listed` errors
 * and how many there are. The strings it keeps are copies, so that none holds on to the piece of the
 * file it was cut from.
 */
export class TalkImportChecker {
  private rows = 0;
  private valid = 0;
  private errorCount = 0;
  private readonly errors: ImportRowError[] = [];
  private readonly drafts = new Map<string, ConferenceDraft>();

  constructor(private readonly listed = Infinity) {}

  check(record: unknown): TalkImportRow | null {
    const row = ++this.rows;
    // Past the limit, rows are only counted, for the refusal that finish() gives.
    if (row > MAX_TALK_IMPORT_ROWS) return null;
    let failed = 0;
    const fail = (field: string, message: string) => {
      failed += 1;
      this.report({ row, field, message });
    };
    const cells = importCells(record, COLUMN_SET, fail);
    if (cells === null) return null;
    const text = (column: TalkImportColumn): string | null =>
      importedText(cells[column], column, MAX_LENGTH[column], NUMBER_ALLOWED.has(column), fail);
    const required = (column: TalkImportColumn): string | null =>
      requiredText(cells[column], column, MAX_LENGTH[column], NUMBER_ALLOWED.has(column), fail);
    const date = (column: TalkImportColumn): string | null => {
      const value = text(column);
      if (value !== null && !isIsoDate(value)) {
        fail(column, `${value} is not a date written YYYY-MM-DD`);
        return null;
      }
      return value;
    };

    const externalId = required('externalId');
    const conference = required('conference');
    const talkTypeText = required('talkType');
    const talkType = talkTypeText?.toLowerCase() ?? null;
    if (talkType !== null && !TALK_TYPE_SET.has(talkType)) fail('talkType', `${talkTypeText} is not one of ${TALK_TYPES.join(', ')}`);
    const talkDate = date('date');
    const title = text('title');
    const failedBeforeDates = failed;
    const conferenceDate = date('conferenceDate');
    const startDate = date('conferenceStartDate');
    const endDate = date('conferenceEndDate');
    const yearText = text('year');
    const datesReadable = failed === failedBeforeDates;

    let year: number | null = null;
    if (yearText !== null) {
      year = /^\d{4}$/.test(yearText) ? Number(yearText) : null;
      if (year === null || year < MIN_YEAR || year > MAX_YEAR) {
        fail('year', `${yearText} is not a year between ${MIN_YEAR} and ${MAX_YEAR}`);
        year = null;
      }
    } else if (conferenceDate !== null || startDate !== null) {
      year = Number((conferenceDate ?? startDate)!.slice(0, 4));
    } else if (datesReadable) {
      fail('year', 'is required (or conferenceDate)');
    }
    if (year !== null) {
      for (const [field, value] of [
        ['conferenceDate', conferenceDate],
        ['conferenceStartDate', startDate],
      ] as const) {
        if (value !== null && Number(value.slice(0, 4)) !== year) {
          fail(field, `${value} is not in ${year}: a conference is known by its name and the year it starts`);
        }
      }
    }
    const conferenceStart = startDate ?? conferenceDate;
    if (conferenceStart !== null && endDate !== null && endDate < conferenceStart) {
      fail('conferenceEndDate', `${endDate} is before the conference start ${conferenceStart}`);
    }

    const tierText = text('tier');
    const tier = tierText?.toLowerCase() ?? null;
    if (tier !== null && !TIER_SET.has(tier)) fail('tier', `${tierText} is not one of ${CONFERENCE_TIERS.join(', ')}`);
    const countryText = text('country');
    const country = countryText?.toUpperCase() ?? null;
    if (country !== null && !isCountryCode(country)) fail('country', `${countryText} is not an ISO 3166-1 alpha-2 country code`);

    if (failed > 0) return null;

    const conferenceKey = conferenceKeyOf(conference!, year!);
    let draft = this.drafts.get(conferenceKey);
    if (!draft) {
      draft = {
        row,
        name: copyOf(conference!),
        year: year!,
        tier: null,
        startDate: null,
        startRow: 0,
        endDate: null,
        endRow: 0,
        country: null,
        countryRow: 0,
        firstTalk: null,
        lastTalk: null,
      };
      this.drafts.set(copyOf(conferenceKey), draft);
    }
    if (!agree(draft, row, tier as ConferenceTier | null, conferenceStart, endDate, country, fail)) return null;
    if (talkDate !== null) {
      if (Number(talkDate.slice(0, 4)) === draft.year && (draft.firstTalk === null || talkDate < draft.firstTalk)) {
        draft.firstTalk = copyOf(talkDate);
      }
      if (draft.lastTalk === null || talkDate > draft.lastTalk) draft.lastTalk = copyOf(talkDate);
    }
    this.valid += 1;
    return {
      row,
      externalId: externalId!,
      conference: conference!,
      year: draft.year,
      talkType: talkType as TalkType,
      date: talkDate,
      title,
    };
  }

  /** The conferences the file creates, and its errors; a file over the row limit is refused as a whole. */
  finish(): TalkImportSummary {
    if (this.rows > MAX_TALK_IMPORT_ROWS) throw tooManyRows(MAX_TALK_IMPORT_ROWS, this.rows);
    const conferences: ConferenceToCreate[] = [];
    // Their rows may come before errors already listed, so these are all kept for the ordering below.
    const conferenceErrors: ImportRowError[] = [];
    for (const draft of this.drafts.values()) {
      if (draft.tier === null) continue;
      const startDate = draft.startDate ?? draft.firstTalk ?? `${draft.year}-01-01`;
      const latest = draft.lastTalk !== null && draft.lastTalk > startDate ? draft.lastTalk : startDate;
      const endDate = draft.endDate ?? latest;
      if (endDate < startDate) {
        conferenceErrors.push({
          row: draft.endRow,
          field: 'conferenceEndDate',
          message: `${endDate} is before ${startDate}, the start of ${draft.name} (${draft.year}) taken from its talks' dates`,
        });
        continue;
      }
      conferences.push({
        row: draft.row,
        name: draft.name,
        year: draft.year,
        tier: draft.tier,
        startDate,
        endDate,
        country: draft.country,
      });
    }
    // Row errors arrive in row order; the sort is stable, so errors of one row keep the order they were found in.
    const errors = [...this.errors, ...conferenceErrors].sort((a, b) => a.row - b.row).slice(0, this.listed);
    return { valid: this.valid, conferences, errors, errorCount: this.errorCount + conferenceErrors.length };
  }

  private report(error: ImportRowError): void {
    this.errorCount += 1;
    if (this.errors.length < this.listed) {
      this.errors.push({ row: error.row, field: copyOf(error.field), message: copyOf(error.message) });
    }
  }
}

/** Every record of a whole file at once (see TalkImportChecker), with all its errors. */
export function checkTalkImport(records: readonly unknown[]): TalkImportCheck {
  if (records.length > MAX_TALK_IMPORT_ROWS) throw tooManyRows(MAX_TALK_IMPORT_ROWS, records.length);
  const checker = new TalkImportChecker();
  const rows: TalkImportRow[] = [];
  for (const record of records) {
    const row = checker.check(record);
    if (row !== null) rows.push(row);
  }
  const { conferences, errors } = checker.finish();
  return { rows, conferences, errors };
}

/**
 * A copy that holds its own characters. A string cut from a piece of a file (and one built from such
 * a string) may keep that whole piece in memory for as long as it lives.
 */
function copyOf(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

/** Rows of one conference must not contradict each other on what it is. */
function agree(
  draft: ConferenceDraft,
  row: number,
  tier: ConferenceTier | null,
  startDate: string | null,
  endDate: string | null,
  country: string | null,
  fail: (field: string, message: string) => void,
): boolean {
  const where = () => `${draft.name} (${draft.year})`;
  let ok = true;
  if (tier !== null) {
    if (draft.tier === null) {
      draft.tier = copyOf(tier) as ConferenceTier;
      draft.row = row;
    } else if (draft.tier !== tier) {
      fail('tier', `${where()} is given tier ${draft.tier} on row ${draft.row}`);
      ok = false;
    }
  }
  if (startDate !== null) {
    if (draft.startDate === null) {
      draft.startDate = copyOf(startDate);
      draft.startRow = row;
    } else if (draft.startDate !== startDate) {
      fail('conferenceStartDate', `${where()} is given start ${draft.startDate} on row ${draft.startRow}`);
      ok = false;
    }
  }
  if (endDate !== null) {
    if (draft.endDate === null) {
      draft.endDate = copyOf(endDate);
      draft.endRow = row;
    } else if (draft.endDate !== endDate) {
      fail('conferenceEndDate', `${where()} is given end ${draft.endDate} on row ${draft.endRow}`);
      ok = false;
    }
  }
  if (country !== null) {
    if (draft.country === null) {
      draft.country = copyOf(country);
      draft.countryRow = row;
    } else if (draft.country !== country) {
      fail('country', `${where()} is given country ${draft.country} on row ${draft.countryRow}`);
      ok = false;
    }
  }
  return ok;
}

/** Rows name one conference when they agree on its name (any case) and year, as the unique index does. */
export function conferenceKeyOf(name: string, year: number): string {
  return `${name.trim().toLowerCase()}\u0001${year}`;
}

export function isIsoDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [, y, m, d] = match;
  const month = Number(m);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1) return false;
  const year = Number(y);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return day <= days;
}

/** A value for PostgreSQL's COPY text format: tabs, newlines and backslashes escaped, null as \N. */
export function copyValue(value: string | number | null): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, escapeCopyChar) : value;
}

function escapeCopyChar(c: string): string {
  return c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r';
}

/** One talk row as a line of COPY text: row, externalId, conference, year, talkType, date, title. */
export function talkCopyLine(r: TalkImportRow): string {
  return `${r.row}\t${copyValue(r.externalId)}\t${copyValue(r.conference)}\t${r.year}\t${r.talkType}\t${copyValue(r.date)}\t${copyValue(r.title)}\n`;
}
