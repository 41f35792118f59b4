import { capErrors, checkImportRows, ImportFormatError, importedText, readImportCsv, requiredText, RowFail } from './import-rows';

const COLUMNS = ['id', 'name'] as const;

describe('checkImportRows', () => {
  const check = (records: readonly unknown[]) =>
    checkImportRows(records, { columns: COLUMNS, maxRows: 4 }, (cells, row, fail) => {
      const name = requiredText(cells.name, 'name', 5, false, fail);
      return { row, name };
    });

  it('numbers rows from 1 and keeps only the rows without errors', () => {
    expect(check([{ name: 'Ann' }, { name: '' }, 'Bob', [{ name: 'Cy' }]])).toEqual({
      rows: [{ row: 1, name: 'Ann' }],
      errors: [
        { row: 2, field: 'name', message: 'is required' },
        { row: 3, field: '(row)', message: 'must be an object with the import columns' },
        { row: 4, field: '(row)', message: 'must be an object with the import columns' },
      ],
    });
  });

  it('names an unknown field and still checks the rest of its row', () => {
    expect(
      check([
        { name: 'Ann', colour: 'red', 'x y': 1 },
        { id: '2', name: 'Bob' },
      ]).errors,
    ).toEqual([
      { row: 1, field: 'colour', message: 'is not an accepted field' },
      { row: 1, field: 'x y', message: 'is not an accepted field' },
    ]);
  });

  it('reports a CSV line whose cell count differs from the header; a JSON key cannot pose as that mark', () => {
    const records = readImportCsv('id,name\n1,Ann\n2\n3,Cy,extra\n', COLUMNS);
    expect(check(records).errors).toEqual([
      { row: 2, field: '(row)', message: 'has 1 cells; the header has 2' },
      { row: 2, field: 'name', message: 'is required' },
      { row: 3, field: '(row)', message: 'has 3 cells; the header has 2' },
    ]);
    expect(check([{ name: 'Ann', '\u0000cells': 5 }]).errors).toEqual([
      { row: 1, field: '\u0000cells', message: 'is not an accepted field' },
    ]);
  });

  it('refuses more rows than an import may hold, as a whole', () => {
    expect(() => check([{}, {}, {}, {}, {}])).toThrow(new ImportFormatError('At most 4 rows per import; this one has 5'));
    expect(check([{}, {}, {}, {}]).errors).toHaveLength(4);
  });
});

describe('readImportCsv', () => {
  it('matches the header in any case, reads back neutralised cells and leaves empty ones out', () => {
    expect(readImportCsv("\uFEFFNAME,Id\r\n'=Ann,\r\n\r\n", COLUMNS)).toEqual([{ name: '=Ann' }]);
  });

  it('refuses the whole file for an unknown column, or what checkHeader refuses', () => {
    expect(() => readImportCsv('id,shoeSize\n', COLUMNS)).toThrow(new ImportFormatError('Unknown column(s) shoeSize; accepted: id, name'));
    const noName = (header: readonly string[]) => {
      if (!header.includes('name')) throw new ImportFormatError('no name');
    };
    expect(() => readImportCsv('id\n1\n', COLUMNS, noName)).toThrow('no name');
    expect(() => readImportCsv('', COLUMNS)).toThrow('The CSV is empty; its first line must name the columns');
    expect(() => readImportCsv('id,name\n"1,Ann\n', COLUMNS)).toThrow(/^The CSV could not be read: /);
  });
});

describe('importedText and requiredText', () => {
  const read = (value: unknown, options: { numbers?: boolean; tooLong?: 'absent' | 'kept'; required?: boolean } = {}) => {
    const errors: string[] = [];
    const fail: RowFail = (field, message) => errors.push(`${field} ${message}`);
    const text = options.required
      ? requiredText(value, 'name', 3, options.numbers ?? false, fail)
      : importedText(value, 'name', 3, options.numbers ?? false, fail, options.tooLong);
    return { text, errors };
  };

  it('trims, reads empty as absent and a number only where allowed', () => {
    expect(read(' ab ')).toEqual({ text: 'ab', errors: [] });
    expect(read('  ')).toEqual({ text: null, errors: [] });
    expect(read(undefined)).toEqual({ text: null, errors: [] });
    expect(read(12, { numbers: true })).toEqual({ text: '12', errors: [] });
    expect(read(12)).toEqual({ text: null, errors: ['name must be a string'] });
  });

  it('reads an over-long cell as absent, or keeps it for the column checks that follow', () => {
    expect(read('abcd')).toEqual({ text: null, errors: ['name must be at most 3 characters'] });
    expect(read(' abcd ', { tooLong: 'kept' })).toEqual({ text: 'abcd', errors: ['name must be at most 3 characters'] });
  });

  it('calls only an absent or empty cell missing', () => {
    expect(read('', { required: true })).toEqual({ text: null, errors: ['name is required'] });
    expect(read(null, { required: true })).toEqual({ text: null, errors: ['name is required'] });
    expect(read(true, { required: true })).toEqual({ text: null, errors: ['name must be a string'] });
    expect(read('abcd', { required: true })).toEqual({ text: null, errors: ['name must be at most 3 characters'] });
  });
});

describe('capErrors', () => {
  it('caps the error list in row order and counts the rest', () => {
    const errors = [5, 1, 3].map((row) => ({ row, field: 'name', message: 'is required' }));
    expect(capErrors(errors, 2)).toEqual({ errors: [errors[1], errors[2]], more: 1 });
  });
});
