import fc from 'fast-check';
import { DEFAULT_MIN_CELL, minimumCellCount, suppressGenderTable, suppressRow } from './suppression';

/** Rank of a matrix by Gaussian elimination (entries are small integers, so a tolerance is safe). */
function rank(matrix: number[][]): number {
  const m = matrix.map((row) => [...row]);
  let r = 0;
  const width = m[0]?.length ?? 0;
  for (let c = 0; c < width && r < m.length; c++) {
    let pivot = r;
    for (let i = r + 1; i < m.length; i++) if (Math.abs(m[i][c]) > Math.abs(m[pivot][c])) pivot = i;
    if (Math.abs(m[pivot][c]) < 1e-9) continue;
    [m[r], m[pivot]] = [m[pivot], m[r]];
    for (let i = 0; i < m.length; i++) {
      if (i === r) continue;
      const f = m[i][c] / m[r][c];
      for (let j = c; j < width; j++) m[i][j] -= f * m[r][j];
    }
    r += 1;
  }
  return r;
}

/** Is the linear functional `target` a combination of the `published` ones? */
function derivable(published: number[][], target: number[]): boolean {
  return published.length > 0 && rank([...published, target]) === rank(published);
}

/**
 * Everything a reader has about a rows × columns table, as linear functionals over its cells:
 * shown cells, row totals, shown gender totals (column sums) and the grand total.
 */
function publishedFunctionals(counts: number[][], hidden: boolean[][], hiddenTotals: boolean[]): number[][] {
  const rows = counts.length, columns = counts[0].length, size = rows * columns;
  const unit = (r: number, c: number) => { const v = new Array(size).fill(0); v[r * columns + c] = 1; return v; };
  const out: number[][] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) if (!hidden[r][c]) out.push(unit(r, c));
    out.push(Array.from({ length: size }, (_, i) => (Math.floor(i / columns) === r ? 1 : 0)));
  }
  for (let c = 0; c < columns; c++) {
    if (!hiddenTotals[c]) out.push(Array.from({ length: size }, (_, i) => (i % columns === c ? 1 : 0)));
  }
  out.push(new Array(size).fill(1));
  return out;
}

const table = fc.integer({ min: 1, max: 6 }).chain((rows) => fc.integer({ min: 2, max: 4 }).chain((columns) =>
  fc.array(fc.array(fc.oneof(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 60 })),
    { minLength: columns, maxLength: columns }), { minLength: rows, maxLength: rows })));

describe('suppressRow', () => {
  it('hides small counts and, when only one is hidden, the next smallest non-zero one', () => {
    // woman 3 is hidden; alone it would be 50 - 20 - 0 - 27 = 3, so the smallest shown non-zero
    // cell (man 20) is hidden with it. The zero stays visible.
    expect(suppressRow([3, 20, 0, 27], 5)).toEqual([true, true, false, false]);
    // Two small cells protect each other.
    expect(suppressRow([3, 20, 2, 27], 5)).toEqual([true, false, true, false]);
    expect(suppressRow([30, 20, 0, 27], 5)).toEqual([false, false, false, false]);
  });

  it('shows no breakdown for a group smaller than the threshold', () => {
    // One speaker: every cell hidden, the zeros too, so nothing says which gender it is.
    expect(suppressRow([0, 1, 0, 0], 5)).toEqual([true, true, true, true]);
  });

  it('lets two small cells protect each other and leaves zeros visible', () => {
    expect(suppressRow([0, 3, 0, 9], 10)).toEqual([false, true, false, true]);
    expect(suppressRow([0, 6, 0, 0], 5)).toEqual([true, true, true, true]);
    expect(suppressRow([0, 6, 0, 2], 5)).toEqual([false, true, false, true]);
  });

  it('never leaves a hidden count recoverable from the total and the shown cells', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 2, maxLength: 5 }),
      fc.integer({ min: 1, max: 10 }), (counts, threshold) => {
        const hidden = suppressRow(counts, threshold);
        counts.forEach((x, i) => { if (x > 0 && x < threshold) expect(hidden[i]).toBe(true); });
        const hiddenCount = hidden.filter(Boolean).length;
        expect(hiddenCount === 0 || hiddenCount >= 2).toBe(true);
      }));
  });
});

describe('suppressGenderTable', () => {
  it('hides a second cell in a row and in a column so neither can be subtracted out', () => {
    // Institutes × (woman, man). Tiny Institute A has 2 women: hidden. Row A would give it back as
    // 40 - 38, so man@A is hidden too; column woman would give it back from the women total (2+30+25=57)
    // so a second woman cell is hidden (and, to close the cycle, the man cell beside it).
    const counts = [[2, 38], [30, 40], [25, 45]];
    const { cells, genderTotals } = suppressGenderTable(counts, 5);
    expect(genderTotals).toEqual([false, false]);
    expect(cells[0]).toEqual([true, true]);
    expect(cells.filter((row) => row[0]).length).toBeGreaterThanOrEqual(2);
    expect(cells.filter((row) => row[1]).length).toBeGreaterThanOrEqual(2);
  });

  it('hides every cell of a group smaller than the threshold', () => {
    const { cells } = suppressGenderTable([[0, 1, 0, 0], [10, 20, 7, 9], [12, 18, 6, 8]], 5);
    expect(cells[0]).toEqual([true, true, true, true]);
  });

  it('agrees with the one-row rule when there is a single group', () => {
    expect(suppressGenderTable([[3, 20, 0, 27]], 5)).toEqual({
      cells: [[true, true, false, false]], genderTotals: [true, true, false, false],
    });
  });

  it('property: every small count is hidden and no hidden count can be derived from what is published', () => {
    fc.assert(fc.property(table, fc.integer({ min: 2, max: 8 }), (counts, threshold) => {
      const { cells, genderTotals } = suppressGenderTable(counts, threshold);
      const rows = counts.length, columns = counts[0].length, size = rows * columns;
      const columnTotals = Array.from({ length: columns }, (_, c) => counts.reduce((s, row) => s + row[c], 0));
      counts.forEach((row, r) => row.forEach((x, c) => {
        if (x > 0 && x < threshold) expect(cells[r][c]).toBe(true);
      }));
      columnTotals.forEach((x, c) => { if (x > 0 && x < threshold) expect(genderTotals[c]).toBe(true); });
      // With one row the gender totals are the cells, so they are not a second publication.
      const published = rows === 1
        ? publishedFunctionals(counts, cells, cells[0])
        : publishedFunctionals(counts, cells, genderTotals);
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < columns; c++) {
          if (!cells[r][c]) continue;
          const unit = new Array(size).fill(0);
          unit[r * columns + c] = 1;
          expect(derivable(published, unit)).toBe(false);
        }
      }
      for (let c = 0; c < columns; c++) {
        if (!genderTotals[c]) continue;
        expect(derivable(published, Array.from({ length: size }, (_, i) => (i % columns === c ? 1 : 0)))).toBe(false);
      }
    }), { numRuns: 400 });
  });
});

describe('suppressGenderTable with published gender totals (equity: nominations split by outcome)', () => {
  const stages = fc.integer({ min: 1, max: 4 }).chain((rows) =>
    fc.array(fc.array(fc.tuple(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 12 })), { minLength: 3, maxLength: 3 }),
      { minLength: rows, maxLength: rows }));

  it('property: no hidden nomination, allocation or non-allocation count is derivable from everything shown', () => {
    fc.assert(fc.property(stages, fc.integer({ min: 2, max: 6 }), (table, threshold) => {
      // table[s][g] = [allocated, not allocated]; unknowns ordered (s, g, outcome).
      const S = table.length, G = 3, size = S * G * 2;
      const at = (s: number, g: number, o: number) => (s * G + g) * 2 + o;
      const functional = (cells: [number, number, number][]) => {
        const v = new Array(size).fill(0);
        for (const [s, g, o] of cells) v[at(s, g, o)] = 1;
        return v;
      };
      const nominations = table.map((row) => row.map(([a, b]) => a + b));
      const nominated = suppressGenderTable(nominations, threshold);
      const published: number[][] = [];
      const hidden: number[][] = [];
      const both = (s: number, g: number): [number, number, number][] => [[s, g, 0], [s, g, 1]];
      for (let s = 0; s < S; s++) {
        published.push(functional(Array.from({ length: G }, (_, g) => both(s, g)).flat()));
        for (let g = 0; g < G; g++) (nominated.cells[s][g] ? hidden : published).push(functional(both(s, g)));
      }
      // With one stage the gender totals are that stage's cells, not a second publication.
      for (let g = 0; g < G && S > 1; g++) {
        const column = functional(Array.from({ length: S }, (_, s) => both(s, g)).flat());
        (nominated.genderTotals[g] ? hidden : published).push(column);
      }
      for (let s = 0; s < S; s++) {
        const split = suppressGenderTable([table[s].map(([a]) => a), table[s].map(([, b]) => b)], threshold, nominated.cells[s]);
        for (let o = 0; o < 2; o++) {
          published.push(functional(Array.from({ length: G }, (_, g) => [s, g, o] as [number, number, number])));
          for (let g = 0; g < G; g++) {
            const count = table[s][g][o];
            if (count > 0 && count < threshold) expect(split.cells[o][g]).toBe(true);
            (split.cells[o][g] ? hidden : published).push(functional([[s, g, o]]));
          }
        }
      }
      for (const target of hidden) expect(derivable(published, target)).toBe(false);
    }), { numRuns: 300 });
  });
});

describe('minimumCellCount', () => {
  it('reads REPORT_MIN_CELL and falls back to 5 on anything unusable', () => {
    expect(minimumCellCount({})).toBe(DEFAULT_MIN_CELL);
    expect(minimumCellCount({ REPORT_MIN_CELL: '10' })).toBe(10);
    expect(minimumCellCount({ REPORT_MIN_CELL: 'ten' })).toBe(5);
    expect(minimumCellCount({ REPORT_MIN_CELL: '0' })).toBe(5);
  });
});

describe('group disclosure', () => {
  it('hides the whole breakdown of a group whose people all share one gender', () => {
    expect(suppressRow([0, 16, 0, 0], 5)).toEqual([true, true, true, true]);
    expect(suppressRow([7, 9, 0, 0], 5)).toEqual([false, false, false, false]);
    const table = suppressGenderTable([[0, 12, 0, 0], [8, 30, 0, 6], [9, 25, 0, 7]], 5);
    expect(table.cells[0]).toEqual([true, true, true, true]);
    expect(table.cells[0].every(Boolean)).toBe(true);
  });
});
