import { AuthFailureLimiter, FailedAuthentication } from './auth-failures';

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
