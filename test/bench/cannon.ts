// What the benchmark's parts share: the request shape, autocannon (typed for the parts used), and
// the kernel's view of a process's memory.
import { readFileSync } from 'node:fs';

// autocannon ships without type declarations; these are the parts used.
export interface CannonResult {
  latency: { p50: number; p99: number; average: number; max: number };
  requests: { total: number; average: number };
  duration: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
}
interface CannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}
const autocannon = require('autocannon') as (options: Record<string, unknown>) => Promise<CannonResult>;

export interface Request {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  /** A fresh body per request (POST). */
  body?: () => unknown;
}

export interface CannonRun {
  connections: number;
  amount?: number;
  duration?: number;
  /** Requests per second over all connections; unlimited when left out. */
  overallRate?: number;
}

export function cannon(base: string, request: Request, run: CannonRun): Promise<CannonResult> {
  const headers = { ...request.headers, ...(request.body ? { 'content-type': 'application/json' } : {}) };
  return autocannon({
    url: `${base}${request.path}`,
    method: request.method,
    headers,
    timeout: 120,
    ...run,
    ...(request.body
      ? {
          requests: [{ setupRequest: (req: CannonRequest) => ({ ...req, method: request.method, body: JSON.stringify(request.body!()) }) }],
        }
      : {}),
  });
}

/** A process's memory from /proc/<pid>/status, in MB: resident now (VmRSS) and its high-water mark (VmHWM). */
export function memoryOf(pid: number): { rssMb: number; peakMb: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
  } catch {
    return null; // The process has gone.
  }
}

/** Peak resident memory of a process (VmHWM, the kernel's high-water mark), in MB. */
export function watchMemory(pid: number): { stop(): number } {
  let peakMb = 0;
  const read = () => {
    peakMb = Math.max(peakMb, memoryOf(pid)?.peakMb ?? 0);
  };
  const timer = setInterval(read, 200);
  return {
    stop() {
      read();
      clearInterval(timer);
      return peakMb;
    },
  };
}
