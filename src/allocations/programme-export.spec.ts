import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { AcceptedTalk, CSV_COLUMNS, foldLine, icsText, programmeCsv, programmeICalendar } from './programme-export';

const conference = { id: 'c1', name: 'ICHEP, 2026; Prague', startDate: '2026-07-30', endDate: '2026-08-05', country: 'CZ' };
const talk = (over: Partial<AcceptedTalk> = {}): AcceptedTalk => ({
  allocationId: 'a1', slotId: 's1', slotTitle: 'Higgs, top; and more', talkType: 'plenary', startsAt: null,
  memberId: 'm1', speaker: 'Zoë "Z" Müller', institute: 'CERN', region: 'CERN', updatedAt: '2026-11-24T10:00:00.000Z',
  ...over,
});

function unfold(text: string): string[] {
  return text.replace(/\r\n /g, '').split('\r\n').filter((l) => l !== '');
}

function unescape(value: string): string {
  return value.replace(/\\([\\;,nN])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}

describe('programme CSV', () => {
  it('has a header and one parseable row per accepted talk, with CRLF line ends', () => {
    const csv = programmeCsv(conference, [talk(), talk({ allocationId: 'a2', startsAt: '2026-07-31T09:30:00.000Z' })]);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.split('\r\n')).toHaveLength(4);
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0])).toEqual([...CSV_COLUMNS]);
    expect(rows[0]).toMatchObject({ conference: conference.name, slot: 'Higgs, top; and more', speaker: 'Zoë "Z" Müller',
      date: '2026-07-30', startsAt: '' });
    expect(rows[1]).toMatchObject({ date: '2026-07-31', startsAt: '2026-07-31T09:30:00.000Z', allocationId: 'a2' });
  });

  it('defuses text a spreadsheet would run as a formula', () => {
    const rows = parse(programmeCsv(conference, [talk({ speaker: '=HYPERLINK("x")' })]), { columns: true });
    expect((rows as Record<string, string>[])[0].speaker).toBe('\'=HYPERLINK("x")');
  });

  it('round-trips any speaker name that does not look like a formula', () => {
    fc.assert(fc.property(fc.string().filter((s) => !/^'*[=+\-@\t\r]/.test(s)), (name) => {
      const rows = parse(programmeCsv(conference, [talk({ speaker: name })]), { columns: true, relax_quotes: false });
      return (rows as Record<string, string>[])[0].speaker === name;
    }));
  });
});

describe('programme iCalendar', () => {
  it('has one VEVENT per accepted talk with a UID, escaped text and CRLF line ends', () => {
    const ics = programmeICalendar(conference, [talk(), talk({ allocationId: 'a2', startsAt: '2026-07-31T09:30:00.000Z' })]);
    expect(ics.endsWith('\r\n')).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const lines = unfold(ics);
    expect(lines[0]).toBe('BEGIN:VCALENDAR');
    expect(lines.at(-1)).toBe('END:VCALENDAR');
    expect(lines).toContain('VERSION:2.0');
    expect(lines.filter((l) => l === 'BEGIN:VEVENT')).toHaveLength(2);
    expect(lines).toContain('UID:a1@speaker-allocation');
    expect(lines).toContain('UID:a2@speaker-allocation');
    expect(lines).toContain('DTSTART;VALUE=DATE:20260730');
    expect(lines).toContain('DTEND;VALUE=DATE:20260806');
    expect(lines).toContain('DTSTART:20260731T093000Z');
    expect(lines).toContain('DTSTAMP:20261124T100000Z');
    expect(lines).toContain('SUMMARY:Higgs\\, top\\; and more: Zoë "Z" Müller');
  });

  it('folds long lines at 75 octets without splitting a character', () => {
    const ics = programmeICalendar(conference, [talk({ slotTitle: 'Überblick '.repeat(30) })]);
    for (const line of ics.split('\r\n')) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    expect(unfold(ics).find((l) => l.startsWith('SUMMARY:'))).toBe(`SUMMARY:${'Überblick '.repeat(30)}: Zoë "Z" Müller`);
  });

  it('folds and escapes any text reversibly', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (text) => {
      const line = `SUMMARY:${icsText(text)}`;
      const folded = foldLine(line);
      const ok = folded.split('\r\n').every((l) => Buffer.byteLength(l, 'utf8') <= 75);
      return ok && unescape(folded.replace(/\r\n /g, '').slice('SUMMARY:'.length)) === text.replace(/\r\n|\r/g, '\n');
    }));
  });
});
