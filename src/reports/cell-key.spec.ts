import fc from 'fast-check';
import { CELL_KEY_MODULUS, disclosure, MAX_PERTURBATION, perturbation, perturbCount } from './cell-key';

const keys = Array.from({ length: CELL_KEY_MODULUS }, (_, k) => k);

describe('perturbation', () => {
  it('is unbiased over the cell keys: the noise sums to zero and is symmetric', () => {
    const noise = keys.map(perturbation);
    expect(noise.reduce((s, d) => s + d, 0)).toBe(0);
    for (const d of [1, 2]) expect(noise.filter((x) => x === d).length).toBe(noise.filter((x) => x === -d).length);
  });

  it('leaves half of the keys alone and moves the rest by 1 or 2 (variance 0.8)', () => {
    const noise = keys.map(perturbation);
    expect(noise.filter((d) => d === 0)).toHaveLength(128);
    expect(noise.filter((d) => Math.abs(d) === 1)).toHaveLength(102);
    expect(noise.filter((d) => Math.abs(d) === 2)).toHaveLength(26);
    expect(noise.reduce((s, d) => s + d * d, 0) / CELL_KEY_MODULUS).toBeCloseTo(0.8, 1);
  });

  it('reads keys modulo 256, so a sum of record keys can be passed as it is', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1e9 }), (sum) => {
      expect(perturbation(sum)).toBe(perturbation(sum % CELL_KEY_MODULUS));
    }));
  });
});

describe('perturbCount', () => {
  it('keeps zero at zero and moves any other count by at most 2', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 100000 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 20 }),
      (count, key, threshold) => {
        const shown = perturbCount(count, key, threshold);
        if (count === 0) expect(shown).toBe(0);
        expect(Math.abs(shown - count)).toBeLessThanOrEqual(MAX_PERTURBATION);
        expect(shown).toBeGreaterThanOrEqual(0);
      }));
  });

  it('never shows a count at or above the threshold as a small one', () => {
    fc.assert(fc.property(fc.integer({ min: 5, max: 10 }), fc.integer({ min: 0, max: 255 }), (count, key) => {
      expect(perturbCount(count, key, 5)).toBeGreaterThanOrEqual(5);
    }));
    // 5 with key 250 (noise -2) is shown as 7, not 3.
    expect(perturbCount(5, 250, 5)).toBe(7);
    expect(perturbCount(50, 250, 5)).toBe(48);
    expect(perturbCount(50, 0, 5)).toBe(50);
    expect(perturbCount(50, 128, 5)).toBe(51);
  });

  it('hides the difference of two counts that differ by one record', () => {
    // Across all pairs of cell keys (the records in common, and the one record more), the published
    // difference of counts n+1 and n takes several values, and 0 or less almost as often as not.
    const differences = new Map<number, number>();
    for (const common of keys) {
      for (const extra of keys) {
        const d = perturbCount(41, common + extra, 5) - perturbCount(40, common, 5);
        differences.set(d, (differences.get(d) ?? 0) + 1);
      }
    }
    expect([...differences.keys()].sort((a, b) => a - b)).toEqual([-3, -2, -1, 0, 1, 2, 3, 4, 5]);
    const notPositive = [...differences].filter(([d]) => d <= 0).reduce((s, [, n]) => s + n, 0);
    expect(notPositive / CELL_KEY_MODULUS ** 2).toBeGreaterThan(0.25);
  });
});

describe('disclosure', () => {
  it('names the method and its bound only when counts carry noise', () => {
    expect(disclosure(false)).toEqual({ perturbed: false, method: null, maxPerturbation: null });
    expect(disclosure(true)).toMatchObject({ perturbed: true, maxPerturbation: 2, method: expect.stringMatching(/cell-key/) });
  });
});
