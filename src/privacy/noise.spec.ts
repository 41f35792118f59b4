import { randomBytes } from 'node:crypto';
import { cellNoise, geometricNoise, keyedUniform, noiseProbability, noiseVariance } from './noise';

describe('two-sided geometric noise', () => {
  it('follows its distribution: P(k) = (1 - a)/(1 + a) a^|k| with a = exp(-epsilon)', () => {
    for (const epsilon of [0.25, 0.5, 1, 2]) {
      const draws = 200_000;
      const seen = new Map<number, number>();
      for (let i = 0; i < draws; i++) {
        const k = geometricNoise((i + 0.5) / draws, epsilon); // a grid over [0, 1): the exact quantiles
        seen.set(k, (seen.get(k) ?? 0) + 1);
      }
      for (const k of [-3, -2, -1, 0, 1, 2, 3]) {
        expect((seen.get(k) ?? 0) / draws).toBeCloseTo(noiseProbability(k, epsilon), 3);
      }
      let mean = 0;
      let square = 0;
      for (const [k, n] of seen) {
        mean += (k * n) / draws;
        square += (k * k * n) / draws;
      }
      expect(mean).toBeCloseTo(0, 2);
      expect(square / noiseVariance(epsilon)).toBeCloseTo(1, 1);
    }
  });

  it('changes the odds of one record by at most exp(epsilon): neighbouring counts', () => {
    for (let k = -20; k <= 20; k++) {
      expect(noiseProbability(k, 0.5) / noiseProbability(k + 1, 0.5)).toBeLessThanOrEqual(Math.exp(0.5) + 1e-12);
    }
  });
});

describe('keyed noise', () => {
  const key = randomBytes(32);

  it('is the same for the same cell and records, and drawn anew when any record of the table changes', () => {
    const table = { count: 120, keys: 15_004 };
    expect(cellNoise(key, 'cell', table, 0.5)).toBe(cellNoise(key, 'cell', table, 0.5));
    const redrawn = Array.from({ length: 64 }, (_, i) => cellNoise(key, 'cell', { count: 120, keys: 15_004 + i }, 0.5));
    expect(new Set(redrawn).size).toBeGreaterThan(5);
  });

  it('cannot be computed without the key', () => {
    const other = randomBytes(32);
    const a = Array.from({ length: 64 }, (_, i) => keyedUniform(key, `cell ${i}`));
    const b = Array.from({ length: 64 }, (_, i) => keyedUniform(other, `cell ${i}`));
    expect(a.filter((u, i) => u === b[i])).toEqual([]);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...a)).toBeLessThan(1);
  });
});
