import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { CsvReader, CsvSyntaxError, parseCsv } from './csv';

/** How a spreadsheet writes a cell: quoted when it holds a comma, quote, line break or edge space. */
const writeCell = (cell: string) => (/[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);

const cell = fc.string({ unit: fc.constantFrom('a', 'Z', '9', ' ', ',', '"', '\n', '\r', 'é', '😀', '\t'), maxLength: 8 });
// A record of one empty cell is an empty line, which both parsers skip: keep records distinguishable.
const table = fc.array(fc.array(cell, { minLength: 2, maxLength: 5 }), { minLength: 1, maxLength: 8 });

/** The text cut at the given places (each a fraction of its length), as it may arrive over a network. */
function cut(text: string, at: number[]): string[] {
  const places = [...new Set(at.map((f) => Math.floor(f * (text.length + 1))))].sort((a, b) => a - b);
  const pieces: string[] = [];
  let from = 0;
  for (const place of places) {
    pieces.push(text.slice(from, place));
    from = place;
  }
  pieces.push(text.slice(from));
  return pieces;
}
const cuts = fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { maxLength: 12 });

/** The records of text read in pieces, or the error that stops it. */
function readInPieces(pieces: string[]): string[][] | string {
  const reader = new CsvReader();
  const rows: string[][] = [];
  try {
    for (const piece of pieces) rows.push(...reader.push(piece));
    rows.push(...reader.end());
    return rows;
  } catch (error) {
    if (error instanceof CsvSyntaxError) return error.message;
    throw error;
  }
}

/**
 * The whole-text parser the import used before it read files as they arrive, kept as the reference the
 * reader must match on any text, malformed too: the same records, the same error naming the same line.
 */
function parseWholeText(text: string): string[][] {
  const rows: string[][] = [];
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let row: string[] = [];
  const lineAt = (position: number) => text.slice(0, position).split('\n').length;
  while (i < n) {
    if (text[i] === '"') {
      let value = '';
      let from = i + 1;
      for (;;) {
        const quote = text.indexOf('"', from);
        if (quote === -1) throw new CsvSyntaxError(`A quoted cell opened on line ${lineAt(i)} is never closed`);
        if (text[quote + 1] === '"') {
          value += text.slice(from, quote + 1);
          from = quote + 2;
          continue;
        }
        value += text.slice(from, quote);
        i = quote + 1;
        break;
      }
      row.push(value);
      if (i < n && !',\n\r'.includes(text[i])) {
        throw new CsvSyntaxError(`Line ${lineAt(i)}: a quoted cell must end at a comma or the end of the line`);
      }
    } else {
      let end = i;
      for (; end < n && !',\n\r'.includes(text[end]); end++) {
        if (text[end] === '"') throw new CsvSyntaxError(`Line ${lineAt(end)}: a quote inside a cell that does not start with one`);
      }
      row.push(text.slice(i, end));
      i = end;
    }
    if (text[i] === ',') {
      i += 1;
      if (i === n) row.push('');
      continue;
    }
    if (text[i] === '\r') i += 1;
    if (text[i] === '\n') i += 1;
    if (row.length > 1 || row[0] !== '') rows.push(row);
    row = [];
  }
  if (row.length > 0) rows.push(row);
  return rows;
}

function wholeText(text: string): string[][] | string {
  try {
    return parseWholeText(text);
  } catch (error) {
    if (error instanceof CsvSyntaxError) return error.message;
    throw error;
  }
}

describe('parseCsv', () => {
  it('reads back any table written the RFC 4180 way, with LF or CRLF line ends and with or without a final one', () => {
    fc.assert(
      fc.property(table, fc.constantFrom('\n', '\r\n'), fc.boolean(), (rows, eol, finalEol) => {
        const text = rows.map((r) => r.map(writeCell).join(',')).join(eol) + (finalEol ? eol : '');
        expect(parseCsv(text)).toEqual(rows);
      }),
    );
  });

  it('agrees with csv-parse', () => {
    fc.assert(
      fc.property(table, (rows) => {
        const text = `\uFEFF${rows.map((r) => r.map(writeCell).join(',')).join('\n')}\n`;
        expect(parseCsv(text)).toEqual(parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true }));
      }),
    );
  });

  it('skips empty lines and a byte-order mark, keeps empty cells and ragged lines', () => {
    expect(parseCsv('\uFEFFa,b\n\n,\r\nc,,d,\n\n')).toEqual([
      ['a', 'b'],
      ['', ''],
      ['c', '', 'd', ''],
    ]);
    expect(parseCsv('x,')).toEqual([['x', '']]);
    expect(parseCsv('')).toEqual([]);
  });

  it('refuses malformed quoting, naming the line', () => {
    expect(() => parseCsv('a,b\n"open,c\n')).toThrow(new CsvSyntaxError('A quoted cell opened on line 2 is never closed'));
    expect(() => parseCsv('a,b\n"x"y,c\n')).toThrow(/Line 2: a quoted cell must end/);
    expect(() => parseCsv('a,b\nc,d\nx"y,z\n')).toThrow(/Line 3: a quote inside a cell/);
  });
});

describe('CsvReader, text arriving in pieces', () => {
  it('agrees with csv-parse on the whole text, wherever the text is cut, CRLF or LF, with a byte-order mark', () => {
    fc.assert(
      fc.property(table, fc.constantFrom('\n', '\r\n'), cuts, (rows, eol, at) => {
        const text = `\uFEFF${rows.map((r) => r.map(writeCell).join(',')).join(eol)}${eol}`;
        const expected = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true });
        for (let place = 0; place <= text.length; place++) {
          expect(readInPieces([text.slice(0, place), text.slice(place)])).toEqual(expected);
        }
        expect(readInPieces(cut(text, at))).toEqual(expected);
      }),
    );
  });

  it('reads any text, well-formed or not, as the whole-text parser did: same records, same error on the same line', () => {
    const anyText = fc.string({ unit: fc.constantFrom('a', 'é', ',', '"', '\n', '\r', ' ', '\uFEFF'), maxLength: 40 });
    fc.assert(
      fc.property(anyText, cuts, (text, at) => {
        const expected = wholeText(text);
        for (let place = 0; place <= text.length; place++) {
          expect(readInPieces([text.slice(0, place), text.slice(place)])).toEqual(expected);
        }
        expect(readInPieces(cut(text, at))).toEqual(expected);
        expect(readInPieces([...text])).toEqual(expected);
      }),
      { numRuns: 1000 },
    );
  });

  it('joins a quoted cell cut anywhere: inside, between doubled quotes, before its closing quote, around its line breaks', () => {
    const text = 'id,title\r\n1,"Jets, ""boosted""\r\nand tagged"\r\n2,plain\r\n';
    const expected = [
      ['id', 'title'],
      ['1', 'Jets, "boosted"\r\nand tagged'],
      ['2', 'plain'],
    ];
    for (let a = 0; a <= text.length; a++) {
      for (let b = a; b <= text.length; b++) {
        expect(readInPieces([text.slice(0, a), text.slice(a, b), text.slice(b)])).toEqual(expected);
      }
    }
  });

  it('takes a CR and the LF after it in the next piece as one line end, not as an empty line between', () => {
    const reader = new CsvReader();
    expect(reader.push('a,b\r')).toEqual([['a', 'b']]);
    expect(reader.push('\nc,d\r')).toEqual([['c', 'd']]);
    expect(reader.push('\n\r\n')).toEqual([]);
    expect(reader.push('e,')).toEqual([]);
    expect(reader.end()).toEqual([['e', '']]);
  });

  it('gives each record as soon as its line is complete, and skips a byte-order mark that arrives alone', () => {
    const reader = new CsvReader();
    expect(reader.push('')).toEqual([]);
    expect(reader.push('\uFEFF')).toEqual([]);
    expect(reader.push('x,y\nz')).toEqual([['x', 'y']]);
    expect(reader.push(',w')).toEqual([]);
    expect(reader.end()).toEqual([['z', 'w']]);
  });

  it('names the line of a quoting error counted across pieces', () => {
    expect(readInPieces(['a,b\n', 'c,"d\ne"\n', 'x,"op', 'en\n'])).toBe('A quoted cell opened on line 4 is never closed');
    expect(readInPieces(['a,b\nc,d\n', 'e,"f"', 'g\n'])).toBe('Line 3: a quoted cell must end at a comma or the end of the line');
    expect(readInPieces(['a,b\nc,d', '\nx', '"y\n'])).toBe('Line 3: a quote inside a cell that does not start with one');
  });
});
