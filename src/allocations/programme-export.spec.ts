import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import ICAL from 'ical.js';
import {
  AcceptedTalk,
  CSV_COLUMNS,
  DEFAULT_TALK_MINUTES,
  invitationICalendar,
  programmeCsv,
  programmeICalendar,
  venueLocation,
} from './programme-export';

const conference = {
  id: 'c1',
  name: 'ICHEP, 2026; Prague',
  startDate: '2026-07-30',
  endDate: '2026-08-05',
  country: 'CZ',
  city: 'Prague',
  timeZone: 'Europe/Prague',
};
const talk = (over: Partial<AcceptedTalk> = {}): AcceptedTalk => ({
  allocationId: 'a1',
  slotId: 's1',
  slotTitle: 'Higgs, top; and more',
  talkType: 'plenary',
  startsAt: null,
  durationMinutes: null,
  room: null,
  memberId: 'm1',
  speaker: 'Zoë "Z" Müller',
  institute: 'CERN',
  region: 'CERN',
  updatedAt: '2026-11-24T10:00:00.000Z',
  ...over,
});

describe('programme CSV', () => {
  it('has a header and one parseable row per accepted talk, with CRLF line ends', () => {
    const csv = programmeCsv(conference, [talk(), talk({ allocationId: 'a2', startsAt: '2026-07-31T09:30:00.000Z' })]);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.split('\r\n')).toHaveLength(4);
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0])).toEqual([...CSV_COLUMNS]);
    expect(rows[0]).toMatchObject({
      conference: conference.name,
      slot: 'Higgs, top; and more',
      speaker: 'Zoë "Z" Müller',
      date: '2026-07-30',
      startsAt: '',
    });
    expect(rows[1]).toMatchObject({ date: '2026-07-31', startsAt: '2026-07-31T09:30:00.000Z', allocationId: 'a2' });
  });

  it('defuses text a spreadsheet would run as a formula', () => {
    const rows = parse(programmeCsv(conference, [talk({ speaker: '=HYPERLINK("x")' })]), { columns: true });
    expect((rows as Record<string, string>[])[0].speaker).toBe('\'=HYPERLINK("x")');
  });

  it('round-trips any speaker name that does not look like a formula', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !/^'*[=+\-@\t\r]/.test(s)),
        (name) => {
          const rows = parse(programmeCsv(conference, [talk({ speaker: name })]), { columns: true, relax_quotes: false });
          return (rows as Record<string, string>[])[0].speaker === name;
        },
      ),
    );
  });
});

describe('programme iCalendar', () => {
  const events = (ics: string) => new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));

  it('parses as iCalendar with one event per accepted talk, all-day over the conference when not scheduled', () => {
    const ics = programmeICalendar(conference, [
      talk(),
      talk({ allocationId: 'a2', startsAt: '2026-07-31T09:30:00.000Z', durationMinutes: 45 }),
    ]);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const calendar = new ICAL.Component(ICAL.parse(ics));
    expect(calendar.getFirstPropertyValue('version')).toBe('2.0');
    expect(calendar.getFirstPropertyValue('method')).toBe('PUBLISH');
    const [allDay, timed] = events(ics);
    expect(allDay.uid).toBe('a1@speaker-allocation');
    expect(allDay.startDate.isDate).toBe(true);
    expect(allDay.startDate.toString()).toBe('2026-07-30');
    expect(allDay.endDate.toString()).toBe('2026-08-06');
    expect(allDay.summary).toBe('Higgs, top; and more: Zoë "Z" Müller');
    expect(timed.uid).toBe('a2@speaker-allocation');
    expect(timed.startDate.toJSDate().toISOString()).toBe('2026-07-31T09:30:00.000Z');
    expect(timed.endDate.toJSDate().toISOString()).toBe('2026-07-31T10:15:00.000Z');
    expect(timed.component.getFirstPropertyValue('dtstamp')!.toString()).toMatch(/^2026-11-24T10:00:00/);
  });

  it('never makes a timed talk zero length: without a duration it lasts as long as its talk type usually does', () => {
    const [plenary] = events(programmeICalendar(conference, [talk({ startsAt: '2026-07-31T09:30:00.000Z', talkType: 'plenary' })]));
    expect(plenary.duration.toSeconds()).toBe(DEFAULT_TALK_MINUTES.plenary * 60);
    const [poster] = events(programmeICalendar(conference, [talk({ startsAt: '2026-07-31T09:30:00.000Z', talkType: 'poster' })]));
    expect(poster.duration.toSeconds()).toBe(DEFAULT_TALK_MINUTES.poster * 60);
  });

  it('puts the room, the venue city and the country in LOCATION', () => {
    const [event] = events(programmeICalendar(conference, [talk({ room: 'Forum Hall' })]));
    expect(event.location).toBe('Forum Hall, Prague, Czechia');
    const [noRoom] = events(programmeICalendar({ ...conference, city: null }, [talk()]));
    expect(noRoom.location).toBe('Czechia');
    expect(venueLocation({ ...conference, city: null, country: null }, null)).toBeNull();
  });

  it('keeps any title intact through escaping and line folding', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', minLength: 1 }).filter((s) => !/[\r\u0000-\u0008\u000b-\u001f\u007f]/.test(s)),
        (title) => {
          const ics = programmeICalendar(conference, [talk({ slotTitle: title })]);
          const foldedOk = ics.split('\r\n').every((l) => Buffer.byteLength(l, 'utf8') <= 75);
          return foldedOk && events(ics)[0].summary === `${title}: Zoë "Z" Müller`;
        },
      ),
      { numRuns: 200 },
    );
  });

  it('attaches one event to an invitation', () => {
    const ics = invitationICalendar(conference, { ...talk({ startsAt: '2026-07-31T09:30:00.000Z', room: 'Forum Hall' }), institute: null });
    const [event] = events(ics);
    expect(event.summary).toBe('Higgs, top; and more: Zoë "Z" Müller');
    expect(event.location).toBe('Forum Hall, Prague, Czechia');
    expect(event.description).toBe('plenary talk at ICHEP, 2026; Prague by Zoë "Z" Müller');
  });
});
