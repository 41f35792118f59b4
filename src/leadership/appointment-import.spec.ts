import { checkAppointmentImport, readAppointmentCsv } from './appointment-import';

const POSITION_ID = '6f1c2b9e-3d4a-4c8b-9e7f-0a1b2c3d4e5f';
const MEMBER_ID = '0d9e8f7a-6b5c-4d3e-8f1a-2b3c4d5e6f70';

describe('checkAppointmentImport', () => {
  it('reads a position by title or id and a member by externalId or id', () => {
    const { rows, errors } = checkAppointmentImport([
      { position: ' Spokesperson ', externalId: 'E1', startsOn: '2020-01-01', endsOn: '2022-01-01' },
      { positionId: POSITION_ID, memberId: MEMBER_ID, startsOn: '2021-03-01', overrideReason: ' Board decision ' },
    ]);
    expect(errors).toEqual([]);
    expect(rows).toEqual([
      {
        row: 1,
        position: { title: 'Spokesperson' },
        member: { externalId: 'E1' },
        startsOn: '2020-01-01',
        endsOn: '2022-01-01',
        overrideReason: null,
      },
      {
        row: 2,
        position: { id: POSITION_ID },
        member: { id: MEMBER_ID },
        startsOn: '2021-03-01',
        endsOn: null,
        overrideReason: 'Board decision',
      },
    ]);
  });

  it('names the row and field of every problem', () => {
    const { rows, errors } = checkAppointmentImport([
      { position: 'Spokesperson', externalId: 'E1', startsOn: '2020-01-01' },
      { position: 'Spokesperson', positionId: 'nope', externalId: 7, startsOn: '2020-02-30', endsOn: 'soon', colour: 'red' },
      'not an object',
      { position: 'Spokesperson', externalId: 'E1', startsOn: '2020-01-01', endsOn: '2020-01-01' },
    ]);
    expect(rows.map((r) => r.row)).toEqual([1]);
    expect(errors).toEqual([
      { row: 2, field: 'colour', message: 'is not an accepted field' },
      { row: 2, field: 'externalId', message: 'must be a string' },
      { row: 2, field: 'position', message: 'give exactly one of position (its title) and positionId' },
      { row: 2, field: 'positionId', message: 'must be a UUID' },
      { row: 2, field: 'externalId', message: 'give exactly one of externalId and memberId' },
      { row: 2, field: 'startsOn', message: 'must be a date YYYY-MM-DD' },
      { row: 2, field: 'endsOn', message: 'must be a date YYYY-MM-DD' },
      { row: 3, field: '(row)', message: 'must be an object with the import columns' },
      { row: 4, field: 'endsOn', message: 'must be after startsOn' },
    ]);
  });

  it('still checks an over-long cell for what it must be', () => {
    const { errors } = checkAppointmentImport([
      { position: 'x'.repeat(301), positionId: POSITION_ID, externalId: 'E1', startsOn: '2020-01-01x' },
      { position: 'Spokesperson', externalId: 'E1', startsOn: 20200101 },
    ]);
    expect(errors).toEqual([
      { row: 1, field: 'position', message: 'must be at most 300 characters' },
      { row: 1, field: 'startsOn', message: 'must be at most 10 characters' },
      { row: 1, field: 'position', message: 'give exactly one of position (its title) and positionId' },
      { row: 1, field: 'startsOn', message: 'must be a date YYYY-MM-DD' },
      { row: 2, field: 'startsOn', message: 'must be a string' },
      { row: 2, field: 'startsOn', message: 'is required' },
    ]);
  });

  it('refuses more than 20,000 rows as a whole', () => {
    expect(() => checkAppointmentImport({ length: 20_001 } as unknown as unknown[])).toThrow(
      'At most 20000 rows per import; this one has 20001',
    );
  });
});

describe('readAppointmentCsv', () => {
  it('reads columns in any order and case, leaving empty cells out', () => {
    expect(readAppointmentCsv('\uFEFFSTARTSON,Position,externalId,endsOn\r\n2020-01-01,"Chair, physics",\'=E1,\r\n')).toEqual([
      { startsOn: '2020-01-01', position: 'Chair, physics', externalId: '=E1' },
    ]);
  });

  it('refuses unknown columns and unreadable or empty CSV for the whole file', () => {
    expect(() => readAppointmentCsv('position,externalId,startsOn,shoeSize\n')).toThrow(
      'Unknown column(s) shoeSize; accepted: position, positionId, externalId, memberId, startsOn, endsOn, overrideReason',
    );
    expect(() => readAppointmentCsv('')).toThrow('The CSV is empty; its first line must name the columns');
    expect(() => readAppointmentCsv('position,startsOn\n"Chair,2020-01-01\n')).toThrow(/^The CSV could not be read: /);
  });

  it('turns a line with the wrong number of cells into a row error', () => {
    const { rows, errors } = checkAppointmentImport(
      readAppointmentCsv('position,externalId,startsOn\nChair,E1,2020-01-01\nChair,E2\nChair,E3,2020-01-01,extra\n'),
    );
    expect(rows.map((r) => r.row)).toEqual([1]);
    expect(errors).toEqual([
      { row: 2, field: '(row)', message: 'has 2 cells; the header has 3' },
      { row: 2, field: 'startsOn', message: 'is required' },
      { row: 3, field: '(row)', message: 'has 4 cells; the header has 3' },
    ]);
  });
});
