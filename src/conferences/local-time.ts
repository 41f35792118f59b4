// Times at a conference: instants are stored in UTC; a conference's IANA time zone says how they read
// at the venue. Plain functions on Intl, no I/O.

/** Whether the runtime knows this IANA time zone (e.g. Europe/Prague). */
export function isTimeZone(zone: unknown): zone is string {
  if (typeof zone !== 'string' || zone.length === 0 || zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Whether an ISO 8601 date-time names its offset (Z or ±hh:mm); without one it is a wall-clock time. */
export function hasOffset(dateTime: string): boolean {
  return /(Z|[+-]\d{2}(:?\d{2})?)$/i.test(dateTime.trim());
}

/** The zone's offset from UTC at an instant, in minutes (Europe/Prague in July: 120). */
export function offsetMinutes(instant: Date, zone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/**
 * The instant a wall-clock time (`2026-07-16T09:30`) names in a zone. Around a clock change (a time
 * skipped or repeated) it is one of the instants next to it.
 */
export function wallClockToInstant(wallClock: string, zone: string): Date {
  const asUtc = Date.parse(`${wallClock.trim()}Z`);
  if (Number.isNaN(asUtc)) throw new Error(`not a date and time: ${wallClock}`);
  // The offset at the guess, then at the instant it gives: two steps settle on either side of a change.
  const guess = asUtc - offsetMinutes(new Date(asUtc), zone) * 60_000;
  return new Date(asUtc - offsetMinutes(new Date(guess), zone) * 60_000);
}

/** How an instant reads at the venue: "Thursday, 16 July 2026, 09:30 (Europe/Prague)"; UTC when no zone is known. */
export function venueTime(instant: Date, zone: string | null): string {
  const timeZone = zone ?? 'UTC';
  const text = new Intl.DateTimeFormat('en-GB', { timeZone, dateStyle: 'full', timeStyle: 'short' }).format(instant);
  return `${text.replace(' at ', ', ')} (${timeZone})`;
}
