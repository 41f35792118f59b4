// Hostile request bodies every JSON route must refuse with a clear 4xx: nesting deep enough to overflow
// the stack, null for fields that cannot be empty, JSON sent under another content type, and the keys
// the validation pipe would otherwise drop unseen (constructor, __proto__, prototype).
import { parse } from 'csv-parse/sync';
import { createConference, createInstitute, createMember, createNomination, createSlot } from './support/fixtures';
import { bearer, createTestApp, TestApp } from './support/test-app';

const api = '/api/v1';
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const PROBLEM = /^application\/problem\+json/;

describe('input hardening', () => {
  let t: TestApp;
  let committee: string;
  /** Holds every role a route below asks for, so that each answer is about the body. */
  let staff: string;
  let instituteId: string;
  let memberId: string;
  let conferenceId: string;
  let slotId: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { INCIDENT_KEY: 'cd'.repeat(32) } });
    committee = await t.token('committee');
    staff = await t.token('admin', 'committee', 'contact');
    const db = t.dataSource;
    instituteId = (await createInstitute(db, { name: 'Hardening Institute', country: 'CH' })).id;
    memberId = (await createMember(db, { instituteId, name: 'Hardening Member' })).id;
    conferenceId = (await createConference(db, { startDate: inDays(90) })).id;
    slotId = (await createSlot(db, { conferenceId, title: 'Hardening slot', seats: 2 })).id;
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A route with its :placeholders filled in. */
  const url = (path: string) =>
    path
      .replace(':institute', instituteId)
      .replace(':member', memberId)
      .replace(':conference', conferenceId)
      .replace(':slot', slotId)
      .replace(':unknown', '00000000-0000-4000-8000-000000000000');
  const raw = (method: 'post' | 'patch' | 'put', url: string, token: string, type: string, text: string) =>
    t.http[method](`${api}${url}`).set(bearer(token)).set('Content-Type', type).send(text);

  describe('deeply nested JSON', () => {
    const deepArray = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const deepObject = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

    it.each([
      ['patch', '/institutes/:institute'],
      ['post', '/members'],
      ['post', '/conferences/:conference/slate-suggestions'],
      ['post', '/members/import'],
      ['post', '/talks/import'],
      ['put', '/rank-policy'],
    ] as const)('answers 400 problem+json on %s %s, for arrays and objects', async (method, path) => {
      for (const body of [`{"name":${deepArray(5000)}}`, deepArray(5000), `{"name":${deepObject(5000)}}`]) {
        const res = await raw(method, url(path), staff, 'application/json', body);
        expect(res.status).toBe(400);
        expect(res.headers['content-type']).toMatch(PROBLEM);
        expect(res.body.detail).toMatch(/nested more than \d+ levels/);
      }
    });

    it('still accepts the nesting real bodies have', async () => {
      const res = await t.http.patch(`${api}/institutes/${instituteId}`).set(bearer(t.admin)).send({ name: 'Hardening Institute' });
      expect(res.status).toBe(200);
    });
  });

  describe('null for a field that cannot be empty', () => {
    it('answers 400 naming the field, and changes nothing', async () => {
      const res = await t.http.patch(`${api}/institutes/${instituteId}`).set(bearer(t.admin)).send({ name: null });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body.errors).toEqual([{ field: 'name', message: 'name must not be null' }]);
      const [row] = await t.dataSource.query(`SELECT name FROM institute WHERE id = $1`, [instituteId]);
      expect(row.name).toBe('Hardening Institute');
    });

    it.each([
      ['patch', '/institutes/:institute', { country: null }, 'country'],
      ['patch', '/members/:member', { name: null }, 'name'],
      ['patch', '/members/:member', { careerStage: null }, 'careerStage'],
      ['patch', '/members/:member', { gender: null }, 'gender'],
      ['post', '/members', { name: 'New', careerStage: 'student', gender: null }, 'gender'],
      ['patch', '/conferences/:conference', { tier: null }, 'tier'],
      ['patch', '/slots/:slot', { seats: null }, 'seats'],
      ['put', '/regions/CERN', { countries: [], position: null }, 'position'],
      ['post', '/conferences/:conference/slate-suggestions', { maxPerInstitute: null }, 'maxPerInstitute'],
      ['post', '/conferences/:conference/slate-suggestions', { gender: { atLeast: null } }, 'gender.atLeast'],
      ['patch', '/nominations/:unknown', { status: 'withdrawn', version: null }, 'version'],
      ['patch', '/allocations/:unknown', { status: 'declined', reason: null }, 'reason'],
      ['patch', '/incidents/:unknown', { status: 'closed', action: null }, 'action'],
    ] as const)('%s %s with %j answers 400 naming %s', async (method, path, body, field) => {
      const res = await t.http[method](`${api}${url(path)}`)
        .set(bearer(staff))
        .send(body);
      expect(res.status).toBe(400);
      expect(res.body.errors).toContainEqual({ field, message: `${field.split('.').pop()} must not be null` });
    });

    it('still takes null where it clears a value', async () => {
      const patch = (path: string, body: object) => t.http.patch(`${api}${path}`).set(bearer(staff)).send(body);
      expect((await patch(`/institutes/${instituteId}`, { region: null })).status).toBe(200);
      expect((await patch(`/members/${memberId}`, { email: null, leftOn: null })).status).toBe(200);
      expect((await patch(`/conferences/${conferenceId}`, { country: null, url: null })).status).toBe(200);
      expect((await patch(`/slots/${slotId}`, { topic: null, startsAt: null })).status).toBe(200);
    });
  });

  describe('content types', () => {
    it('answers 415 for JSON sent as text/plain, and changes nothing', async () => {
      const res = await raw('patch', `/institutes/${instituteId}`, t.admin, 'text/plain', JSON.stringify({ name: 'Renamed' }));
      expect(res.status).toBe(415);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body.detail).toMatch(/application\/json/);
      const [row] = await t.dataSource.query(`SELECT name FROM institute WHERE id = $1`, [instituteId]);
      expect(row.name).toBe('Hardening Institute');
    });

    it('answers 415 for a slate sent as text/plain instead of storing one without targets', async () => {
      const before = await t.dataSource.query(`SELECT count(*)::int AS n FROM slate_suggestion`);
      const res = await raw(
        'post',
        `/conferences/${conferenceId}/slate-suggestions`,
        committee,
        'text/plain',
        JSON.stringify({ maxPerInstitute: 1 }),
      );
      expect(res.status).toBe(415);
      expect(await t.dataSource.query(`SELECT count(*)::int AS n FROM slate_suggestion`)).toEqual(before);
    });

    it.each(['application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=x', 'text/csv'])(
      'answers 415 for %s on a JSON route',
      async (type) => {
        const res = await raw('post', '/members', t.admin, type, 'name=x');
        expect(res.status).toBe(415);
        expect(res.headers['content-type']).toMatch(PROBLEM);
      },
    );

    it('answers 415 for a body without a content type', async () => {
      const res = await t.http
        .patch(`${api}/institutes/${instituteId}`)
        .set(bearer(t.admin))
        .set('Content-Type', '')
        .send(Buffer.from('{"name":"Renamed"}'));
      expect(res.status).toBe(415);
      expect(res.body.detail).toMatch(/no Content-Type/);
    });

    it('reads JSON with a charset, and as application/merge-patch+json', async () => {
      const rename = (type: string, name: string) => raw('patch', `/institutes/${instituteId}`, t.admin, type, JSON.stringify({ name }));
      expect((await rename('application/merge-patch+json', 'Merge Patched')).body).toMatchObject({ name: 'Merge Patched' });
      expect((await rename('application/json; charset=utf-8', 'Hardening Institute')).body).toMatchObject({ name: 'Hardening Institute' });
    });

    it('keeps CSV imports working as text/csv and text/plain, and refuses other types there', async () => {
      const csv = 'externalId,name,email,institute,country,careerStage,gender\r\nHARD-1,Csv Person,,Hardening Institute,CH,student,\r\n';
      expect((await raw('post', '/members/import', t.admin, 'text/csv', csv)).status).toBe(200);
      expect((await raw('post', '/members/import', t.admin, 'text/plain', csv)).status).toBe(200);
      const xml = await raw('post', '/members/import', t.admin, 'application/xml', '<members/>');
      expect(xml.status).toBe(415);
      expect(xml.body.detail).toMatch(/text\/csv/);
      const talks = await raw('post', '/talks/import', t.admin, 'application/xml', '<talks/>');
      expect(talks.status).toBe(415);
    });

    it('still serves requests without content on routes whose body is optional', async () => {
      const replay = await t.http.post(`${api}/slate-suggestions/00000000-0000-4000-8000-000000000000/replay`).set(bearer(committee));
      expect(replay.status).toBe(404);
      const empty = await t.http.patch(`${api}/institutes/${instituteId}`).set(bearer(t.admin)).set('Content-Type', 'text/plain');
      expect(empty.status).toBe(200);
    });
  });

  describe('prototype keys', () => {
    it.each(['constructor', '__proto__', 'prototype'])('answers 400 for a field named %s, like any unknown field', async (key) => {
      const body = `{"name":"Hardening Institute","${key}":{"x":1}}`;
      const res = await raw('patch', `/institutes/${instituteId}`, t.admin, 'application/json', body);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body.errors).toEqual([{ field: key, message: 'is not an accepted field' }]);
    });

    it('answers 400 for one inside a nested object, and in a query string', async () => {
      const nested = await raw(
        'post',
        `/conferences/${conferenceId}/slate-suggestions`,
        committee,
        'application/json',
        '{"gender":{"atLeast":1,"constructor":1}}',
      );
      expect(nested.status).toBe(400);
      expect(nested.body.errors).toContainEqual({ field: 'gender.constructor', message: 'is not an accepted field' });
      const query = await t.http.get(`${api}/members?constructor=1`).set(bearer(t.admin));
      expect(query.status).toBe(400);
      expect(query.body.errors).toEqual([{ field: 'constructor', message: 'is not an accepted field' }]);
    });
  });

  describe('a duplicate nomination', () => {
    it('tells another nominator nothing of the existing nomination, and the committee its id', async () => {
      const first = await t.user('nominator');
      const second = await t.user('nominator');
      const nominee = await createMember(t.dataSource, { instituteId, name: 'Twice Nominated' });
      const existing = await createNomination(t.dataSource, { memberId: nominee.id, slotId, nominatorId: first.id, status: 'shortlisted' });
      const body = { memberId: nominee.id, slotId, reason: 'Great work' };

      const res = await t.http.post(`${api}/nominations`).set(bearer(second.token)).send(body);
      expect(res.status).toBe(409);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body.detail).toMatch(/already nominated/);
      const text = JSON.stringify(res.body);
      expect(text).not.toContain(existing.id);
      expect(text).not.toContain(first.id);
      expect(text).not.toMatch(/shortlisted/);
      expect(res.body.nominationId).toBeUndefined();

      const byCommittee = await t.http.post(`${api}/nominations`).set(bearer(committee)).send(body);
      expect(byCommittee.status).toBe(409);
      expect(byCommittee.body.nominationId).toBe(existing.id);
      expect(JSON.stringify(byCommittee.body)).not.toContain(first.id);
    });
  });

  describe('CSV exports', () => {
    /** Members written straight to the database, as an import of anything would leave them. */
    async function insertMembers(names: Record<string, string>, institute: { id: string }) {
      for (const [name, externalId] of Object.entries(names)) {
        const [row] = await t.dataSource.query(
          `INSERT INTO member (name, external_id, institute_id, career_stage, joined_on)
           VALUES ($1, $2, $3, 'student', '2020-01-01') RETURNING id`,
          [name, externalId, institute.id],
        );
        await t.dataSource.query(
          `INSERT INTO member_career_stage (member_id, valid_from, career_stage) VALUES ($1, '2020-01-01', 'student')`,
          [row.id],
        );
        await t.dataSource.query(`INSERT INTO member_affiliation (member_id, valid_from, institute_id) VALUES ($1, '2020-01-01', $2)`, [
          row.id,
          institute.id,
        ]);
      }
    }
    const exportOf = async (institute: { id: string }) => {
      const res = await t.http.get(`${api}/members/export?instituteId=${institute.id}`).set(bearer(t.admin));
      expect(res.status).toBe(200);
      return { text: res.text, rows: parse(res.text, { columns: true }) as Record<string, string>[] };
    };

    it('neutralise member cells a spreadsheet would run as a formula, which re-import unchanged', async () => {
      const hostile = {
        '=HYPERLINK("http://evil.example","x")': "+cmd|' /C calc'!A0",
        '-1+1': '@SUM(1+1)',
        "'=already quoted": '-42',
      };
      const institute = await createInstitute(t.dataSource, { name: '=1+2', country: 'CH' });
      await insertMembers(hostile, institute);
      const { text, rows } = await exportOf(institute);
      expect(rows).toHaveLength(3);
      for (const [name, externalId] of Object.entries(hostile)) {
        expect(rows.find((r) => r.name === `'${name}`)).toMatchObject({ externalId: `'${externalId}`, institute: "'=1+2" });
      }
      const reimported = await t.http.post(`${api}/members/import`).set(bearer(t.admin)).set('Content-Type', 'text/csv').send(text);
      expect(reimported.status).toBe(200);
      expect(reimported.body).toMatchObject({ created: 0, updated: 0, unchanged: 3, institutesCreated: 0 });
    });

    it('neutralise a leading tab or CR, which could hide a formula', async () => {
      const institute = await createInstitute(t.dataSource, { country: 'CH' });
      await insertMembers({ '\t=1+2': 'TAB-1', '\r=1+2': 'CR-1' }, institute);
      const { rows } = await exportOf(institute);
      expect(rows.map((r) => r.name).sort()).toEqual(["'\t=1+2", "'\r=1+2"].sort());
    });

    it('neutralise the member externalId in the talks export too', async () => {
      const institute = await createInstitute(t.dataSource, { country: 'CH' });
      await insertMembers({ 'Talk Giver': '=EXT(1)' }, institute);
      const [member] = await t.dataSource.query(`SELECT id FROM member WHERE external_id = '=EXT(1)'`);
      await t.dataSource.query(
        `INSERT INTO talk (member_id, conference_id, talk_type, date, career_stage, institute_id)
         VALUES ($1, $2, 'plenary', '2020-01-01', 'student', $3)`,
        [member.id, conferenceId, institute.id],
      );
      const res = await t.http.get(`${api}/talks/export?memberId=${member.id}`).set(bearer(t.admin));
      expect(res.status).toBe(200);
      const [row] = parse(res.text, { columns: true }) as Record<string, string>[];
      expect(row).toMatchObject({ memberExternalId: "'=EXT(1)", memberName: 'Talk Giver' });
    });
  });
});
