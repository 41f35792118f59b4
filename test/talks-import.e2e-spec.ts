import { bearer, createTestApp, TestApp } from './support/test-app';
import { insertMember, promote } from './support/talks-fixtures';

describe('talk import: all or nothing, set-based', () => {
  let t: TestApp;
  let committee: string;
  beforeAll(async () => {
    t = await createTestApp();
    committee = await t.token('committee');
    await t.http
      .post('/api/v1/conferences')
      .set(bearer(committee))
      .send({ name: 'CHEP', startDate: '2019-11-04', endDate: '2019-11-08', tier: 'standard' });
    for (let i = 1; i <= 20; i++) {
      await insertMember(t.dataSource, { externalId: `IMP-${i}`, name: `Importee ${i}`, since: '2012-01-01' });
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  const importCsv = (csv: string, token = committee) =>
    t.http.post('/api/v1/talks/import').set(bearer(token)).set('Content-Type', 'text/csv').send(csv);
  const importJson = (rows: unknown, token = committee) =>
    t.http
      .post('/api/v1/talks/import')
      .set(bearer(token))
      .send(rows as object);
  const counts = async () =>
    (await t.dataSource.query(`SELECT (SELECT count(*) FROM talk) AS talks, (SELECT count(*) FROM conference) AS conferences`))[0];

  it('imports CSV, matching conferences by name in any case and year, creating the missing ones that have a tier', async () => {
    const res = await importCsv(
      [
        'externalId,conference,year,talkType,date,title,tier,country',
        'IMP-1,chep,2019,parallel,2019-11-05,"Tracking, fast",,',
        'IMP-2,CHEP,2019,poster,,,,',
        'IMP-3,Rare Decays Workshop,2018,seminar,2018-05-14,,minor,de',
        'IMP-4,rare decays workshop,2018,plenary,2018-05-16,,,',
      ].join('\n'),
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ created: 4, conferencesCreated: 1 });

    const talks = await t.dataSource.query(
      `SELECT m.external_id, c.name, t.date, t.talk_type, t.title FROM talk t
       JOIN member m ON m.id = t.member_id JOIN conference c ON c.id = t.conference_id
       WHERE m.external_id IN ('IMP-1','IMP-2','IMP-3','IMP-4') ORDER BY m.external_id`,
    );
    expect(talks).toEqual([
      { external_id: 'IMP-1', name: 'CHEP', date: '2019-11-05', talk_type: 'parallel', title: 'Tracking, fast' },
      { external_id: 'IMP-2', name: 'CHEP', date: '2019-11-04', talk_type: 'poster', title: null },
      { external_id: 'IMP-3', name: 'Rare Decays Workshop', date: '2018-05-14', talk_type: 'seminar', title: null },
      { external_id: 'IMP-4', name: 'Rare Decays Workshop', date: '2018-05-16', talk_type: 'plenary', title: null },
    ]);
    const [created] = await t.dataSource.query(
      `SELECT start_date, end_date, country, tier FROM conference WHERE name = 'Rare Decays Workshop'`,
    );
    expect(created).toEqual({ start_date: '2018-05-14', end_date: '2018-05-16', country: 'DE', tier: 'minor' });
    const events = await t.dataSource.query(`SELECT after FROM audit_event WHERE action = 'talk.import'`);
    expect(events).toEqual([{ after: { created: 4, conferencesCreated: 1 } }]);
  });

  it('writes nothing when one row among many is bad, and names that row', async () => {
    const before = await counts();
    const rows = Array.from({ length: 600 }, (_, i) => ({
      externalId: `IMP-${(i % 20) + 1}`,
      conference: 'Atomic Workshop',
      year: 2017,
      talkType: 'parallel',
      tier: 'minor',
    }));
    rows[417] = { ...rows[417], externalId: 'NOBODY' };
    const res = await importJson(rows);
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toEqual([{ row: 418, field: 'externalId', message: 'no member has externalId NOBODY' }]);
    expect(res.body.errorCount).toBe(1);
    expect(await counts()).toEqual(before);
    const events = await t.dataSource.query(`SELECT count(*) FROM audit_event WHERE action = 'talk.import'`);
    expect(events[0].count).toBe(1);
  });

  it('names every bad row at once: shapes, unknown members, unknown conferences without a tier', async () => {
    const before = await counts();
    const res = await importCsv(
      [
        'externalId,conference,year,talkType,date',
        'IMP-1,CHEP,2019,keynote,2019-11-05',
        'IMP-1,CHEP,2019,poster,2019-11-31',
        'GHOST,CHEP,2019,poster,',
        'IMP-2,Unheard Of,2019,poster,',
        'GHOST,Unheard Of,2019,poster,',
        'IMP-3,CHEP,2019,poster,',
      ].join('\n'),
    );
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { row: number; field: string }) => [e.row, e.field])).toEqual([
      [1, 'talkType'],
      [2, 'date'],
      [3, 'externalId'],
      [4, 'conference'],
      [5, 'externalId'],
      [5, 'conference'],
    ]);
    expect(res.body.errors[3].message).toBe('no conference Unheard Of in 2019; give its tier to create it');
    expect(await counts()).toEqual(before);
  });

  it('lists the first thousand problems and says how many more there are', async () => {
    const rows = Array.from({ length: 1500 }, () => ({ externalId: 'GHOST', conference: 'CHEP', year: 2019, talkType: 'poster' }));
    const res = await importJson(rows);
    expect(res.status).toBe(422);
    expect(res.body.errors).toHaveLength(1000);
    expect(res.body.errors[999].row).toBe(1000);
    expect(res.body.errorCount).toBe(1500);
    expect(res.body.detail).toMatch(/500 more/);
  });

  it('refuses unreadable files as a whole with 400', async () => {
    expect((await importCsv('externalId,conference,year,talkType,shoeSize\nIMP-1,CHEP,2019,poster,44\n')).status).toBe(400);
    expect((await importCsv('externalId,conference,talkType\nIMP-1,CHEP,poster\n')).body.detail).toMatch(/Missing column/);
    expect((await importJson({ externalId: 'IMP-1' })).status).toBe(400);
    expect((await importCsv('IMP-1,CHEP,2019,poster\n', await t.token('monitor'))).status).toBe(403);
  });

  it('snapshots each talk with the stage and institute in force on its date, exactly as the history functions do', async () => {
    const member = await insertMember(t.dataSource, { externalId: 'HIST-1', careerStage: 'student', since: '2014-09-01' });
    await promote(t.dataSource, member.id, 'postdoc', '2018-10-01');
    await promote(t.dataSource, member.id, 'tenured', '2022-01-01');
    const dates = ['2013-06-01', '2014-09-01', '2018-09-30', '2018-10-01', '2021-12-31', '2022-01-01', '2025-06-01'];
    const res = await importJson(
      dates.map((date) => ({
        externalId: 'HIST-1',
        conference: `History ${date.slice(0, 4)}`,
        year: Number(date.slice(0, 4)),
        talkType: 'seminar',
        date,
        tier: 'minor',
      })),
    );
    expect(res.status).toBe(200);
    const talks = await t.dataSource.query(
      `SELECT date, career_stage, member_career_stage_at(member_id, date) AS expected_stage,
              institute_id = member_institute_at(member_id, date) AS institute_matches
       FROM talk WHERE member_id = $1 ORDER BY date`,
      [member.id],
    );
    expect(talks.map((x: { career_stage: string }) => x.career_stage)).toEqual([
      'student',
      'student',
      'student',
      'postdoc',
      'postdoc',
      'tenured',
      'tenured',
    ]);
    for (const talk of talks) {
      expect(talk.career_stage).toBe(talk.expected_stage);
      expect(talk.institute_matches).toBe(true);
    }
    // A later promotion does not rewrite the imported history.
    await promote(t.dataSource, member.id, 'other', '2015-01-01');
    const after = await t.dataSource.query(`SELECT career_stage FROM talk WHERE member_id = $1 ORDER BY date`, [member.id]);
    expect(after.map((x: { career_stage: string }) => x.career_stage)).toEqual([
      'student',
      'student',
      'student',
      'postdoc',
      'postdoc',
      'tenured',
      'tenured',
    ]);
  });
});
