import fc from 'fast-check';
import { CAREER_STAGES, GENDERS } from '../common/enums';
import { ImportFormatError } from '../common/import-rows';
import { checkMemberImport, formatMembersCsv, isIsoDate, MemberExportRow, readMemberCsv } from './member-import';

const valid = (i: number) => ({
  externalId: `E${i}`,
  name: `Person ${i}`,
  email: `p${i}@example.org`,
  institute: 'CERN',
  country: 'CH',
  careerStage: 'postdoc',
  gender: 'woman',
});

describe('checkMemberImport', () => {
  it('normalises a valid row: trims, lower-cases enums, upper-cases the country', () => {
    const { rows, errors } = checkMemberImport([
      {
        externalId: ' 42 ',
        name: ' Ada Lovelace ',
        email: 'Ada@Example.ORG',
        institute: 'Imperial College',
        country: 'gb',
        careerStage: 'Tenured',
        gender: 'WOMAN',
        joinedOn: '2020-02-29',
      },
    ]);
    expect(errors).toEqual([]);
    expect(rows).toEqual([
      {
        row: 1,
        externalId: '42',
        name: 'Ada Lovelace',
        email: 'Ada@Example.ORG',
        institute: 'Imperial College',
        country: 'GB',
        careerStage: 'tenured',
        gender: 'woman',
        joinedOn: '2020-02-29',
      },
    ]);
  });

  it('treats empty optional cells as not given', () => {
    const { rows } = checkMemberImport([
      { externalId: 'X', name: 'N', email: '', institute: 'CERN', country: '', careerStage: 'student', gender: '' },
    ]);
    expect(rows[0]).toMatchObject({ email: null, country: null, gender: null, joinedOn: null });
  });

  it('names the row and field of every problem', () => {
    const { rows, errors } = checkMemberImport([
      valid(1),
      { ...valid(2), externalId: '', careerStage: 'professor' },
      { ...valid(3), country: 'XX', gender: 'other', email: 'not-an-address' },
      { ...valid(4), joinedOn: '2021-02-30', shoeSize: 44 },
      'just a string',
    ]);
    expect(rows.map((r) => r.row)).toEqual([1]);
    expect(errors).toEqual(
      expect.arrayContaining([
        { row: 2, field: 'externalId', message: 'is required' },
        expect.objectContaining({ row: 2, field: 'careerStage' }),
        expect.objectContaining({ row: 3, field: 'country' }),
        expect.objectContaining({ row: 3, field: 'gender' }),
        expect.objectContaining({ row: 3, field: 'email' }),
        expect.objectContaining({ row: 4, field: 'joinedOn' }),
        { row: 4, field: 'shoeSize', message: 'is not an accepted field' },
        expect.objectContaining({ row: 5, field: '(row)' }),
      ]),
    );
    expect(errors).toHaveLength(8);
  });

  it('rejects an externalId or e-mail repeated within the file, naming the first row', () => {
    const { errors } = checkMemberImport([valid(1), valid(2), { ...valid(3), externalId: 'E1' }, { ...valid(4), email: 'P2@example.org' }]);
    expect(errors).toEqual([
      { row: 3, field: 'externalId', message: 'E1 is already on row 1' },
      { row: 4, field: 'email', message: 'P2@example.org is already on row 2' },
    ]);
  });

  it('rejects one institute given two countries', () => {
    const { errors } = checkMemberImport([
      { ...valid(1), institute: 'New Lab', country: 'DE' },
      { ...valid(2), institute: 'new lab', country: '' },
      { ...valid(3), institute: 'NEW LAB', country: 'FR' },
    ]);
    expect(errors).toEqual([{ row: 3, field: 'country', message: 'institute NEW LAB is given country DE on row 1' }]);
  });

  it('accepts a numeric externalId from JSON but no other non-string values', () => {
    const { rows, errors } = checkMemberImport([
      { ...valid(1), externalId: 7 },
      { ...valid(2), name: 3 },
    ]);
    expect(rows.map((r) => r.externalId)).toEqual(['7']);
    expect(errors).toEqual([{ row: 2, field: 'name', message: 'must be a string' }]);
  });

  it('refuses more than 100,000 rows as a whole', () => {
    expect(() => checkMemberImport(new Array(100_001).fill(valid(1)))).toThrow(ImportFormatError);
  });

  it('reports exactly the rows that were spoiled, whatever their number and position', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 60 })
          .chain((n) => fc.tuple(fc.constant(n), fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { maxLength: n }))),
        ([n, spoiled]) => {
          const records = Array.from({ length: n }, (_, i) => (spoiled.includes(i) ? { ...valid(i), careerStage: 'emeritus' } : valid(i)));
          const { rows, errors } = checkMemberImport(records);
          expect(errors.map((e) => e.row).sort((a, b) => a - b)).toEqual(spoiled.map((i) => i + 1).sort((a, b) => a - b));
          expect(rows).toHaveLength(n - spoiled.length);
        },
      ),
    );
  });
});

describe('readMemberCsv', () => {
  it('reads columns in any order and case, with quoted cells', () => {
    const records = readMemberCsv('\uFEFFName,EXTERNALID,institute,careerStage,country\r\n"Doe, Jane",J1,CERN,student,CH\r\n\r\n');
    expect(records).toEqual([{ name: 'Doe, Jane', externalId: 'J1', institute: 'CERN', careerStage: 'student', country: 'CH' }]);
  });

  it('refuses unknown, missing or repeated columns, and unreadable CSV, for the whole file', () => {
    expect(() => readMemberCsv('externalId,name,institute,careerStage,shoeSize\n')).toThrow(/Unknown column.*shoeSize/);
    expect(() => readMemberCsv('externalId,name,institute\n')).toThrow(/Missing column.*careerStage/);
    expect(() => readMemberCsv('externalId,name,institute,careerStage,name\n')).toThrow(/more than once/);
    expect(() => readMemberCsv('')).toThrow(ImportFormatError);
    expect(() => readMemberCsv('externalId,name,institute,careerStage\n"a,b,c,d\n')).toThrow(ImportFormatError);
  });

  it('turns a line with the wrong number of cells into a row error, not a file error', () => {
    const records = readMemberCsv('externalId,name,institute,careerStage\nA,Ann,CERN,student\nB,Bob,CERN\n');
    const { rows, errors } = checkMemberImport(records);
    expect(rows.map((r) => r.externalId)).toEqual(['A']);
    expect(errors).toContainEqual({ row: 2, field: '(row)', message: 'has 3 cells; the header has 4' });
    expect(errors.every((e) => e.row === 2)).toBe(true);
  });
});

describe('formatMembersCsv', () => {
  // Formula characters and apostrophes too: the export neutralises them and the import undoes it.
  const cell = fc
    .string({ unit: fc.constantFrom('a', 'Z', ' ', ',', '"', '\n', 'é', '1', ';', '=', '+', '-', '@', "'"), minLength: 1, maxLength: 12 })
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

  it('writes what the import reads back unchanged', () => {
    fc.assert(
      fc.property(
        fc
          .uniqueArray(
            fc.record({
              externalId: cell,
              name: cell,
              institute: cell,
              email: fc.option(
                fc.emailAddress().map((e) => e.toLowerCase()),
                { nil: null },
              ),
              careerStage: fc.constantFrom(...CAREER_STAGES),
              gender: fc.constantFrom(...GENDERS),
              joinedOn: fc
                .date({ min: new Date('1990-01-01'), max: new Date('2030-12-31'), noInvalidDate: true })
                .map((d) => d.toISOString().slice(0, 10)),
              country: fc.constantFrom('CH', 'FR', 'US', 'JP'),
            }),
            { selector: (m) => m.externalId, maxLength: 20 },
          )
          .map((ms) => ms.map((m, i) => ({ ...m, email: m.email ? `${i}.${m.email}` : null, country: 'CH' as string }))),
        (members: MemberExportRow[]) => {
          const { rows, errors } = checkMemberImport(readMemberCsv(formatMembersCsv(members)));
          expect(errors).toEqual([]);
          expect(rows.map(({ row: _row, ...rest }) => rest)).toEqual(members);
        },
      ),
    );
  });

  it('neutralises cells a spreadsheet would run as a formula', () => {
    const csv = formatMembersCsv([
      {
        externalId: '+cmd|calc',
        name: '=HYPERLINK("http://evil.example")',
        email: null,
        institute: '@SUM(1)',
        country: 'CH',
        careerStage: 'student',
        gender: 'undisclosed',
        joinedOn: '2020-01-01',
      },
    ]);
    expect(csv.split('\r\n')[1]).toBe('\'+cmd|calc,"\'=HYPERLINK(""http://evil.example"")",,\'@SUM(1),CH,student,undisclosed,2020-01-01');
  });
});

describe('helpers', () => {
  it('knows real calendar dates', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2023-02-29')).toBe(false);
    expect(isIsoDate('2023-2-1')).toBe(false);
  });
});
