// RFC 4180 CSV to rows of cells. Written for the talk import, where a million-line file must be read in
// about a second, as it arrives: it slices the text between delimiters instead of building cells
// character by character, and carries a cell or record cut by the end of a piece of text over to the
// next. Pure; the property tests check it against csv-parse, however the text is cut.

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

export class CsvSyntaxError extends Error {}

// Where the reader stands between two characters.
/** At the start of a cell: of a record, or after a comma. */
const CELL_START = 0;
/** Inside a cell that does not start with a quote. */
const PLAIN_CELL = 1;
/** Inside a quoted cell. */
const QUOTED_CELL = 2;
/** Just after a quote inside a quoted cell: a doubled quote, or the end of the cell. */
const QUOTE_IN_CELL = 3;
/** At the comma or line end after a cell. */
const CELL_END = 4;
/** Just after a CR that ended a record: an LF here belongs to it. */
const AFTER_CR = 5;

/**
 * Cells separated by commas, records by LF or CRLF (or CR); a cell in double quotes may hold commas,
 * line breaks and doubled quotes. A leading byte-order mark is ignored, empty lines are skipped, cells
 * are not trimmed. Text goes in by `push`, in pieces cut anywhere; each call returns the records it
 * completed, `end` the last one.
 */
export class CsvReader {
  private state = CELL_START;
  private row: string[] = [];
  /** The part of the current cell read so far, when a piece of text ended inside it. */
  private cell = '';
  private started = false;
  /** Line breaks before `scanned` in the current text, and in all text before it. */
  private lines = 0;
  private scanned = 0;
  private text = '';
  /** Where the quoted cell being read was opened, for the error when it is never closed. */
  private quoteLine = 0;

  push(text: string): string[][] {
    const records: string[][] = [];
    const n = text.length;
    let i = 0;
    if (!this.started) {
      if (n === 0) return records;
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) i = 1;
    }
    this.text = text;
    this.scanned = 0;
    let state = this.state;
    let row = this.row;
    let cell = this.cell;
    while (i < n) {
      switch (state) {
        case CELL_START:
          if (text.charCodeAt(i) === QUOTE) {
            this.quoteLine = this.lineOf(i);
            i += 1;
            state = QUOTED_CELL;
          } else {
            state = PLAIN_CELL;
          }
          break;
        case PLAIN_CELL: {
          let end = i;
          for (; end < n; end++) {
            const c = text.charCodeAt(end);
            if (c === COMMA || c === LF || c === CR) break;
            if (c === QUOTE) throw new CsvSyntaxError(`Line ${this.lineOf(end)}: a quote inside a cell that does not start with one`);
          }
          if (end === n) {
            cell += text.slice(i, end);
          } else {
            row.push(cell === '' ? text.slice(i, end) : cell + text.slice(i, end));
            cell = '';
            state = CELL_END;
          }
          i = end;
          break;
        }
        case QUOTED_CELL: {
          const quote = text.indexOf('"', i);
          if (quote === -1) {
            cell += text.slice(i);
            i = n;
          } else {
            cell += text.slice(i, quote);
            i = quote + 1;
            state = QUOTE_IN_CELL;
          }
          break;
        }
        case QUOTE_IN_CELL: {
          const c = text.charCodeAt(i);
          if (c === QUOTE) {
            cell += '"';
            i += 1;
            state = QUOTED_CELL;
            break;
          }
          if (c !== COMMA && c !== LF && c !== CR) {
            throw new CsvSyntaxError(`Line ${this.lineOf(i)}: a quoted cell must end at a comma or the end of the line`);
          }
          row.push(cell);
          cell = '';
          state = CELL_END;
          break;
        }
        case CELL_END: {
          const c = text.charCodeAt(i);
          i += 1;
          if (c === COMMA) {
            state = CELL_START;
            break;
          }
          if (row.length > 1 || row[0] !== '') records.push(row);
          row = [];
          state = c === CR ? AFTER_CR : CELL_START;
          break;
        }
        case AFTER_CR:
          if (text.charCodeAt(i) === LF) i += 1;
          state = CELL_START;
          break;
      }
    }
    this.lineOf(n);
    this.text = '';
    this.state = state;
    this.row = row;
    this.cell = cell;
    return records;
  }

  /** The end of the text: the record it cuts off, if any. */
  end(): string[][] {
    const row = this.row;
    switch (this.state) {
      case QUOTED_CELL:
        throw new CsvSyntaxError(`A quoted cell opened on line ${this.quoteLine} is never closed`);
      case PLAIN_CELL:
      case QUOTE_IN_CELL:
        row.push(this.cell);
        break;
      case CELL_START:
        // After a comma, the text ends with an empty cell.
        if (row.length > 0) row.push('');
        break;
    }
    this.row = [];
    this.cell = '';
    this.state = CELL_START;
    return row.length > 1 || (row.length === 1 && row[0] !== '') ? [row] : [];
  }

  /** The 1-based line of a position in the current text; positions asked for never go back. */
  private lineOf(position: number): number {
    const text = this.text;
    for (let at = text.indexOf('\n', this.scanned); at !== -1 && at < position; at = text.indexOf('\n', at + 1)) {
      this.lines += 1;
    }
    this.scanned = position;
    return this.lines + 1;
  }
}

/** A whole CSV text at once (see CsvReader). */
export function parseCsv(text: string): string[][] {
  const reader = new CsvReader();
  const rows = reader.push(text);
  for (const row of reader.end()) rows.push(row);
  return rows;
}
