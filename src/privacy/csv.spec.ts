import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { csvField, csvImportedText, csvRow, csvSafeSql, csvText } from './csv';

const readBack = (csv: string) => parse(csv, { relax_quotes: false }) as string[][];

describe('csvField', () => {
  it.each([
    ['=HYPERLINK("http://evil.example","x")', '"\'=HYPERLINK(""http://evil.example"",""x"")"'],
    ["+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"],
    ['-1+1', "'-1+1"],
    ['@SUM(A1:A9)', "'@SUM(A1:A9)"],
    ['\t=1+2', "'\t=1+2"],
    ['\r=1+2', '"\'\r=1+2"'],
  ])('neutralises %j as %s', (value, field) => {
    expect(csvField(value)).toBe(field);
  });

  it('leaves ordinary text alone, and quotes commas, quotes, line breaks and edge spaces (RFC 4180)', () => {
    expect(csvField('Ada Lovelace')).toBe('Ada Lovelace');
    expect(csvField('a=b, c')).toBe('"a=b, c"');
    expect(csvField('Zoë "Z" Müller')).toBe('"Zoë ""Z"" Müller"');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(' padded ')).toBe('" padded "');
    expect(csvField("O'Brien")).toBe("O'Brien");
    expect(csvField("'quoted'")).toBe("'quoted'");
  });

  it('adds one more apostrophe to text that already starts with some before a formula', () => {
    expect(csvField("'=1+2")).toBe("''=1+2");
    expect(csvField("''-1")).toBe("'''-1");
  });

  it('writes numbers and booleans as they are, negative ones included, and nothing for null', () => {
    expect(csvField(-1.5)).toBe('-1.5');
    expect(csvField(-3)).toBe('-3');
    expect(csvField(0.25)).toBe('0.25');
    expect(csvField(true)).toBe('true');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
  });

  it('never writes a field a spreadsheet runs as a formula, and reads back as the text it was given', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom('=', '+1', '-', '@', '\t', '\r\n', "'=", "''@")),
        (text) => {
          fc.pre(text !== '');
          const [[cell]] = readBack(`${csvField(text)}\r\n`);
          expect(cell).not.toMatch(/^[=+\-@\t\r]/);
          expect(csvImportedText(cell)).toBe(text);
        },
      ),
    );
  });
});

describe('csvRow and csvText', () => {
  it('join fields by commas and end every line with CRLF', () => {
    expect(csvRow(['a', 1, null, '=x'])).toBe("a,1,,'=x");
    const text = csvText(
      ['name', 'share'],
      [
        ['Smith, Anna', -0.5],
        ['@home', 1],
      ],
    );
    expect(text).toBe('name,share\r\n"Smith, Anna",-0.5\r\n\'@home,1\r\n');
    expect(readBack(text)).toEqual([
      ['name', 'share'],
      ['Smith, Anna', '-0.5'],
      ["'@home", '1'],
    ]);
  });

  it('round-trips any table of text', () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.array(fc.string(), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 5 })
          .filter((rows) => rows.every((row) => row.length === rows[0].length)),
        (rows) => {
          const [header, ...body] = rows;
          // A record of one empty field is an empty line, which readers skip.
          fc.pre(rows.every((row) => row.length > 1 || row[0] !== ''));
          const back = readBack(csvText(header, body)).map((row) => row.map(csvImportedText));
          expect(back).toEqual(rows);
        },
      ),
    );
  });
});

describe('csvImportedText', () => {
  it('drops only the apostrophe csvField adds', () => {
    expect(csvImportedText("'=1+2")).toBe('=1+2');
    expect(csvImportedText("'-5")).toBe('-5');
    expect(csvImportedText("O'Brien")).toBe("O'Brien");
    expect(csvImportedText("'quoted'")).toBe("'quoted'");
    expect(csvImportedText("''=1+2")).toBe("'=1+2");
  });
});

describe('csvSafeSql', () => {
  it('applies the same rule to a column in SQL', () => {
    expect(csvSafeSql('m.name')).toBe("CASE WHEN m.name ~ '^''*[=+@\\t\\r-]' THEN '''' || m.name ELSE m.name END");
  });
});
