import { AuthFailureLimiter, authFailureSettings, FailedAuthentication } from './auth-failures';

const guess = (address: string, n: number): FailedAuthentication => ({ address, credential: `guess-${n}`, known: false });

describe('AuthFailureLimiter', () => {
  const t0 = 1_000_000;

  it('blocks unknown credentials from an address after the allowed number of failures within the window, then lets it retry', () => {
    const limiter = new AuthFailureLimiter(3, 10_000);
    limiter.fail(guess('a', 1), t0);
    limiter.fail(guess('a', 2), t0 + 1);
    expect(limiter.blockedFor(guess('a', 3), t0 + 2)).toBe(0);
    limiter.fail(guess('a', 3), t0 + 2);
    expect(limiter.blockedFor(guess('a', 4), t0 + 3)).toBe(10);
    expect(limiter.blockedFor(guess('b', 4), t0 + 3)).toBe(0);
    expect(limiter.blockedFor(guess('a', 4), t0 + 10_001)).toBe(0);
  });

  it('blocks one credential retried over and over, from that address only', () => {
    const limiter = new AuthFailureLimiter(3, 10_000);
    const disabled: FailedAuthentication = { address: 'a', credential: 'disabled-user', known: true };
    for (let i = 0; i < 3; i++) limiter.fail(disabled, t0 + i);
    expect(limiter.blockedFor(disabled, t0 + 3)).toBe(10);
    expect(limiter.blockedFor({ ...disabled, address: 'b' }, t0 + 3)).toBe(0);
    // A known credential refused is no guess: other credentials from the address are not held up by it.
    expect(limiter.blockedFor(guess('a', 1), t0 + 3)).toBe(0);
  });

  it('does not let known credentials refused count towards the address, but unknown ones do', () => {
    const limiter = new AuthFailureLimiter(3, 10_000);
    for (let i = 0; i < 5; i++) limiter.fail({ address: 'a', credential: `disabled-${i}`, known: true }, t0 + i);
    expect(limiter.blockedFor(guess('a', 1), t0 + 10)).toBe(0);
    limiter.fail({ address: 'a', credential: 'stale', known: false }, t0 + 11);
    limiter.fail({ address: 'a', credential: 'stale', known: false }, t0 + 12);
    limiter.fail(guess('a', 2), t0 + 13);
    expect(limiter.blockedFor(guess('a', 3), t0 + 14)).toBeGreaterThan(0);
  });

  it('does not record attempts made while blocked, so the block ends a window after it began', () => {
    const limiter = new AuthFailureLimiter(2, 10_000);
    limiter.fail(guess('a', 1), t0);
    limiter.fail(guess('a', 2), t0 + 1);
    for (let i = 0; i < 100; i++) limiter.fail(guess('a', 10 + i), t0 + 5_000 + i);
    expect(limiter.blockedFor(guess('a', 200), t0 + 9_999)).toBe(1);
    expect(limiter.blockedFor(guess('a', 200), t0 + 10_001)).toBe(0);
  });
});

describe('authFailureSettings', () => {
  it('defaults to 30 failures a minute and reads AUTH_MAX_FAILURES / AUTH_FAILURE_WINDOW_MS', () => {
    expect(authFailureSettings({})).toEqual({ maxFailures: 30, windowMs: 60_000 });
    expect(authFailureSettings({ AUTH_MAX_FAILURES: '5', AUTH_FAILURE_WINDOW_MS: ' 1500 ' })).toEqual({ maxFailures: 5, windowMs: 1500 });
    expect(authFailureSettings({ AUTH_MAX_FAILURES: '' })).toEqual({ maxFailures: 30, windowMs: 60_000 });
  });

  it('refuses a value that is not a whole number of at least 1, naming the variable', () => {
    for (const bad of ['thirty', '0', '-3', '2.5', '1e3', 'NaN', 'Infinity', '99999999999999999999']) {
      expect(() => authFailureSettings({ AUTH_MAX_FAILURES: bad })).toThrow(/^AUTH_MAX_FAILURES must be a whole number/);
      expect(() => authFailureSettings({ AUTH_FAILURE_WINDOW_MS: bad })).toThrow(/^AUTH_FAILURE_WINDOW_MS must be a whole number/);
    }
  });
});
