import fc from 'fast-check';
import { ImportFormatError } from '../common/import-rows';
import {
  checkTalkImport,
  copyValue,
  isIsoDate,
  readTalkCsv,
  readTalkCsvStream,
  talkCopyLine,
  TalkCsvReader,
  TalkImportChecker,
} from './talk-import';

const talk = (overrides: Record<string, unknown> = {}) => ({
  externalId: 'M1',
  conference: 'ICHEP',
  year: 2024,
  talkType: 'plenary',
  ...overrides,
});

describe('readTalkCsv', () => {
  it('keys cells by column, matching headers in any case; the row check trims the cells', () => {
    const records = readTalkCsv('\uFEFFExternalId, CONFERENCE ,year,talktype,title\r\n M1 ,ICHEP,2024,Plenary,"Higgs, again"\r\n');
    expect(records).toEqual([{ externalId: ' M1 ', conference: 'ICHEP', year: '2024', talkType: 'Plenary', title: 'Higgs, again' }]);
    expect(checkTalkImport(records).rows[0]).toMatchObject({ externalId: 'M1', talkType: 'plenary', title: 'Higgs, again' });
  });

  it('rejects the whole file for unknown, missing or repeated columns', () => {
    expect(() => readTalkCsv('externalId,conference,year,talkType,speakerShoe\n')).toThrow(/Unknown column.*speakerShoe/);
    expect(() => readTalkCsv('externalId,conference,talkType\n')).toThrow(/Missing column.*year/);
    expect(() => readTalkCsv('externalId,conference,year,talkType,year\n')).toThrow(/more than once/);
    expect(() => readTalkCsv('')).toThrow(ImportFormatError);
    expect(() => readTalkCsv('externalId,conference,year,talkType\n"M1,ICHEP,2024,plenary\n')).toThrow(ImportFormatError);
  });

  it('accepts conferenceDate in place of year', () => {
    expect(readTalkCsv('externalId,conference,conferenceDate,talkType\nM1,ICHEP,2024-07-17,poster\n')).toHaveLength(1);
  });

  it('turns a line with the wrong number of cells into a row error, not a rejection', () => {
    const check = checkTalkImport(readTalkCsv('externalId,conference,year,talkType\nM1,ICHEP,2024,plenary\nM2,ICHEP,2024\n'));
    expect(check.rows.map((r) => r.row)).toEqual([1]);
    expect(check.errors).toEqual([
      { row: 2, field: '(row)', message: 'has 3 cells; the header has 4' },
      { row: 2, field: 'talkType', message: 'is required' },
    ]);
  });
});

describe('TalkCsvReader, a file arriving in pieces', () => {
  const file =
    '\uFEFFexternalId,conference,year,talkType,title\r\nM1,ICHEP,2024,plenary,"Higgs, ""again""\r\nand again"\r\n' +
    'M2,ICHEP,2024,poster\r\nM3,EPS,2025,parallel,Flavour\r\n';

  it('gives the same records as the whole file, wherever it is cut', () => {
    const whole = readTalkCsv(file);
    expect(whole).toHaveLength(3);
    fc.assert(
      fc.property(fc.array(fc.nat({ max: file.length }), { maxLength: 8 }), (at) => {
        const places = [...new Set(at)].sort((a, b) => a - b);
        const reader = new TalkCsvReader();
        const records: Record<string, unknown>[] = [];
        let from = 0;
        for (const place of [...places, file.length]) {
          records.push(...reader.push(file.slice(from, place)));
          from = place;
        }
        records.push(...reader.end());
        expect(records).toEqual(whole);
      }),
    );
  });

  it('refuses a bad header as soon as its line is complete, before the rest of the file', () => {
    const reader = new TalkCsvReader();
    expect(reader.push('externalId,conference,ye')).toEqual([]);
    expect(() => reader.push('ar,talkType,shoeSize\nM1,')).toThrow(/Unknown column.*shoeSize/);
  });

  it('yields the records of each piece as it arrives, and refuses an empty file at its end', async () => {
    async function* pieces(...texts: string[]) {
      yield* texts;
    }
    const batches: unknown[][] = [];
    for await (const batch of readTalkCsvStream(
      pieces('externalId,conference,year,talkType\nM1,A,2024,', 'poster\nM2,A,2024,seminar\nM3,', 'B,2024,poster'),
    )) {
      batches.push(batch);
    }
    expect(batches.map((b) => b.map((r) => (r as { externalId: string }).externalId))).toEqual([['M1', 'M2'], ['M3']]);
    await expect(readTalkCsvStream(pieces('', '\uFEFF', '\n')).next()).rejects.toThrow(/The CSV is empty/);
  });
});

describe('TalkImportChecker, records one at a time', () => {
  it("lists the first errors by row and counts them all, conference errors found at the end in their row's place", () => {
    const checker = new TalkImportChecker(3);
    const records = [
      talk({ conference: 'Short', tier: 'minor', date: '2024-06-10' }),
      talk({ conference: 'Short', conferenceEndDate: '2024-06-01' }),
      talk({ talkType: 'keynote' }),
      talk({ talkType: 'keynote', tier: 'huge' }),
      talk({ talkType: 'keynote' }),
      talk(),
    ];
    expect(records.map((r) => checker.check(r)?.row ?? null)).toEqual([1, 2, null, null, null, 6]);
    const summary = checker.finish();
    expect(summary.errors.map((e) => [e.row, e.field])).toEqual([
      [2, 'conferenceEndDate'],
      [3, 'talkType'],
      [4, 'talkType'],
    ]);
    expect(summary.errorCount).toBe(5);
    expect(summary.valid).toBe(3);
    expect(summary.conferences).toEqual([]);
  });

  it('lists, of any file, exactly the first errors a full list would have, and counts them all', () => {
    const field = fc.constantFrom(
      undefined,
      '',
      ' x ',
      '2024',
      '2024-07-18',
      '2024-06-01',
      '2023-12-31',
      'minor',
      'major',
      'CH',
      'fr',
      'poster',
      42,
    );
    const record = fc.record(
      {
        externalId: fc.constantFrom('M1', ''),
        conference: fc.constantFrom('ICHEP', 'ichep', 'EPS'),
        year: field,
        talkType: field,
        date: field,
        tier: field,
        country: field,
        conferenceStartDate: field,
        conferenceEndDate: field,
      },
      { requiredKeys: ['externalId', 'conference'] },
    );
    fc.assert(
      fc.property(fc.array(record, { maxLength: 12 }), fc.nat({ max: 6 }), (records, listed) => {
        const all = new TalkImportChecker();
        const some = new TalkImportChecker(listed);
        for (const r of records) expect(some.check(r)).toEqual(all.check(r));
        const full = all.finish();
        const summary = some.finish();
        expect(summary.errors).toEqual(full.errors.slice(0, listed));
        expect(summary.errorCount).toBe(full.errors.length);
        expect(summary).toMatchObject({ valid: full.valid, conferences: full.conferences });
      }),
    );
  });
});

describe('checkTalkImport', () => {
  it('normalises a good row', () => {
    const check = checkTalkImport([talk({ externalId: 17, talkType: ' Parallel ', date: '2024-07-18', title: ' On tops ' })]);
    expect(check.errors).toEqual([]);
    expect(check.rows).toEqual([
      {
        row: 1,
        externalId: '17',
        conference: 'ICHEP',
        year: 2024,
        talkType: 'parallel',
        date: '2024-07-18',
        title: 'On tops',
      },
    ]);
    expect(check.conferences).toEqual([]);
  });

  it('names every bad field of every bad row, 1-based, in row order', () => {
    const check = checkTalkImport([
      talk(),
      talk({ externalId: '', talkType: 'keynote' }),
      'not an object',
      talk({ year: '24', date: '2024-02-30', tier: 'huge', country: 'XX', colour: 'red' }),
      talk({ year: undefined }),
    ]);
    expect(check.rows.map((r) => r.row)).toEqual([1]);
    expect(check.errors.map((e) => [e.row, e.field])).toEqual([
      [2, 'externalId'],
      [2, 'talkType'],
      [3, '(row)'],
      [4, 'colour'],
      [4, 'date'],
      [4, 'year'],
      [4, 'tier'],
      [4, 'country'],
      [5, 'year'],
    ]);
  });

  it('refuses wrong types and over-long values', () => {
    const check = checkTalkImport([talk({ title: 42 }), talk({ conference: 'x'.repeat(301) }), talk({ year: 1850 })]);
    expect(check.errors).toEqual([
      { row: 1, field: 'title', message: 'must be a string' },
      { row: 2, field: 'conference', message: 'must be at most 300 characters' },
      { row: 3, field: 'year', message: '1850 is not a year between 1900 and 2200' },
    ]);
  });

  it('takes the year from conferenceDate, and refuses conference dates outside the given year', () => {
    const byDate = checkTalkImport([talk({ year: undefined, conferenceDate: '2023-03-05' })]);
    expect(byDate.rows[0].year).toBe(2023);
    const mismatch = checkTalkImport([talk({ conferenceStartDate: '2023-12-30' })]);
    expect(mismatch.errors).toEqual([expect.objectContaining({ row: 1, field: 'conferenceStartDate' })]);
    const backwards = checkTalkImport([talk({ conferenceStartDate: '2024-05-05', conferenceEndDate: '2024-05-04' })]);
    expect(backwards.errors).toEqual([expect.objectContaining({ row: 1, field: 'conferenceEndDate' })]);
  });

  it('describes a conference to create once some row gives its tier, dated by its talks', () => {
    const check = checkTalkImport([
      talk({ conference: 'New Workshop', date: '2024-05-07' }),
      talk({ conference: 'new workshop', tier: 'Minor', date: '2024-05-09', country: 'fr' }),
      talk({ conference: 'NEW WORKSHOP', date: '2024-05-08' }),
      talk({ conference: 'Known Meeting' }),
    ]);
    expect(check.errors).toEqual([]);
    expect(check.conferences).toEqual([
      { row: 2, name: 'New Workshop', year: 2024, tier: 'minor', startDate: '2024-05-07', endDate: '2024-05-09', country: 'FR' },
    ]);
  });

  it('dates a created conference January 1 without talk dates, and prefers the dates given for it', () => {
    const undated = checkTalkImport([talk({ conference: 'Undated', tier: 'standard' })]);
    expect(undated.conferences[0]).toMatchObject({ startDate: '2024-01-01', endDate: '2024-01-01' });
    const spanning = checkTalkImport([
      talk({ conference: 'New Year School', tier: 'minor', date: '2025-01-02' }),
      talk({ conference: 'New Year School', date: '2024-12-30' }),
    ]);
    expect(spanning.conferences[0]).toMatchObject({ startDate: '2024-12-30', endDate: '2025-01-02' });
    const given = checkTalkImport([
      talk({
        conference: 'Given',
        tier: 'major',
        date: '2024-03-03',
        conferenceStartDate: '2024-03-01',
        conferenceEndDate: '2024-03-09',
      }),
    ]);
    expect(given.conferences[0]).toMatchObject({ startDate: '2024-03-01', endDate: '2024-03-09' });
  });

  it('refuses rows that contradict an earlier row about the same conference', () => {
    const check = checkTalkImport([
      talk({ tier: 'major', country: 'CH', conferenceStartDate: '2024-07-17' }),
      talk({ tier: 'minor' }),
      talk({ country: 'FR' }),
      talk({ conferenceStartDate: '2024-07-18' }),
      talk({ year: 2025, tier: 'minor' }),
    ]);
    expect(check.errors.map((e) => [e.row, e.field, e.message])).toEqual([
      [2, 'tier', 'ICHEP (2024) is given tier major on row 1'],
      [3, 'country', 'ICHEP (2024) is given country CH on row 1'],
      [4, 'conferenceStartDate', 'ICHEP (2024) is given start 2024-07-17 on row 1'],
    ]);
    expect(check.conferences.map((c) => [c.year, c.tier])).toEqual([
      [2024, 'major'],
      [2025, 'minor'],
    ]);
  });

  it('refuses a given end before the start its talks imply', () => {
    const check = checkTalkImport([
      talk({ conference: 'Short', tier: 'minor', date: '2024-06-10' }),
      talk({ conference: 'Short', conferenceEndDate: '2024-06-01' }),
    ]);
    expect(check.errors).toEqual([expect.objectContaining({ row: 2, field: 'conferenceEndDate' })]);
    expect(check.conferences).toEqual([]);
  });

  it('refuses more rows than an import may hold, as a whole', () => {
    expect(() => checkTalkImport({ length: 2_000_001 } as unknown as unknown[])).toThrow(ImportFormatError);
  });
});

describe('isIsoDate', () => {
  it('accepts exactly the calendar dates written YYYY-MM-DD', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1900-01-01'), max: new Date('2199-12-31'), noInvalidDate: true }), (d) => {
        expect(isIsoDate(d.toISOString().slice(0, 10))).toBe(true);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1900, max: 2199 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), (y, m, d) => {
        const text = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
        const real = new Date(Date.UTC(y, m - 1, d));
        const exists = m >= 1 && m <= 12 && d >= 1 && real.getUTCMonth() === m - 1 && real.getUTCDate() === d;
        expect(isIsoDate(text)).toBe(exists);
      }),
    );
    expect(isIsoDate('2024-2-01')).toBe(false);
    expect(isIsoDate('2024-02-01T00:00')).toBe(false);
  });
});

describe('COPY text', () => {
  const unescape = (text: string) => text.replace(/\\(.)/g, (_, c: string) => ({ t: '\t', n: '\n', r: '\r', '\\': '\\' })[c] ?? c);

  it('round-trips any text and keeps one line per row', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        const encoded = copyValue(text);
        expect(encoded).not.toMatch(/[\t\n\r]/);
        expect(encoded === '\\N' ? null : unescape(encoded)).toBe(text);
      }),
    );
  });

  it('writes null as \\N and a row as seven tab-separated fields', () => {
    const line = talkCopyLine({
      row: 3,
      externalId: 'M\t1',
      conference: 'A\\B',
      year: 2024,
      talkType: 'poster',
      date: null,
      title: 'x\ny',
    });
    expect(line).toBe('3\tM\\t1\tA\\\\B\t2024\tposter\t\\N\tx\\ny\n');
  });
});
