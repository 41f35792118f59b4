import { createHash, randomBytes } from 'node:crypto';

/** Tokens are 256 random bits, so a plain SHA-256 is enough to store them safely (no salt needed). */
export function newToken(): string {
  return `sa_${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
