import { parse } from 'csv-parse/sync';
import { createConference, createInstitute, createMember, createNomination, createSlot } from './support/fixtures';
import { bearer, createTestApp, TestApp } from './support/test-app';

describe('conference programme and its CSV and iCalendar exports', () => {
  let t: TestApp;
  let committee: string;
  let conferenceId: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp();
    committee = await t.token('committee');
    const nominatorId = (await t.user('nominator')).id;
    const institute = await createInstitute(t.dataSource, { name: 'Université de Genève, DPNC', country: 'CH' });
    const conference = await createConference(t.dataSource, {
      name: 'Rencontres de Moriond; EW',
      startDate: '2027-03-20',
      endDate: '2027-03-27',
      country: 'IT',
    });
    conferenceId = conference.id;
    const plenary = await createSlot(t.dataSource, { conferenceId, title: 'Higgs, top and electroweak', seats: 2 });
    const parallel = await createSlot(t.dataSource, { conferenceId, title: 'Flavour', talkType: 'parallel' });
    await createSlot(t.dataSource, { conferenceId, title: 'Empty slot' });
    await t.dataSource.query(`UPDATE slot SET starts_at = '2027-03-21T08:30:00Z' WHERE id = $1`, [parallel.id]);
    const speakers = {
      ada: await createMember(t.dataSource, { instituteId: institute.id, name: 'Ada, "the" Lovelace', gender: 'woman' }),
      bob: await createMember(t.dataSource, { instituteId: institute.id, name: 'Bob Declines', gender: 'man' }),
      cy: await createMember(t.dataSource, { instituteId: institute.id, name: 'Cy Invited' }),
      di: await createMember(t.dataSource, { instituteId: institute.id, name: 'Di Parallel' }),
    };
    for (const [key, m] of Object.entries(speakers)) {
      await createNomination(t.dataSource, { memberId: m.id, slotId: key === 'di' ? parallel.id : plenary.id, nominatorId });
    }
    const allocate = async (slotId: string, memberId: string) => {
      const res = await t.http
        .post(`/api/v1/slots/${slotId}/allocations`)
        .set(bearer(committee))
        .send({ memberId, rationale: 'Programme test' });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    const answer = async (id: string, status: string, reason?: string) => {
      const res = await t.http.patch(`/api/v1/allocations/${id}`).set(bearer(committee)).send({ status, reason });
      expect(res.status).toBe(200);
    };
    ids.ada = await allocate(plenary.id, speakers.ada.id);
    await answer(ids.ada, 'accepted');
    ids.bob = await allocate(plenary.id, speakers.bob.id);
    await answer(ids.bob, 'declined', 'Secret decline reason');
    ids.cy = await allocate(plenary.id, speakers.cy.id);
    ids.di = await allocate(parallel.id, speakers.di.id);
    await answer(ids.di, 'accepted');
    ids.plenary = plenary.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  const programme = (token: string) => t.http.get(`/api/v1/conferences/${conferenceId}/programme`).set(bearer(token));

  it('lists every slot with its allocations, statuses, speakers and institutes', async () => {
    const res = await programme(committee);
    expect(res.status).toBe(200);
    expect(res.body.conference).toMatchObject({ id: conferenceId, name: 'Rencontres de Moriond; EW', startDate: '2027-03-20' });
    expect(res.body.slots.map((s: any) => s.title)).toEqual(['Flavour', 'Empty slot', 'Higgs, top and electroweak']);
    const plenary = res.body.slots.find((s: any) => s.id === ids.plenary);
    expect(plenary).toMatchObject({ seats: 2, seatsTaken: 2, talkType: 'plenary' });
    expect(plenary.allocations.map((a: any) => [a.name, a.status])).toEqual([
      ['Ada, "the" Lovelace', 'accepted'],
      ['Bob Declines', 'declined'],
      ['Cy Invited', 'invited'],
    ]);
    expect(plenary.allocations[0]).toMatchObject({ instituteName: 'Université de Genève, DPNC', region: 'SWITZERLAND' });
    expect(res.body.slots[1].allocations).toEqual([]);
  });

  it('never shows gender, rationales or decline reasons, so monitors and admins may read it; nominators may not', async () => {
    for (const role of ['monitor', 'admin'] as const) {
      const res = await programme(await t.token(role));
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.body)).not.toMatch(/gender|woman|"man"|Secret decline reason|Programme test/);
    }
    expect((await programme(await t.token('nominator'))).status).toBe(403);
    expect((await t.http.get('/api/v1/conferences/00000000-0000-4000-8000-000000000000/programme').set(bearer(committee))).status).toBe(
      404,
    );
  });

  it('exports the accepted speakers as CSV on Accept: text/csv', async () => {
    const res = await programme(committee).set('Accept', 'text/csv');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/attachment; filename=".+\.csv"/);
    expect(res.text.endsWith('\r\n')).toBe(true);
    const lines = res.text.split('\r\n');
    expect(lines[0]).toBe('conference,slot,talkType,date,startsAt,speaker,institute,region,memberId,allocationId');
    expect(lines).toHaveLength(4);
    const rows = parse(res.text, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.speaker, r.slot, r.date, r.startsAt])).toEqual([
      ['Di Parallel', 'Flavour', '2027-03-21', '2027-03-21T08:30:00.000Z'],
      ['Ada, "the" Lovelace', 'Higgs, top and electroweak', '2027-03-20', ''],
    ]);
    expect(rows[1]).toMatchObject({
      conference: 'Rencontres de Moriond; EW',
      institute: 'Université de Genève, DPNC',
      allocationId: ids.ada,
    });
    expect(res.text).not.toMatch(/Bob Declines|Cy Invited/);
  });

  it('exports the accepted speakers as iCalendar on Accept: text/calendar or ?format=ics', async () => {
    for (const res of [
      await programme(committee).set('Accept', 'text/calendar'),
      await t.http.get(`/api/v1/conferences/${conferenceId}/programme?format=ics`).set(bearer(committee)),
    ]) {
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/calendar/);
      const text = res.text;
      expect(text.endsWith('\r\n')).toBe(true);
      expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
      for (const line of text.split('\r\n')) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
      const lines = text
        .replace(/\r\n[ \t]/g, '')
        .split('\r\n')
        .filter(Boolean);
      expect(lines[0]).toBe('BEGIN:VCALENDAR');
      expect(lines.at(-1)).toBe('END:VCALENDAR');
      expect(lines).toEqual(expect.arrayContaining(['VERSION:2.0', expect.stringMatching(/^PRODID:/)]));
      expect(lines.filter((l) => l === 'BEGIN:VEVENT')).toHaveLength(2);
      expect(lines.filter((l) => l === 'END:VEVENT')).toHaveLength(2);
      expect(lines).toContain(`UID:${ids.ada}@speaker-allocation`);
      expect(lines).toContain(`UID:${ids.di}@speaker-allocation`);
      expect(lines).toContain('DTSTART:20270321T083000Z');
      expect(lines).toContain('DTSTART;VALUE=DATE:20270320');
      expect(lines).toContain('DTEND;VALUE=DATE:20270328');
      expect(lines).toContain('SUMMARY:Higgs\\, top and electroweak: Ada\\, "the" Lovelace');
      expect(lines.filter((l) => l.startsWith('DTSTAMP:')).every((l) => /^DTSTAMP:\d{8}T\d{6}Z$/.test(l))).toBe(true);
      expect(text).not.toMatch(/Bob Declines|Cy Invited/);
    }
  });

  it('takes ?format=csv over the Accept header and answers 406 for a type it cannot produce', async () => {
    const csv = await t.http
      .get(`/api/v1/conferences/${conferenceId}/programme?format=csv`)
      .set(bearer(committee))
      .set('Accept', 'text/calendar');
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect((await programme(committee).set('Accept', 'application/xml')).status).toBe(406);
    expect((await t.http.get(`/api/v1/conferences/${conferenceId}/programme?format=pdf`).set(bearer(committee))).status).toBe(400);
  });
});
