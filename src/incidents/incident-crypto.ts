import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

// Incident content at rest: AES-256-GCM, a fresh 12-byte IV per value, stored as iv | tag | ciphertext.
// The associated data names the incident and the field, so a ciphertext copied into another row or
// another column no longer decrypts.

const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface IncidentKeys {
  /** Encrypts and authenticates every confidential value. */
  encryption: Buffer;
  /** Derived from the same secret; only for finding a named reporter's own reports (see reporterLookup). */
  lookup: Buffer;
}

export type IncidentKeyReading = { ok: true; keys: IncidentKeys } | { ok: false; reason: string };

/** What INCIDENT_KEY must be: 64 hex characters. Anything else disables incident reporting, with the reason. */
export function readIncidentKey(value: string | undefined): IncidentKeyReading {
  const text = value?.trim() ?? '';
  if (text === '') return { ok: false, reason: 'INCIDENT_KEY is not set: incident reporting is disabled' };
  if (!/^[0-9a-fA-F]*$/.test(text)) {
    return {
      ok: false,
      reason: 'INCIDENT_KEY is not hexadecimal (it must be 64 hex characters, 32 bytes): incident reporting is disabled',
    };
  }
  if (text.length !== 64) {
    return {
      ok: false,
      reason: `INCIDENT_KEY has ${text.length} hex characters but must have 64 (32 bytes): incident reporting is disabled`,
    };
  }
  const encryption = Buffer.from(text, 'hex');
  const lookup = Buffer.from(hkdfSync('sha256', encryption, Buffer.alloc(0), 'incident reporter lookup', 32));
  return { ok: true, keys: { encryption, lookup } };
}

/** The fields that are encrypted; part of the associated data. */
export type SealedField =
  | 'description'
  | 'concerns'
  | 'reporter'
  | 'addition'
  | 'note'
  | 'action'
  // The diversity office's anonymous box (its own table, ids of its own): the label keeps the two apart.
  | 'diversity-office-message'
  // A mentorship sign-up's consented identity groups (ids of mentorship_signup).
  | 'mentorship-identity';

export class IncidentDecryptionError extends Error {
  constructor() {
    super('An incident value could not be decrypted: wrong key, or the stored value was altered');
  }
}

function associatedData(incidentId: string, field: SealedField): Buffer {
  return Buffer.from(`incident:${incidentId}:${field}`, 'utf8');
}

export function seal(key: Buffer, plaintext: string, incidentId: string, field: SealedField): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(incidentId, field));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]);
}

export function open(key: Buffer, sealed: Buffer, incidentId: string, field: SealedField): string {
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new IncidentDecryptionError();
  const iv = sealed.subarray(0, IV_BYTES);
  const tag = sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(associatedData(incidentId, field));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new IncidentDecryptionError();
  }
}

/**
 * A keyed hash of a named reporter's user id, so "my reports" is one indexed query although the
 * reporter link itself is encrypted with a random IV. Without the key it cannot be linked to anyone.
 */
export function reporterLookup(keys: IncidentKeys, userId: string): Buffer {
  return createHmac('sha256', keys.lookup).update(userId, 'utf8').digest();
}

/** 192 random bits: shown to the reporter once, stored only as a hash. */
export function newFollowUpCode(): string {
  return `fu_${randomBytes(24).toString('base64url')}`;
}

export function hashFollowUpCode(code: string): string {
  return createHash('sha256').update(code, 'utf8').digest('hex');
}

export function followUpCodeMatches(code: string, storedHash: string): boolean {
  const given = Buffer.from(hashFollowUpCode(code), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}
