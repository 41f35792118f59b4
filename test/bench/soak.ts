// The soak at the end of `npm run bench`: a few minutes of mixed reads and writes at the service's
// measured capacity, all at once, counting every failed request and sampling the service's memory.
// Capacity: each part of the mix is first run alone for a few seconds at full speed; with shares w_i
// and lone rates r_i the mix saturates the service at C = 1 / Σ(w_i / r_i) requests per second, and
// each part then runs at w_i × C × load.
import { cannon, CannonResult, memoryOf, Request } from './cannon';

export interface SoakPart {
  name: string;
  share: number;
  request: Request;
}

export interface SoakOptions {
  seconds: number;
  connections: number;
  /** Fraction of the measured capacity to run at. */
  load: number;
}

export interface SoakResult {
  seconds: number;
  capacityPerSecond: number;
  parts: {
    name: string;
    targetPerSecond: number;
    achievedPerSecond: number;
    requests: number;
    failed: number;
    medianMs: number;
    p99Ms: number;
    statuses: string;
  }[];
  requests: number;
  failed: number;
  memory: {
    startMb: number;
    endMb: number;
    maxMb: number;
    slopeMbPerMinute: number;
    /** The slope over the second half of the run: a leak keeps its slope, a warm-up levels off. */
    lateSlopeMbPerMinute: number;
    /**
     * Median resident memory over the last quarter of the run minus that over the second quarter:
     * robust to the saw-tooth of garbage collection, which moves slopes and single readings.
     */
    settledGrowthMb: number;
    settledMb: number;
    samples: number;
  };
}

export async function soak(base: string, pid: number, parts: SoakPart[], options: SoakOptions): Promise<SoakResult> {
  const totalShare = parts.reduce((sum, p) => sum + p.share, 0);
  const lone: number[] = [];
  for (const part of parts) {
    const run = await cannon(base, part.request, { connections: options.connections, duration: 3 });
    lone.push(Math.max(run.requests.total / run.duration, 0.1));
  }
  const capacity = 1 / parts.reduce((sum, p, i) => sum + p.share / totalShare / lone[i], 0);

  const samples: { at: number; rssMb: number }[] = [];
  const started = Date.now();
  const sample = () => {
    const memory = memoryOf(pid);
    if (memory) samples.push({ at: (Date.now() - started) / 1000, rssMb: memory.rssMb });
  };
  sample();
  const timer = setInterval(sample, 1000);
  const targets = parts.map((p) => (p.share / totalShare) * capacity * options.load);
  let results: CannonResult[];
  try {
    results = await Promise.all(
      parts.map((part, i) =>
        cannon(base, part.request, {
          // Enough connections for the part's rate at a slow answer, never fewer than two.
          connections: Math.max(2, Math.min(options.connections, Math.ceil(targets[i] / 5))),
          duration: options.seconds,
          overallRate: Math.max(1, Math.round(targets[i])),
        }),
      ),
    );
  } finally {
    clearInterval(timer);
    sample();
  }

  const partResults = parts.map((part, i) => {
    const r = results[i];
    return {
      name: part.name,
      targetPerSecond: targets[i],
      achievedPerSecond: r.requests.total / r.duration,
      requests: r.requests.total,
      failed: r.non2xx + r.errors + r.timeouts,
      medianMs: r.latency.p50,
      p99Ms: r.latency.p99,
      statuses: Object.entries(r.statusCodeStats ?? {})
        .map(([code, s]) => `${code}: ${s.count}`)
        .join(', '),
    };
  });
  return {
    seconds: options.seconds,
    capacityPerSecond: capacity,
    parts: partResults,
    requests: partResults.reduce((sum, p) => sum + p.requests, 0),
    failed: partResults.reduce((sum, p) => sum + p.failed, 0),
    memory: memoryTrend(samples),
  };
}

type Sample = { at: number; rssMb: number };

/** Least-squares slope of resident memory, in MB per minute. */
function slopePerMinute(samples: Sample[]): number {
  const n = samples.length;
  if (n < 2) return 0;
  const meanT = samples.reduce((a, s) => a + s.at, 0) / n;
  const meanM = samples.reduce((a, s) => a + s.rssMb, 0) / n;
  const covariance = samples.reduce((a, s) => a + (s.at - meanT) * (s.rssMb - meanM), 0);
  const variance = samples.reduce((a, s) => a + (s.at - meanT) ** 2, 0);
  return variance > 0 ? (covariance / variance) * 60 : 0;
}

/**
 * Resident memory over the soak: the first and last readings after a warm-up (the first tenth), the
 * highest, and the least-squares slope in MB per minute, over the whole run and over its second half.
 * Flat memory has slopes near zero; a heap that grows into its working size and then stays there has
 * a whole-run slope but a flat second half; a leak has the same slope in both.
 */
export function memoryTrend(samples: Sample[]): SoakResult['memory'] {
  const end = samples.at(-1)?.at ?? 0;
  const warm = samples.filter((s) => s.at >= end / 10);
  const use = warm.length >= 2 ? warm : samples;
  const late = samples.filter((s) => s.at >= end / 2);
  return {
    startMb: use[0]?.rssMb ?? 0,
    endMb: use.at(-1)?.rssMb ?? 0,
    maxMb: Math.max(0, ...samples.map((s) => s.rssMb)),
    slopeMbPerMinute: slopePerMinute(use),
    lateSlopeMbPerMinute: slopePerMinute(late.length >= 2 ? late : use),
    settledGrowthMb: median(between(samples, 0.75, 1.01)) - median(between(samples, 0.25, 0.5)),
    settledMb: median(between(samples, 0.25, 0.5)),
    samples: samples.length,
  };
}

function between(samples: Sample[], from: number, to: number): number[] {
  const end = samples.at(-1)?.at ?? 0;
  return samples.filter((s) => s.at >= from * end && s.at < to * end).map((s) => s.rssMb);
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * The soak's verdict: no failed request, and memory flat once warm: the typical (median) memory of the
 * last quarter of the run is less than 5% above that of the second quarter.
 */
export function soakVerdict(r: SoakResult): { ok: boolean; text: string } {
  const flat = r.memory.settledGrowthMb < 0.05 * Math.max(r.memory.settledMb, 1);
  const ok = r.failed === 0 && flat;
  return {
    ok,
    text:
      `${r.failed === 0 ? 'ok' : 'MISSED'} zero failed requests (${r.failed} of ${r.requests}); ` +
      `memory ${flat ? 'flat' : 'GROWING'}: ${r.memory.startMb.toFixed(0)} -> ${r.memory.endMb.toFixed(0)} MB resident, ` +
      `max ${r.memory.maxMb.toFixed(0)} MB, trend ${signed(r.memory.slopeMbPerMinute)} MB/min over the run, ` +
      `${signed(r.memory.lateSlopeMbPerMinute)} MB/min over its second half; median of the last quarter ` +
      `${signed(r.memory.settledGrowthMb)} MB against the second quarter (${r.memory.settledMb.toFixed(0)} MB)`,
  };
}

const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(1)}`;
