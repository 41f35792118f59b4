import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { CsvSyntaxError, parseCsv } from './csv';

/** How a spreadsheet writes a cell: quoted when it holds a comma, quote, line break or edge space. */
const writeCell = (cell: string) => (/[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);

const cell = fc.string({ unit: fc.constantFrom('a', 'Z', '9', ' ', ',', '"', '\n', '\r', 'é', '😀', '\t'), maxLength: 8 });
// A record of one empty cell is an empty line, which both parsers skip: keep records distinguishable.
const table = fc.array(fc.array(cell, { minLength: 2, maxLength: 5 }), { minLength: 1, maxLength: 8 });

describe('parseCsv', () => {
  it('reads back any table written the RFC 4180 way, with LF or CRLF line ends and with or without a final one', () => {
    fc.assert(fc.property(table, fc.constantFrom('\n', '\r\n'), fc.boolean(), (rows, eol, finalEol) => {
      const text = rows.map((r) => r.map(writeCell).join(',')).join(eol) + (finalEol ? eol : '');
      expect(parseCsv(text)).toEqual(rows);
    }));
  });

  it('agrees with csv-parse', () => {
    fc.assert(fc.property(table, (rows) => {
      const text = `\uFEFF${rows.map((r) => r.map(writeCell).join(',')).join('\n')}\n`;
      expect(parseCsv(text)).toEqual(parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true }));
    }));
  });

  it('skips empty lines and a byte-order mark, keeps empty cells and ragged lines', () => {
    expect(parseCsv('\uFEFFa,b\n\n,\r\nc,,d,\n\n')).toEqual([['a', 'b'], ['', ''], ['c', '', 'd', '']]);
    expect(parseCsv('x,')).toEqual([['x', '']]);
    expect(parseCsv('')).toEqual([]);
  });

  it('refuses malformed quoting, naming the line', () => {
    expect(() => parseCsv('a,b\n"open,c\n')).toThrow(new CsvSyntaxError('A quoted cell opened on line 2 is never closed'));
    expect(() => parseCsv('a,b\n"x"y,c\n')).toThrow(/Line 2: a quoted cell must end/);
    expect(() => parseCsv('a,b\nc,d\nx"y,z\n')).toThrow(/Line 3: a quote inside a cell/);
  });
});
