// The proportionality review on a generated leadership with a known answer, the other leadership
// reports, and what a monitor can learn about one person's gender from them: nothing.
import { previousQuarterEnd } from '../../src/privacy/reporting-period';
import { createInstitute } from '../support/fixtures';
import { bearer, createTestApp, TestApp } from '../support/test-app';

interface Cell {
  value: string;
  count: number | null;
  share: number | null;
  pValueAdjusted?: number | null;
  significant?: boolean | null;
}
interface Group {
  key: string;
  total: number | null;
  baseline?: string;
  cells: Cell[];
}

const ON = '2020-06-30';
/** Holders per level (men, women); everyone else of the 600 members is in no position. */
const LEVELS = { L1: [55, 5], L2: [60, 40], L3: [90, 60] } as const;
const MEMBERS = { man: 360, woman: 240 };

describe('the leadership reports', () => {
  let t: TestApp;
  let monitor: string;
  let committee: string;
  let institute: string;
  const cell = (g: Group, value: string) => g.cells.find((c) => c.value === value)!;

  /** Members straight into the database with their history rows, as the fixtures write them. */
  async function members(n: number, gender: string, joinedOn = '2000-01-01'): Promise<string[]> {
    const rows = await t.dataSource.query(
      `WITH m AS (INSERT INTO member (name, gender, institute_id, career_stage, joined_on)
                  SELECT 'Gen ' || $2 || ' ' || i || ' ' || md5(random()::text), $2, $1, 'tenured', $4::date FROM generate_series(1, $3) i
                  RETURNING id, joined_on),
            s AS (INSERT INTO member_career_stage (member_id, valid_from, career_stage) SELECT id, joined_on, 'tenured' FROM m),
            a AS (INSERT INTO member_affiliation (member_id, valid_from, institute_id) SELECT id, joined_on, $1 FROM m)
       SELECT id FROM m`,
      [institute, gender, n, joinedOn],
    );
    return rows.map((r: { id: string }) => r.id);
  }

  beforeAll(async () => {
    t = await createTestApp();
    monitor = await t.token('monitor');
    committee = await t.token('committee');
    institute = (await createInstitute(t.dataSource, { country: 'IT' })).id;
    const rows: object[] = [];
    let men = 0;
    let women = 0;
    for (const [level, [m, w]] of Object.entries(LEVELS)) {
      const ids = [...(await members(m, 'man')), ...(await members(w, 'woman'))];
      men += m;
      women += w;
      for (const [part, chunk] of [ids.slice(0, 75), ids.slice(75)].entries()) {
        if (!chunk.length) continue;
        const title = `${level} board ${part}`;
        const res = await t.http
          .post('/api/v1/leadership/positions')
          .set(bearer(committee))
          .send({ title, level, area: 'physics', kind: 'convener', termYears: 10, maxTerms: 10, seats: 100 });
        expect(res.status).toBe(201);
        rows.push(...chunk.map((memberId) => ({ position: title, memberId, startsOn: '2019-01-01' })));
      }
    }
    await members(MEMBERS.man - men, 'man');
    await members(MEMBERS.woman - women, 'woman');
    const imported = await t.http.post('/api/v1/leadership/appointments/import').set(bearer(committee)).send(rows);
    expect(imported.body).toEqual({ created: 310, overridden: 0 });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('finds the top level short of women against the level below and the membership, and nothing else', async () => {
    const res = await t.http.get(`/api/v1/reports/leadership?dimension=gender&on=${ON}&fromYear=2018`).set(bearer(t.admin));
    expect(res.status).toBe(200);
    const report = res.body;
    expect(report).toMatchObject({ levels: ['L1', 'L2', 'L3'], on: ON, disclosure: { perturbed: false } });
    const below: Group[] = report.againstLevelBelow;
    expect(below.map((g) => [g.key, g.baseline, g.total])).toEqual([
      ['L1', 'L2', 60],
      ['L2', 'L3', 100],
      ['L3', 'members', 150],
    ]);
    expect(cell(below[0], 'woman')).toMatchObject({ count: 5, share: 5 / 60, significant: true });
    expect(cell(below[0], 'woman').pValueAdjusted).toBeLessThan(0.001);
    const significant = [...below, ...(report.againstMembership as Group[])].flatMap((g) =>
      g.cells.filter((c) => c.significant).map((c) => `${g.key} ${c.value}`),
    );
    expect(significant.sort()).toEqual(['L1 man', 'L1 man', 'L1 woman', 'L1 woman']);
    expect(report.membership).toMatchObject({ total: 600 });
    expect(report.readings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^woman: 8\.3 % of L1 holders against 40\.0 % of L2 holders, fewer than the baseline predicts/),
        expect.stringMatching(/^No share of L2 holders differs from L3 holders beyond what chance explains/),
      ]),
    );
    const l1 = report.trend.levels.find((l: { level: string }) => l.level === 'L1');
    expect(l1.years.map((y: Group) => [y.key, y.total])).toEqual([
      ['2018', 0],
      ['2019', 60],
      ['2020', 60],
    ]);
  });

  it('counts holders by level on any day, exactly where gender is not involved, and exports CSV', async () => {
    const res = await t.http.get(`/api/v1/reports/leadership/holders?dimension=region&on=${ON}`).set(bearer(monitor));
    expect(res.status).toBe(200);
    expect(res.body.groups.map((g: Group) => [g.key, g.total, g.cells[0].value])).toEqual([
      ['L1', 60, 'ITALY'],
      ['L2', 100, 'ITALY'],
      ['L3', 150, 'ITALY'],
    ]);
    const before = await t.http.get('/api/v1/reports/leadership/holders?dimension=careerStage&on=2018-12-31').set(bearer(monitor));
    expect(before.body.groups.every((g: Group) => g.total === 0)).toBe(true);
    const csv = await t.http.get(`/api/v1/reports/leadership?dimension=gender&on=${ON}`).set(bearer(t.admin)).set('Accept', 'text/csv');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toMatch(/^comparison,dimension,on,group,groupName,total,value/);
    expect(lines.filter((l) => l.startsWith('level below')).length).toBe(12);
    expect(lines.filter((l) => l.startsWith('membership')).length).toBe(12);
  });

  it('publishes gender counts to a monitor on the last ended quarter end, with noise, the same each time', async () => {
    const ask = () => t.http.get(`/api/v1/reports/leadership/holders?dimension=gender&on=${ON}`).set(bearer(monitor));
    const [a, b] = [await ask(), await ask()];
    expect(a.body).toEqual(b.body);
    expect(a.body).toMatchObject({ on: ON, disclosure: { perturbed: true, period: { membersOn: ON } } });
    const review = await t.http.get(`/api/v1/reports/leadership?dimension=gender&on=2020-08-14`).set(bearer(committee));
    expect(review.body).toMatchObject({ on: ON, disclosure: { perturbed: true } });
    // The same cells as the holders report: asking the other way is no fresh look.
    const l3Women = cell(a.body.groups[2], 'woman').count;
    expect(cell(review.body.againstMembership[2], 'woman').count).toBe(l3Women);
  });

  it("learns nothing of a newcomer's gender by differencing days or by today's appointment", async () => {
    // One woman appointed to L1 on a day inside a quarter: the days around it give the same answers.
    const [newcomer] = await members(1, 'woman', '2010-01-01');
    const appointed = await t.http
      .post('/api/v1/leadership/appointments')
      .set(bearer(committee))
      .send({
        positionId: (await t.dataSource.query(`SELECT id FROM leadership_position WHERE title = 'L1 board 0'`))[0].id,
        memberId: newcomer,
        startsOn: '2021-05-12',
      });
    expect(appointed.status).toBe(201);
    for (const path of [
      '/api/v1/reports/leadership/holders?dimension=gender',
      '/api/v1/reports/leadership?dimension=gender&fromYear=2019',
    ]) {
      for (const token of [monitor, committee]) {
        const dayBefore = await t.http.get(`${path}&on=2021-05-11`).set(bearer(token));
        const dayOf = await t.http.get(`${path}&on=2021-05-12`).set(bearer(token));
        expect(dayOf.status).toBe(200);
        expect(dayOf.body).toEqual(dayBefore.body);
      }
    }
    // Today: a monitor's answer for today is the same before and after an appointment starting today.
    const today = new Date().toISOString().slice(0, 10);
    const ask = () => t.http.get('/api/v1/reports/leadership/holders?dimension=gender').set(bearer(monitor));
    const before = await ask();
    const [another] = await members(1, 'woman', '2010-01-01');
    expect(
      (
        await t.http
          .post('/api/v1/leadership/appointments')
          .set(bearer(committee))
          .send({ positionId: appointed.body.positionId, memberId: another, startsOn: today })
      ).status,
    ).toBe(201);
    const after = await ask();
    expect(after.body).toEqual(before.body);
    expect(after.body.on).toBe(previousQuarterEnd(today));
    // Admins get exact, day-precise counts: the appointment is there on its first day.
    const exact = async (on: string) =>
      ((await t.http.get(`/api/v1/reports/leadership/holders?dimension=gender&on=${on}`).set(bearer(t.admin))).body.groups[0] as Group)
        .total;
    expect(await exact('2021-05-12')).toBe((await exact('2021-05-11'))! + 1);
  });

  it('follows deputies into convener posts, lists who must rotate, and names nobody with a gender', async () => {
    const position = async (title: string, kind: string, termYears = 2) =>
      (
        await t.http
          .post('/api/v1/leadership/positions')
          .set(bearer(committee))
          .send({ title, level: 'L3', area: 'computing', kind, termYears, maxTerms: 2, seats: 3 })
      ).body.id;
    const deputy = await position('Computing deputy', 'deputy');
    const convener = await position('Computing convener', 'convener');
    const [d1, d2, d3] = await members(3, 'man', '2000-01-01');
    const appoint = (positionId: string, memberId: string, startsOn: string, endsOn?: string) =>
      t.http.post('/api/v1/leadership/appointments').set(bearer(committee)).send({ positionId, memberId, startsOn, endsOn });
    await appoint(deputy, d1, '2010-01-01', '2012-01-01');
    await appoint(deputy, d2, '2010-01-01', '2012-01-01');
    await appoint(deputy, d3, '2012-01-01', '2014-01-01');
    await appoint(convener, d1, '2013-01-01', '2015-01-01');
    await appoint(convener, d1, '2015-01-01', '2017-01-01');
    await appoint(convener, d3, '2024-01-01');
    const pipeline = await t.http.get('/api/v1/reports/leadership/pipeline').set(bearer(monitor));
    expect(pipeline.status).toBe(200);
    expect(pipeline.body.areas).toEqual([
      expect.objectContaining({ area: 'computing', deputies: 3, becameConveners: 2, medianYears: 7.5 }),
    ]);
    expect(pipeline.body.readings[0]).toMatch(/^computing: 2 of 3 deputies later became conveners \(or led otherwise\)/);
    const limits = await t.http
      .get('/api/v1/reports/leadership/term-limits?on=2016-06-01&area=computing&withinDays=365')
      .set(bearer(monitor));
    expect(limits.body.items).toEqual([
      expect.objectContaining({
        memberId: d1,
        positionTitle: 'Computing convener',
        termEndsOn: '2017-01-01',
        consecutiveTerm: 2,
        mayServeAgain: false,
        status: 'due',
      }),
    ]);
    const overdue = await t.http.get('/api/v1/reports/leadership/term-limits?on=2026-02-01&area=computing').set(bearer(monitor));
    expect(overdue.body.items).toEqual([
      expect.objectContaining({ memberId: d3, status: 'overdue', consecutiveTerm: 1, mayServeAgain: true }),
    ]);
    const csv = await t.http
      .get('/api/v1/reports/leadership/term-limits?on=2026-02-01&area=computing')
      .set(bearer(monitor))
      .set('Accept', 'text/csv');
    expect(csv.text.split('\r\n')[1]).toMatch(/^Computing convener,L3,computing,convener,/);
    for (const body of [pipeline.body, limits.body, overdue.body]) expect(JSON.stringify(body)).not.toMatch(/gender|woman/);
    expect((await t.http.get('/api/v1/reports/leadership/pipeline').set(bearer(await t.token('nominator')))).status).toBe(403);
  });
});
