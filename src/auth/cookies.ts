import type { CookieOptions, Request, Response } from 'express';

/** The session cookie: `__Host-` when served over https (no Domain, Path=/, Secure), so no other host can set it. */
export const SESSION_COOKIE = { secure: '__Host-sa_session', plain: 'sa_session' } as const;
/** Binds a started sign-in to the browser that started it (login CSRF): the callback must come with it. */
export const SIGN_IN_COOKIE = { secure: '__Host-sa_sign_in', plain: 'sa_sign_in' } as const;

type CookieName = typeof SESSION_COOKIE | typeof SIGN_IN_COOKIE;

/** One cookie's value from the Cookie header (no cookie-parser: two cookies are all this service reads). */
export function readCookie(request: Request, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    if (part.slice(0, at).trim() === name) {
      const value = part.slice(at + 1).trim();
      return /^[A-Za-z0-9_-]{16,100}$/.test(value) ? value : undefined;
    }
  }
  return undefined;
}

/**
 * The cookie as this deployment names it. Over https only the `__Host-` name is read, so a cookie
 * planted over plain http (or by a sibling host) is never taken for a session.
 */
export function readNamedCookie(request: Request, names: CookieName, secure: boolean): string | undefined {
  return secure ? readCookie(request, names.secure) : readCookie(request, names.plain);
}

export function writeCookie(response: Response, names: CookieName, secure: boolean, value: string, maxAgeMs: number): void {
  response.cookie(secure ? names.secure : names.plain, value, cookieOptions(secure, maxAgeMs));
}

export function clearCookie(response: Response, names: CookieName, secure: boolean): void {
  const { maxAge: _maxAge, ...options } = cookieOptions(secure, 0);
  response.clearCookie(secure ? names.secure : names.plain, options);
}

function cookieOptions(secure: boolean, maxAgeMs: number): CookieOptions {
  // Lax: sent on the provider's top-level redirect back to the callback, never on another site's POST.
  return { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: maxAgeMs };
}
