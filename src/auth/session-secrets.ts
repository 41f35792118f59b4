// The secrets of a browser session, as plain functions. A session is a random secret held in an
// HttpOnly cookie; the database keeps its SHA-256 only. What else the session needs is derived from
// the secret, so nothing usable sits in the database:
// - the CSRF token the dashboard sends with every write (an HMAC of the secret: a page on another
//   site can send the cookie along, but cannot read this token);
// - the key sealing the provider's tokens in the session row (HKDF of the secret).
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { hashToken } from './tokens';

const IV_BYTES = 12;
const TAG_BYTES = 16;

export function newSessionSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** What the database stores to find a session (and a sign-in attempt) by its secret. */
export const secretHash = hashToken;

export function csrfTokenFor(secret: string): string {
  return createHmac('sha256', secret).update('csrf-token').digest('base64url');
}

export function csrfTokenMatches(secret: string, presented: string | undefined): boolean {
  if (!presented) return false;
  const expected = Buffer.from(csrfTokenFor(secret));
  const given = Buffer.from(presented);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function sealingKey(secret: string, sessionId: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, sessionId, 'provider-tokens', 32));
}

/** AES-256-GCM, iv | tag | ciphertext, bound to the session's id. */
export function sealForSession(secret: string, sessionId: string, value: unknown): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(secret, sessionId), iv);
  cipher.setAAD(Buffer.from(sessionId));
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

/** Throws when the secret is not the session's or the row was altered. */
export function openForSession<T>(secret: string, sessionId: string, sealed: Buffer): T {
  const decipher = createDecipheriv('aes-256-gcm', sealingKey(secret, sessionId), sealed.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(sessionId));
  decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  const text = Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  return JSON.parse(text) as T;
}
