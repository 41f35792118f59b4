/**
 * Counts failed authentications per client address in a sliding window, so token guessing gets
 * 429 after a few dozen tries instead of unlimited attempts. In memory: one instance's view.
 */
export class AuthFailureLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly maxFailures = Number(process.env.AUTH_MAX_FAILURES ?? 30),
    private readonly windowMs = Number(process.env.AUTH_FAILURE_WINDOW_MS ?? 60_000),
  ) {}

  /** Seconds until the client may try again, or 0 when it is not blocked. */
  blockedFor(client: string, now = Date.now()): number {
    const recent = this.recent(client, now);
    if (recent.length < this.maxFailures) return 0;
    return Math.max(1, Math.ceil((recent[0] + this.windowMs - now) / 1000));
  }

  fail(client: string, now = Date.now()): void {
    const recent = this.recent(client, now);
    recent.push(now);
    this.failures.set(client, recent);
    if (this.failures.size > 10_000) this.prune(now);
  }

  private recent(client: string, now: number): number[] {
    return (this.failures.get(client) ?? []).filter((at) => now - at < this.windowMs);
  }

  private prune(now: number): void {
    for (const [client, times] of this.failures) {
      if (times.every((at) => now - at >= this.windowMs)) this.failures.delete(client);
    }
  }
}
