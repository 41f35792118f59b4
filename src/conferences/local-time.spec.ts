import fc from 'fast-check';
import { hasOffset, isTimeZone, offsetMinutes, venueTime, wallClockToInstant } from './local-time';

describe('conference local time', () => {
  it('knows IANA zones and refuses anything else', () => {
    expect(isTimeZone('Europe/Prague')).toBe(true);
    expect(isTimeZone('America/Argentina/Buenos_Aires')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });

  it('tells wall-clock times from instants', () => {
    expect(hasOffset('2026-07-16T09:30:00Z')).toBe(true);
    expect(hasOffset('2026-07-16T09:30:00+02:00')).toBe(true);
    expect(hasOffset('2026-07-16T09:30')).toBe(false);
  });

  it("reads a wall-clock time in the venue's zone, summer and winter", () => {
    expect(wallClockToInstant('2026-07-16T09:30', 'Europe/Prague').toISOString()).toBe('2026-07-16T07:30:00.000Z');
    expect(wallClockToInstant('2026-01-16T09:30', 'Europe/Prague').toISOString()).toBe('2026-01-16T08:30:00.000Z');
    expect(wallClockToInstant('2026-07-16T09:30:00', 'America/Chicago').toISOString()).toBe('2026-07-16T14:30:00.000Z');
    expect(wallClockToInstant('2026-07-16T09:30', 'Asia/Kolkata').toISOString()).toBe('2026-07-16T04:00:00.000Z');
  });

  it('gives back the wall-clock time it was given, for any time outside a clock change', () => {
    const zones = fc.constantFrom('Europe/Prague', 'America/New_York', 'Asia/Tokyo', 'Australia/Sydney', 'UTC');
    fc.assert(
      fc.property(zones, fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2035, 0, 1) }), (zone, ms) => {
        const instant = new Date(Math.floor(ms / 60_000) * 60_000);
        const wall = new Date(instant.getTime() + offsetMinutes(instant, zone) * 60_000).toISOString().slice(0, 16);
        const back = wallClockToInstant(wall, zone);
        // Within an hour of a clock change a wall time may name two instants; both read the same.
        return back.getTime() === instant.getTime() || offsetMinutes(back, zone) !== offsetMinutes(instant, zone);
      }),
    );
  });

  it('shows an instant as it reads at the venue', () => {
    expect(venueTime(new Date('2026-07-16T07:30:00Z'), 'Europe/Prague')).toBe('Thursday, 16 July 2026, 09:30 (Europe/Prague)');
    expect(venueTime(new Date('2026-07-16T07:30:00Z'), null)).toBe('Thursday, 16 July 2026, 07:30 (UTC)');
  });
});
