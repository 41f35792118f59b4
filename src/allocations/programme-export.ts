// Exports of a conference's accepted speakers that everyone can open: CSV (RFC 4180) for
// spreadsheets and iCalendar (RFC 5545) for calendars. Pure text building, no I/O.
import { csvText } from '../privacy/csv';

export interface ProgrammeConference {
  id: string;
  name: string;
  startDate: string; // YYYY-MM-DD
  endDate: string; // YYYY-MM-DD
  country: string | null;
}

export interface AcceptedTalk {
  allocationId: string;
  slotId: string;
  slotTitle: string;
  talkType: string;
  /** The slot's start when scheduled (ISO instant), else the talk spans the conference's days. */
  startsAt: string | null;
  memberId: string;
  speaker: string;
  institute: string;
  region: string;
  /** When the allocation last changed: an event's DTSTAMP should move only when the event does. */
  updatedAt: string;
}

export const CSV_COLUMNS = [
  'conference', 'slot', 'talkType', 'date', 'startsAt', 'speaker', 'institute', 'region', 'memberId', 'allocationId',
] as const;

const CRLF = '\r\n';

/** Names and titles that start like a formula are neutralised by csvText (src/privacy/csv.ts). */
export function programmeCsv(conference: ProgrammeConference, talks: readonly AcceptedTalk[]): string {
  const rows = talks.map((t) => [
    conference.name, t.slotTitle, t.talkType, t.startsAt ? t.startsAt.slice(0, 10) : conference.startDate,
    t.startsAt ?? '', t.speaker, t.institute, t.region, t.memberId, t.allocationId,
  ]);
  return csvText(CSV_COLUMNS, rows);
}

export function programmeICalendar(
  conference: ProgrammeConference,
  talks: readonly AcceptedTalk[],
  host = 'speaker-allocation',
): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Speaker allocation service//Programme//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${icsText(conference.name)}`,
  ];
  for (const t of talks) {
    lines.push(
      'BEGIN:VEVENT',
      `UID:${t.allocationId}@${host}`,
      `DTSTAMP:${icsInstant(t.updatedAt)}`,
      ...(t.startsAt
        ? [`DTSTART:${icsInstant(t.startsAt)}`]
        : [`DTSTART;VALUE=DATE:${icsDate(conference.startDate)}`,
          // DTEND of an all-day event is exclusive: the day after the conference ends.
          `DTEND;VALUE=DATE:${icsDate(nextDay(conference.endDate))}`]),
      `SUMMARY:${icsText(`${t.slotTitle}: ${t.speaker}`)}`,
      `DESCRIPTION:${icsText(`${t.talkType} talk at ${conference.name} by ${t.speaker} (${t.institute})`)}`,
      ...(conference.country ? [`LOCATION:${icsText(conference.country)}`] : []),
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join(CRLF) + CRLF;
}

/** TEXT value escaping (RFC 5545 3.3.11). */
export function icsText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r\n|\r|\n/g, '\\n');
}

/** Lines longer than 75 octets continue on the next line after CRLF and one space (RFC 5545 3.1). */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8');
    const limit = parts.length === 0 ? 75 : 74;
    if (octets + size > limit) {
      parts.push(current);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join(`${CRLF} `);
}

function icsInstant(iso: string): string {
  return new Date(iso).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function icsDate(isoDate: string): string {
  return isoDate.replace(/-/g, '');
}

function nextDay(isoDate: string): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}
