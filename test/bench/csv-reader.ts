// The streaming CSV reader against csv-parse on a talk file of 1,000,000 rows, both reading the whole
// text at once and both handed the text in 64 KiB pieces: the figure docs/architecture.md quotes for
// keeping a hand-written reader. Run by bench.ts; also alone: node dist/test/bench/csv-reader.js.
import { parse as parseSync } from 'csv-parse/sync';
import { parse as parseStream } from 'csv-parse';
import { CsvReader, parseCsv } from '../../src/talks/csv';

export interface CsvReaderFigures {
  rows: number;
  ownMs: number;
  csvParseMs: number;
  ownPiecesMs: number;
  csvParsePiecesMs: number;
}

function talkFile(rows: number): string {
  const lines = ['externalId,conference,year,talkType,date,title'];
  for (let i = 0; i < rows; i++) {
    lines.push(
      `CMS-${100000 + (i % 50000)},ICHEP,${2010 + (i % 15)},parallel,${2010 + (i % 15)}-07-1${i % 9},"Search for new physics, part ${i}"`,
    );
  }
  return lines.join('\r\n') + '\r\n';
}

const PIECE = 64 * 1024;

function timed(run: () => number): { ms: number; rows: number } {
  const start = process.hrtime.bigint();
  const rows = run();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, rows };
}

async function csvParseInPieces(text: string): Promise<{ ms: number; rows: number }> {
  const start = process.hrtime.bigint();
  let rows = 0;
  const parser = parseStream();
  parser.on('readable', () => {
    while (parser.read() !== null) rows++;
  });
  const done = new Promise<void>((resolve, reject) => {
    parser.on('end', resolve);
    parser.on('error', reject);
  });
  for (let i = 0; i < text.length; i += PIECE) parser.write(text.slice(i, i + PIECE));
  parser.end();
  await done;
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, rows };
}

export async function measureCsvReader(rows = 1_000_000): Promise<CsvReaderFigures> {
  const text = talkFile(rows);
  const own = timed(() => parseCsv(text).length);
  const theirs = timed(() => (parseSync(text) as unknown[]).length);
  const ownPieces = timed(() => {
    const reader = new CsvReader();
    let n = 0;
    for (let i = 0; i < text.length; i += PIECE) n += reader.push(text.slice(i, i + PIECE)).length;
    return n + reader.end().length;
  });
  const theirPieces = await csvParseInPieces(text);
  for (const r of [own, theirs, ownPieces, theirPieces])
    if (r.rows !== rows + 1) throw new Error(`read ${r.rows} rows, expected ${rows + 1}`);
  return { rows, ownMs: own.ms, csvParseMs: theirs.ms, ownPiecesMs: ownPieces.ms, csvParsePiecesMs: theirPieces.ms };
}

if (require.main === module) {
  void measureCsvReader().then((f) => {
    console.log(
      `CSV reader, ${f.rows} rows: own ${f.ownMs.toFixed(0)} ms, csv-parse ${f.csvParseMs.toFixed(0)} ms ` +
        `(${(f.csvParseMs / f.ownMs).toFixed(1)}x); in 64 KiB pieces: own ${f.ownPiecesMs.toFixed(0)} ms, ` +
        `csv-parse ${f.csvParsePiecesMs.toFixed(0)} ms (${(f.csvParsePiecesMs / f.ownPiecesMs).toFixed(1)}x)`,
    );
  });
}
