import { csrfTokenFor, csrfTokenMatches, newSessionSecret, openForSession, sealForSession, secretHash } from './session-secrets';

describe('session secrets', () => {
  const secret = newSessionSecret();
  const sessionId = '6f1c2a8e-0000-4000-8000-000000000001';

  it('are random 256-bit values, stored only as their SHA-256', () => {
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newSessionSecret()).not.toBe(secret);
    expect(secretHash(secret)).toMatch(/^[0-9a-f]{64}$/);
    expect(secretHash(secret)).not.toContain(secret);
  });

  it("give a CSRF token only the secret's holder can compute", () => {
    expect(csrfTokenMatches(secret, csrfTokenFor(secret))).toBe(true);
    expect(csrfTokenMatches(secret, csrfTokenFor(newSessionSecret()))).toBe(false);
    expect(csrfTokenMatches(secret, undefined)).toBe(false);
    expect(csrfTokenMatches(secret, '')).toBe(false);
    expect(csrfTokenFor(secret)).not.toBe(secret);
  });

  it('seal the provider tokens so that only this secret opens them, for this session only', () => {
    const tokens = { accessToken: 'at-123', refreshToken: 'rt-456', expiresAt: 1_900_000_000 };
    const sealed = sealForSession(secret, sessionId, tokens);
    expect(sealed.toString('latin1')).not.toContain('at-123');
    expect(openForSession(secret, sessionId, sealed)).toEqual(tokens);
    expect(() => openForSession(newSessionSecret(), sessionId, sealed)).toThrow();
    expect(() => openForSession(secret, '6f1c2a8e-0000-4000-8000-000000000002', sealed)).toThrow();
    const altered = Buffer.from(sealed);
    altered[altered.length - 1] ^= 1;
    expect(() => openForSession(secret, sessionId, altered)).toThrow();
  });
});
