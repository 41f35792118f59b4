// Exports of a conference's accepted speakers that everyone can open: CSV (RFC 4180) for
// spreadsheets and iCalendar (RFC 5545, through ical-generator) for calendars. No I/O.
import ical, { ICalCalendar, ICalCalendarMethod } from 'ical-generator';
import { COUNTRIES } from '../common/countries';
import { csvText } from '../privacy/csv';

export interface ProgrammeConference {
  id: string;
  name: string;
  startDate: string; // YYYY-MM-DD
  endDate: string; // YYYY-MM-DD
  country: string | null;
  city: string | null;
  timeZone: string | null;
}

export interface AcceptedTalk extends CalendarTalk {
  slotId: string;
  memberId: string;
  institute: string;
  region: string;
}

export const CSV_COLUMNS = [
  'conference',
  'slot',
  'talkType',
  'date',
  'startsAt',
  'speaker',
  'institute',
  'region',
  'memberId',
  'allocationId',
] as const;

/** Names and titles that start like a formula are neutralised by csvText (src/privacy/csv.ts). */
export function programmeCsv(conference: ProgrammeConference, talks: readonly AcceptedTalk[]): string {
  const rows = talks.map((t) => [
    conference.name,
    t.slotTitle,
    t.talkType,
    t.startsAt ? t.startsAt.slice(0, 10) : conference.startDate,
    t.startsAt ?? '',
    t.speaker,
    t.institute,
    t.region,
    t.memberId,
    t.allocationId,
  ]);
  return csvText(CSV_COLUMNS, rows);
}

/**
 * How long a talk is when its slot gives no durationMinutes, so a timed event is never zero length.
 * Typical lengths at the collaboration's conferences.
 */
export const DEFAULT_TALK_MINUTES: Readonly<Record<string, number>> = {
  plenary: 30,
  summary: 30,
  parallel: 20,
  seminar: 60,
  poster: 90,
};

/** LOCATION: the room, the venue city and the country, as far as they are known. */
export function venueLocation(conference: ProgrammeConference, room: string | null): string | null {
  const country = conference.country ? (COUNTRIES[conference.country] ?? conference.country) : null;
  const parts = [room, conference.city, country].filter((p): p is string => Boolean(p));
  return parts.length ? parts.join(', ') : null;
}

/** A talk as a calendar event: its real times (UTC) when the slot is scheduled, else the conference's days. */
export interface CalendarTalk {
  allocationId: string;
  slotTitle: string;
  talkType: string;
  startsAt: string | null;
  durationMinutes: number | null;
  room: string | null;
  speaker: string;
  institute: string | null;
  updatedAt: string;
}

function addTalk(calendar: ICalCalendar, conference: ProgrammeConference, t: CalendarTalk, host: string): void {
  const timing = t.startsAt
    ? (() => {
        const start = new Date(t.startsAt);
        const minutes = t.durationMinutes ?? DEFAULT_TALK_MINUTES[t.talkType] ?? 30;
        return { start, end: new Date(start.getTime() + minutes * 60_000), allDay: false };
      })()
    : // An all-day event's end is exclusive: the day after the conference ends.
      { start: dateOnly(conference.startDate), end: dateOnly(nextDay(conference.endDate)), allDay: true };
  calendar.createEvent({
    id: `${t.allocationId}@${host}`,
    stamp: new Date(t.updatedAt),
    ...timing,
    summary: `${t.slotTitle}: ${t.speaker}`,
    description: `${t.talkType} talk at ${conference.name} by ${t.speaker}${t.institute ? ` (${t.institute})` : ''}`,
    location: venueLocation(conference, t.room),
  });
}

function newCalendar(name: string, method: ICalCalendarMethod): ICalCalendar {
  return ical({ name, method, prodId: { company: 'Speaker allocation service', product: 'Programme', language: 'EN' } });
}

/** The accepted talks of a conference (RFC 5545, made with ical-generator). */
export function programmeICalendar(conference: ProgrammeConference, talks: readonly AcceptedTalk[], host = 'speaker-allocation'): string {
  const calendar = newCalendar(conference.name, ICalCalendarMethod.PUBLISH);
  for (const t of talks) addTalk(calendar, conference, t, host);
  return terminated(calendar.toString());
}

/** The one talk an invitation is about, for the .ics attached to the invitation mail. */
export function invitationICalendar(conference: ProgrammeConference, talk: CalendarTalk, host = 'speaker-allocation'): string {
  const calendar = newCalendar(`${talk.slotTitle} at ${conference.name}`, ICalCalendarMethod.PUBLISH);
  addTalk(calendar, conference, talk, host);
  return terminated(calendar.toString());
}

/** Every content line ends with CRLF, the last one too (RFC 5545 3.1); ical-generator leaves the last bare. */
function terminated(ics: string): string {
  return ics.endsWith('\r\n') ? ics : `${ics}\r\n`;
}

/** A calendar date as midnight UTC, which ical-generator writes as the date itself for an all-day event. */
function dateOnly(isoDate: string): Date {
  return new Date(`${isoDate}T00:00:00Z`);
}

function nextDay(isoDate: string): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}
