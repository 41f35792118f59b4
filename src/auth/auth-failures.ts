/** A refused authentication: from where, with what (a hash of the token, or "none"), and whether it belongs to a user. */
export interface FailedAuthentication {
  address: string;
  credential: string;
  /** The credential belongs to a user who may not sign in (disabled): it is nobody's guess. */
  known: boolean;
}

/**
 * Counts refused authentications in a sliding window, so token guessing gets 429 after a few dozen
 * tries. Only refused credentials are ever limited; the guard lets a valid token through before
 * asking, so nobody sharing an address (a proxy, a NAT) can lock the others out.
 *
 * - per address and credential: one credential retried over and over (a script with a revoked token);
 * - per address, unknown credentials only: many different guesses from one place. A known but refused
 *   credential (a disabled user's) does not count here, as it is no guess.
 *
 * In memory: one instance's view. At most `maxFailures` times are kept per key, and attempts made while
 * blocked are not recorded, so a flood of guesses from one address adds at most `maxFailures` keys.
 */
export class AuthFailureLimiter {
  private readonly byAddress = new Map<string, number[]>();
  private readonly byCredential = new Map<string, number[]>();

  constructor(
    private readonly maxFailures: number,
    private readonly windowMs: number,
  ) {
    if (!(Number.isSafeInteger(maxFailures) && maxFailures >= 1 && Number.isSafeInteger(windowMs) && windowMs >= 1)) {
      throw new Error(`AuthFailureLimiter needs whole numbers of at least 1, not ${maxFailures} failures in ${windowMs} ms`);
    }
  }

  /** Seconds until this refused attempt may be tried again, or 0 when it is not blocked. */
  blockedFor(attempt: FailedAuthentication, now = Date.now()): number {
    const waits = [this.wait(this.byCredential, credentialKey(attempt), now)];
    if (!attempt.known) waits.push(this.wait(this.byAddress, attempt.address, now));
    return Math.max(...waits);
  }

  /** Records a refused attempt. One made while blocked is not recorded: the block already answers it. */
  fail(attempt: FailedAuthentication, now = Date.now()): void {
    if (this.blockedFor(attempt, now) > 0) return;
    this.add(this.byCredential, credentialKey(attempt), now);
    if (!attempt.known) this.add(this.byAddress, attempt.address, now);
    if (this.byCredential.size + this.byAddress.size > 10_000) this.prune(now);
  }

  private wait(failures: Map<string, number[]>, key: string, now: number): number {
    const recent = this.recent(failures, key, now);
    if (recent.length < this.maxFailures) return 0;
    return Math.max(1, Math.ceil((recent[recent.length - this.maxFailures] + this.windowMs - now) / 1000));
  }

  private add(failures: Map<string, number[]>, key: string, now: number): void {
    const recent = this.recent(failures, key, now);
    recent.push(now);
    // Blocked while the maxFailures-th latest failure is in the window: older ones change nothing.
    failures.set(key, recent.slice(-this.maxFailures));
  }

  private recent(failures: Map<string, number[]>, key: string, now: number): number[] {
    return (failures.get(key) ?? []).filter((at) => now - at < this.windowMs);
  }

  private prune(now: number): void {
    for (const failures of [this.byCredential, this.byAddress]) {
      for (const [key, times] of failures) {
        if (times.every((at) => now - at >= this.windowMs)) failures.delete(key);
      }
    }
  }
}

function credentialKey(attempt: FailedAuthentication): string {
  return `${attempt.address}\u0000${attempt.credential}`;
}
