import fc from 'fast-check';
import {
  followUpCodeMatches,
  hashFollowUpCode,
  IncidentDecryptionError,
  newFollowUpCode,
  open,
  readIncidentKey,
  reporterLookup,
  seal,
} from './incident-crypto';

const HEX_KEY = 'a1'.repeat(32);
const keys = () => {
  const reading = readIncidentKey(HEX_KEY);
  if (!reading.ok) throw new Error(reading.reason);
  return reading.keys;
};
const INCIDENT = '0b8f8f1e-6f55-4bb0-9a55-0f3a3f1b7a01';
const OTHER = '5d9e3c0a-1c21-4e5f-8f7a-2b1c0d9e8f70';

describe('readIncidentKey', () => {
  it('accepts 64 hex characters as a 32-byte key', () => {
    const reading = readIncidentKey(HEX_KEY.toUpperCase());
    expect(reading.ok).toBe(true);
    if (reading.ok) expect(reading.keys.encryption).toEqual(Buffer.from(HEX_KEY, 'hex'));
  });

  it('says the key is not set when it is missing or blank', () => {
    for (const value of [undefined, '', '   ']) {
      expect(readIncidentKey(value)).toEqual({ ok: false, reason: 'INCIDENT_KEY is not set: incident reporting is disabled' });
    }
  });

  it('says why a key is unusable: wrong length or not hex', () => {
    const short = readIncidentKey('ab'.repeat(16));
    expect(short).toMatchObject({ ok: false, reason: expect.stringMatching(/has 32 hex characters but must have 64/) });
    const notHex = readIncidentKey('zz'.repeat(32));
    expect(notHex).toMatchObject({ ok: false, reason: expect.stringMatching(/not hexadecimal/) });
  });

  it('derives a lookup key different from the encryption key', () => {
    expect(keys().lookup.equals(keys().encryption)).toBe(false);
  });
});

describe('seal and open', () => {
  it('round-trips any text, and the sealed bytes never contain the plaintext', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 4, maxLength: 300 }), (text) => {
        const sealed = seal(keys().encryption, text, INCIDENT, 'description');
        expect(open(keys().encryption, sealed, INCIDENT, 'description')).toBe(text);
        expect(sealed.includes(Buffer.from(text, 'utf8'))).toBe(false);
      }),
    );
  });

  it('uses a fresh IV each time: the same text seals differently', () => {
    const a = seal(keys().encryption, 'same words', INCIDENT, 'note');
    const b = seal(keys().encryption, 'same words', INCIDENT, 'note');
    expect(a.subarray(0, 12).equals(b.subarray(0, 12))).toBe(false);
    expect(a.equals(b)).toBe(false);
  });

  it('refuses a tampered value, a value moved to another incident or field, and the wrong key', () => {
    const sealed = seal(keys().encryption, 'what happened at the dinner', INCIDENT, 'description');
    const flipped = Buffer.from(sealed);
    flipped[flipped.length - 1] ^= 0x01;
    expect(() => open(keys().encryption, flipped, INCIDENT, 'description')).toThrow(IncidentDecryptionError);
    expect(() => open(keys().encryption, sealed, OTHER, 'description')).toThrow(IncidentDecryptionError);
    expect(() => open(keys().encryption, sealed, INCIDENT, 'concerns')).toThrow(IncidentDecryptionError);
    expect(() => open(Buffer.alloc(32, 7), sealed, INCIDENT, 'description')).toThrow(IncidentDecryptionError);
    expect(() => open(keys().encryption, sealed.subarray(0, 20), INCIDENT, 'description')).toThrow(IncidentDecryptionError);
  });
});

describe('reporter lookup and follow-up codes', () => {
  it('gives one user the same lookup value and different users different ones', () => {
    const user = '7f0c1a3e-2b4d-4c5e-9f60-718293a4b5c6';
    expect(reporterLookup(keys(), user).equals(reporterLookup(keys(), user))).toBe(true);
    expect(reporterLookup(keys(), user).equals(reporterLookup(keys(), OTHER))).toBe(false);
    expect(reporterLookup(keys(), user).toString('hex')).not.toContain(user.replace(/-/g, ''));
  });

  it('matches a follow-up code only against its own hash', () => {
    const code = newFollowUpCode();
    expect(code).toMatch(/^fu_[\w-]{32}$/);
    expect(hashFollowUpCode(code)).not.toContain(code);
    expect(followUpCodeMatches(code, hashFollowUpCode(code))).toBe(true);
    expect(followUpCodeMatches(newFollowUpCode(), hashFollowUpCode(code))).toBe(false);
    expect(followUpCodeMatches(code, 'not-a-hash')).toBe(false);
  });
});
