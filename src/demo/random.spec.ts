import fc from 'fast-check';
import { randomStream, uuid, weighted, WeightedTable } from './random';

describe('seeded random streams', () => {
  it('repeat exactly for the same seed and purpose, and differ otherwise', () => {
    const draw = (seed: number, purpose: string) => {
      const random = randomStream(seed, purpose);
      return Array.from({ length: 5 }, () => random());
    };
    expect(draw(42, 'members')).toEqual(draw(42, 'members'));
    expect(draw(42, 'members')).not.toEqual(draw(43, 'members'));
    expect(draw(42, 'members')).not.toEqual(draw(42, 'talks'));
  });

  it('stay within [0, 1)', () => {
    fc.assert(
      fc.property(fc.integer(), fc.string(), (seed, purpose) => {
        const random = randomStream(seed, purpose);
        for (let i = 0; i < 50; i++) {
          const x = random();
          if (!(x >= 0 && x < 1)) return false;
        }
        return true;
      }),
    );
  });

  it('make version-4 UUIDs', () => {
    const random = randomStream(1, 'ids');
    for (let i = 0; i < 100; i++) expect(uuid(random)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('draw in proportion to the weights', () => {
    const random = randomStream(7, 'weights');
    const counts = { a: 0, b: 0, c: 0 };
    const table = new WeightedTable(['a', 'b', 'c'] as const, (k) => ({ a: 1, b: 3, c: 0 })[k]);
    for (let i = 0; i < 20_000; i++) counts[table.draw(random)]++;
    expect(counts.c).toBe(0);
    expect(counts.b / 20_000).toBeCloseTo(0.75, 1);
    const direct = { x: 0, y: 0 };
    for (let i = 0; i < 20_000; i++) direct[weighted(random, { x: 9, y: 1 })]++;
    expect(direct.x / 20_000).toBeCloseTo(0.9, 1);
  });
});
