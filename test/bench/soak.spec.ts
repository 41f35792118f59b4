import { memoryTrend, SoakResult, soakVerdict } from './soak';

const samples = (rss: (t: number) => number, seconds = 120) => Array.from({ length: seconds + 1 }, (_, t) => ({ at: t, rssMb: rss(t) }));

describe("the soak's memory trend and verdict", () => {
  it('finds no slope in flat memory and the growth rate of a leak, ignoring the warm-up', () => {
    const flat = memoryTrend(samples((t) => (t < 10 ? 100 + t * 5 : 200 + (t % 2))));
    expect(Math.abs(flat.slopeMbPerMinute)).toBeLessThan(1);
    expect(flat.maxMb).toBe(201);
    const leak = memoryTrend(samples((t) => 150 + t / 2));
    expect(leak.slopeMbPerMinute).toBeCloseTo(30, 6);
    expect(leak.lateSlopeMbPerMinute).toBeCloseTo(30, 6);
    expect(leak.startMb).toBe(156);
    expect(leak.endMb).toBe(210);
  });

  it('tells a heap that grows into its working size and stays there from a leak', () => {
    // Up by 40 MB over the first fifth, then level: a slope over the run, none over the second half.
    const warming = memoryTrend(samples((t) => 160 + Math.min(t, 24) * (40 / 24) + (t % 3)));
    expect(warming.slopeMbPerMinute).toBeGreaterThan(3);
    expect(Math.abs(warming.lateSlopeMbPerMinute)).toBeLessThan(1);
    expect(Math.abs(warming.settledGrowthMb)).toBeLessThan(2);
    const result = (memory: SoakResult['memory']): SoakResult => ({
      seconds: 120,
      capacityPerSecond: 100,
      parts: [],
      requests: 1000,
      failed: 0,
      memory,
    });
    expect(soakVerdict(result(warming)).ok).toBe(true);
    expect(soakVerdict(result(memoryTrend(samples((t) => 160 + t / 3)))).ok).toBe(false);
  });

  it('is not fooled by the saw-tooth of garbage collection', () => {
    // Climbs 60 MB in 30 s, then collected back to 200, over and over: no growth underneath.
    const sawTooth = memoryTrend(samples((t) => 200 + 2 * (t % 30), 600));
    expect(Math.abs(sawTooth.settledGrowthMb)).toBeLessThan(3);
    // The same saw-tooth on a leak of 6 MB a minute: 30 MB between the quarters' medians.
    const leaking = memoryTrend(samples((t) => 200 + 2 * (t % 30) + t / 10, 600));
    expect(leaking.settledGrowthMb).toBeGreaterThan(25);
    const result = (memory: SoakResult['memory']): SoakResult => ({
      seconds: 600,
      capacityPerSecond: 100,
      parts: [],
      requests: 1000,
      failed: 0,
      memory,
    });
    expect(soakVerdict(result(sawTooth)).ok).toBe(true);
    expect(soakVerdict(result(leaking)).ok).toBe(false);
  });

  it('passes only with no failed request and memory growing less than a tenth of itself', () => {
    const result = (failed: number, slopeMbPerMinute: number): SoakResult => ({
      seconds: 180,
      capacityPerSecond: 100,
      parts: [],
      requests: 1000,
      failed,
      memory: {
        startMb: 200,
        endMb: 200,
        maxMb: 210,
        slopeMbPerMinute,
        lateSlopeMbPerMinute: slopeMbPerMinute,
        settledMb: 200,
        settledGrowthMb: slopeMbPerMinute * 1.5,
        samples: 180,
      },
    });
    expect(soakVerdict(result(0, 1)).ok).toBe(true);
    expect(soakVerdict(result(1, 1)).ok).toBe(false);
    expect(soakVerdict(result(0, 8)).ok).toBe(false);
    expect(soakVerdict(result(0, 8)).text).toMatch(/GROWING/);
  });
});
