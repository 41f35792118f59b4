import { AuthFailureLimiter } from './auth-failures';

describe('AuthFailureLimiter', () => {
  it('blocks a client after the allowed number of failures within the window, then lets it retry', () => {
    const limiter = new AuthFailureLimiter(3, 10_000);
    const t0 = 1_000_000;
    limiter.fail('a', t0);
    limiter.fail('a', t0 + 1);
    expect(limiter.blockedFor('a', t0 + 2)).toBe(0);
    limiter.fail('a', t0 + 2);
    expect(limiter.blockedFor('a', t0 + 3)).toBe(10);
    expect(limiter.blockedFor('b', t0 + 3)).toBe(0);
    expect(limiter.blockedFor('a', t0 + 10_001)).toBe(0);
  });
});
