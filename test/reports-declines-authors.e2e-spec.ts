// Declines with the kind of reason, reported by region and career stage with small cells hidden;
// authors as a population beside the members; trends under the conference's year.
import { allocate, conference, institute, invite, members, nominate, slot, talks } from './support/report-fixtures';
import { createInstitute, createMember } from './support/fixtures';
import { bearer, createTestApp, TestApp } from './support/test-app';
import { suppressLines } from '../src/reports/declines-report';

const api = '/api/v1';

describe('the declines report', () => {
  let t: TestApp;
  let monitor: string;
  let committee: string;
  let usa: string[];
  beforeAll(async () => {
    t = await createTestApp();
    monitor = await t.token('monitor');
    committee = await t.token('committee');
    const db = t.dataSource;
    const fnal = await institute(db, 'Fermilab', 'US');
    const desy = await institute(db, 'DESY', 'DE');
    const tifr = await institute(db, 'TIFR', 'IN');
    usa = await members(db, 40, { instituteId: fnal, gender: 'man', careerStage: 'postdoc' });
    const germany = await members(db, 40, { instituteId: desy, gender: 'woman', careerStage: 'tenured' });
    const india = await members(db, 30, { instituteId: tifr, gender: 'man', careerStage: 'student' });
    const slotId = await slot(db, await conference(db, { startDate: '2026-09-01', tier: 'major' }));
    const at = { allocatedAt: '2026-04-01T10:00:00Z' };
    // USA: 30 accepted, 2 declined (schedule). Germany: 30 accepted, 3 declined (family), 1 lapsed.
    // India: 8 accepted, 12 declined, 10 of them for funding and 2 for travel: the outlier.
    await invite(db, usa.slice(0, 30), slotId, 'accepted', at);
    const usDeclined = await invite(db, usa.slice(30, 32), slotId, 'declined', at);
    await invite(db, germany.slice(0, 30), slotId, 'accepted', at);
    const deDeclined = await invite(db, germany.slice(30, 33), slotId, 'declined', at);
    await invite(db, germany.slice(33, 34), slotId, 'expired', at);
    await invite(db, india.slice(0, 8), slotId, 'accepted', at);
    const inFunding = await invite(db, india.slice(8, 18), slotId, 'declined', at);
    const inTravel = await invite(db, india.slice(18, 20), slotId, 'declined', at);
    const category = (ids: string[], c: string) =>
      db.query(`UPDATE allocation SET decline_category = $2 WHERE id = ANY ($1::uuid[])`, [ids, c]);
    await category(usDeclined, 'schedule');
    await category(deDeclined, 'family');
    await category(inFunding, 'funding');
    await category(inTravel, 'travel');
    // Withdrawn invitations are the committee's doing, not the speaker's: not counted.
    await allocate(db, await nominate(db, usa.slice(32, 35), slotId), 'withdrawn', at.allocatedAt);
  });
  afterAll(async () => {
    await t?.close();
  });

  const declines = (query: Record<string, string>, token: string) =>
    t.http
      .get(`${api}/reports/declines`)
      .query({ from: '2026-01-01', to: '2026-12-31', ...query })
      .set(bearer(token));

  it("counts declines per region and kind of reason exactly for admins, and finds the outlier after Holm's correction", async () => {
    const res = await declines({ dimension: 'region' }, t.admin);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ dimension: 'region', suppressed: false, correction: expect.stringContaining('Holm') });
    expect(res.body.totals).toEqual({
      invitations: 86,
      declined: 17,
      byCategory: { funding: 10, travel: 2, schedule: 2, family: 3, other: 0, unstated: 0 },
    });
    const india = res.body.values.find((v: { value: string }) => v.value === 'OTHER_STATES_A');
    expect(india).toMatchObject({ invitations: 20, declined: 12, byCategory: { funding: 10, travel: 2, schedule: 0 } });
    expect(india.declineRate.share).toBeCloseTo(0.6, 12);
    // 12/20 against 5/66: pooled p = 17/86, z = (0.6 - 5/66) / sqrt(p(1-p)(1/20 + 1/66)), computed by hand.
    const pooled = 17 / 86;
    const z = (12 / 20 - 5 / 66) / Math.sqrt(pooled * (1 - pooled) * (1 / 20 + 1 / 66));
    expect(india.test.z).toBeCloseTo(z, 10);
    expect(india.test.pValueAdjusted).toBeLessThan(0.05);
    expect(res.body.readings.join(' ')).toMatch(
      /Invitations to Other States A were declined more often than the others: 60\.0 %.*Holm.*funding/,
    );
  });

  it('hides small counts from monitors, and the cells that would give them away', async () => {
    const res = await declines({ dimension: 'region' }, monitor);
    expect(res.status).toBe(200);
    expect(res.body.suppressed).toBe(true);
    const byValue = Object.fromEntries(res.body.values.map((v: { value: string }) => [v.value, v]));
    // USA's 2 schedule declines and Germany's 3 family declines are below 5: hidden, with their totals.
    expect(byValue.USA.byCategory.schedule).toBeNull();
    expect(byValue.GERMANY.byCategory.family).toBeNull();
    expect(byValue.USA.declined).toBeNull();
    // Nothing hidden can be recomputed from what is shown: every published sum has zero or several unknowns.
    for (const v of res.body.values) {
      const cells = Object.values(v.byCategory) as Array<number | null>;
      const unknown = [...cells, v.declined].filter((c) => c === null).length;
      expect(unknown === 0 || unknown >= 2).toBe(true);
    }
    for (const column of Object.keys(res.body.totals.byCategory)) {
      const total = res.body.totals.byCategory[column];
      const unknown = [...res.body.values.map((v: { byCategory: Record<string, number | null> }) => v.byCategory[column]), total].filter(
        (c) => c === null,
      ).length;
      expect(unknown === 0 || unknown >= 2).toBe(true);
    }
    const declinedColumn = [...res.body.values.map((v: { declined: number | null }) => v.declined), res.body.totals.declined];
    expect([0, 2, 3, 4]).toContain(declinedColumn.filter((c) => c === null).length);
    // The free-text reason never reaches a report.
    expect(JSON.stringify(res.body)).not.toMatch(/reason"?:/);
  });

  it('reports by career stage too, as CSV, and refuses what it cannot answer', async () => {
    const csv = await declines({ dimension: 'careerStage' }, committee).set('Accept', 'text/csv');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.text.split('\r\n')[0]).toBe(
      'careerStage,name,invitations,declined,declineRate,ci95Low,ci95High,funding,travel,schedule,family,other,unstated,z,pValue,pValueAdjusted',
    );
    expect(csv.text).toMatch(/\r\nstudent,,20,12,0\.6,/);
    expect((await declines({ dimension: 'gender' }, monitor)).status).toBe(400);
    expect((await declines({ dimension: 'region', from: '2027-01-01' }, monitor)).status).toBe(400);
    expect(
      (
        await t.http
          .get(`${api}/reports/declines`)
          .query({ dimension: 'region' })
          .set(bearer(await t.token('nominator')))
      ).status,
    ).toBe(403);
  });

  it('suppresses a second cell wherever one hidden cell could be recovered by subtraction', () => {
    const cell = (count: number) => ({ count, hidden: false });
    const row = [cell(9), cell(3), cell(8)];
    const total = cell(20);
    suppressLines([[...row, total]], 5);
    expect(row.map((c) => c.hidden)).toEqual([false, true, true]);
    expect(total.hidden).toBe(false);
  });
});

describe('a decline with a kind of reason', () => {
  let t: TestApp;
  let committee: string;
  beforeAll(async () => {
    t = await createTestApp();
    committee = await t.token('committee');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('records the category, audits it, and refuses one for anything but a decline', async () => {
    const db = t.dataSource;
    const inst = await createInstitute(db, { country: 'BR' });
    const [a, b] = await Promise.all(
      [1, 2].map((i) => createMember(db, { instituteId: inst.id, careerStage: 'postdoc', name: `Speaker ${i}` })),
    );
    const slotId = await slot(db, await conference(db, { startDate: '2027-03-01' }));
    const [first, second] = await Promise.all([a, b].map((m) => nominate(db, [m.id], slotId)));
    const [one] = await allocate(db, first, 'invited');
    const [two] = await allocate(db, second, 'invited');
    const patch = (id: string, body: object) => t.http.patch(`${api}/allocations/${id}`).set(bearer(committee)).send(body);
    expect((await patch(one, { status: 'declined', category: 'visa' })).status).toBe(400);
    expect((await patch(one, { status: 'accepted', category: 'funding' })).status).toBe(422);
    const [still] = await db.query(`SELECT status, decline_category FROM allocation WHERE id = $1`, [one]);
    expect(still).toEqual({ status: 'invited', decline_category: null });
    const declined = await patch(one, { status: 'declined', category: 'funding', reason: 'No travel money left this year' });
    expect(declined.status).toBe(200);
    const [row] = await db.query(`SELECT decline_category FROM allocation WHERE id = $1`, [one]);
    expect(row.decline_category).toBe('funding');
    const [audit] = await db.query(`SELECT after FROM audit_event WHERE action = 'allocation.decline' AND entity_id = $1`, [one]);
    expect(audit.after).toMatchObject({ status: 'declined', category: 'funding' });
    expect(JSON.stringify(audit.after)).not.toContain('travel money');
    expect((await patch(two, { status: 'declined' })).status).toBe(200);
  });
});

describe('authors as a population', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('counts the authors on a day and per year, kept by PATCH /members with its rules', async () => {
    const db = t.dataSource;
    const cern = await institute(db, 'CERN', 'CH', 'CERN');
    const ids = await members(db, 12, { instituteId: cern, gender: 'woman', careerStage: 'postdoc', joinedOn: '2019-01-01' });
    await members(db, 8, { instituteId: cern, gender: 'man', careerStage: 'tenured', joinedOn: '2019-01-01' });
    const patch = (id: string, body: object) => t.http.patch(`${api}/members/${id}`).set(bearer(t.admin)).send(body);
    for (const id of ids.slice(0, 6)) expect((await patch(id, { authorSince: '2020-01-01' })).status).toBe(200);
    const ended = await patch(ids[6], { authorSince: '2020-01-01', authorUntil: '2021-06-30' });
    expect(ended.status).toBe(200);
    expect(ended.body).toMatchObject({ authorSince: '2020-01-01', authorUntil: '2021-06-30' });
    expect((await patch(ids[7], { authorUntil: '2021-06-30' })).status).toBe(422);
    expect((await patch(ids[7], { authorSince: '2022-01-01', authorUntil: '2021-06-30' })).status).toBe(422);
    expect((await patch(ids[7], { authorSince: '2018-01-01' })).status).toBe(422);
    expect((await patch(ids[7], { authorSince: 'soon' })).status).toBe(400);
    const [{ count }] = await db.query(`SELECT count(*)::int AS count FROM member WHERE author_since IS NOT NULL`);
    expect(count).toBe(7);

    const balance = await t.http
      .get(`${api}/reports/balance`)
      .query({ population: 'authors', dimension: 'careerStage', to: '2021-03-31' })
      .set(bearer(t.admin));
    expect(balance.status).toBe(200);
    const cells = balance.body.groups[0].cells.filter((c: { count: number }) => c.count > 0);
    expect(cells).toEqual([expect.objectContaining({ value: 'postdoc', count: 7 })]);
    const trend = await t.http
      .get(`${api}/reports/trends`)
      .query({ population: 'authors', dimension: 'careerStage', from: '2019-01-01', to: '2022-12-31' })
      .set(bearer(t.admin));
    expect(trend.status).toBe(200);
    const perYear = Object.fromEntries(trend.body.years.map((y: { key: string; total: number }) => [y.key, y.total]));
    expect(perYear).toEqual({ 2019: 0, 2020: 7, 2021: 6, 2022: 6 });
    expect(trend.body.yearOf).toMatch(/authors on 31 December/);
    const compared = await t.http
      .get(`${api}/reports/balance`)
      .query({ population: 'authors', compareTo: 'members', dimension: 'careerStage', to: '2022-12-31' })
      .set(bearer(t.admin));
    expect(compared.status).toBe(200);
    expect(
      (await t.http.get(`${api}/reports/balance`).query({ population: 'authors', dimension: 'region', tier: 'major' }).set(bearer(t.admin)))
        .status,
    ).toBe(400);
  });
});

describe('trends of nominations and invitations', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('put an invitation made in 2026 for a 2027 conference under 2027, and say so', async () => {
    const db = t.dataSource;
    const inst = await institute(db, 'INFN Pisa', 'IT');
    const people = await members(db, 6, { instituteId: inst, gender: 'man', careerStage: 'postdoc' });
    const ichep = await slot(db, await conference(db, { startDate: '2027-07-15', tier: 'major', name: 'ICHEP 2027' }));
    await invite(db, people, ichep, 'accepted', { nominatedAt: '2026-10-01T10:00:00Z', allocatedAt: '2026-11-01T10:00:00Z' });
    const trend = await t.http
      .get(`${api}/reports/trends`)
      .query({ population: 'allocations', dimension: 'region', from: '2026-01-01', to: '2027-12-31' })
      .set(bearer(t.admin));
    expect(trend.status).toBe(200);
    const perYear = Object.fromEntries(trend.body.years.map((y: { key: string; total: number }) => [y.key, y.total]));
    expect(perYear).toEqual({ 2026: 0, 2027: 6 });
    expect(trend.body.yearOf).toMatch(/year of the conference/);
  });
});

describe("trends against each year's own membership", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it("sets 2020's talks against the membership at the end of 2020 and 2024's against 2024's, and balance says what it compares", async () => {
    const db = t.dataSource;
    const desy = await institute(db, 'DESY Zeuthen', 'DE');
    const fnal = await institute(db, 'Fermilab Batavia', 'US');
    // Germany is half the collaboration in 2020 and a fifth in 2024 (the US grew); Germany gives half the talks both years.
    const de = await members(db, 20, { instituteId: desy, gender: 'man', careerStage: 'tenured', joinedOn: '2019-01-01' });
    const us = await members(db, 20, { instituteId: fnal, gender: 'man', careerStage: 'tenured', joinedOn: '2019-01-01' });
    await members(db, 60, { instituteId: fnal, gender: 'man', careerStage: 'tenured', joinedOn: '2023-01-01' });
    const c2020 = await conference(db, { startDate: '2020-06-01' });
    const c2024 = await conference(db, { startDate: '2024-06-01' });
    await talks(db, de.slice(0, 10), c2020, { date: '2020-06-02' });
    await talks(db, us.slice(0, 10), c2020, { date: '2020-06-02' });
    await talks(db, de.slice(10, 20), c2024, { date: '2024-06-02' });
    await talks(db, us.slice(10, 20), c2024, { date: '2024-06-02' });
    const trend = await t.http
      .get(`${api}/reports/trends`)
      .query({ population: 'talks', compareTo: 'members', dimension: 'region', from: '2020-01-01', to: '2024-12-31' })
      .set(bearer(t.admin));
    expect(trend.status).toBe(200);
    const germanyIn = (year: string) =>
      trend.body.years.find((y: { key: string }) => y.key === year).cells.find((c: { value: string }) => c.value === 'GERMANY');
    expect(germanyIn('2020')).toMatchObject({ share: 0.5, baselineShare: 0.5 });
    expect(germanyIn('2024')).toMatchObject({ share: 0.5, baselineShare: 0.2 });
    expect(trend.body.comparison.compared).toMatch(/members on 31 December of that year/);
    expect(trend.body.readings.join(' ')).toMatch(/Germany/);

    const balance = await t.http
      .get(`${api}/reports/balance`)
      .query({ population: 'talks', compareTo: 'members', dimension: 'region', from: '2020-01-01', to: '2024-12-31' })
      .set(bearer(t.admin));
    expect(balance.body.comparison.compared).toBe(
      'talks from 2020-01-01 up to 2024-12-31 against the members on 2024-12-31 ' +
        "(one day's membership for the whole period; GET /reports/trends with compareTo sets each year against that year's)",
    );
    expect(
      (
        await t.http
          .get(`${api}/reports/trends`)
          .query({ population: 'talks', compareTo: 'talks', dimension: 'region' })
          .set(bearer(t.admin))
      ).status,
    ).toBe(400);
  });
});

describe("the collaboration's own yearly statistics", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('counts the membership by gender per region per year, and women by career stage for members and for authors', async () => {
    const db = t.dataSource;
    const desy = await institute(db, 'DESY Hamburg', 'DE');
    const cern = await institute(db, 'CERN Meyrin', 'CH', 'CERN');
    await members(db, 8, { instituteId: desy, gender: 'woman', careerStage: 'postdoc', joinedOn: '2015-03-01' });
    await members(db, 20, { instituteId: desy, gender: 'man', careerStage: 'postdoc', joinedOn: '2015-03-01' });
    await members(db, 6, { instituteId: desy, gender: 'woman', careerStage: 'student', joinedOn: '2017-09-01' });
    const atCern = await members(db, 30, { instituteId: cern, gender: 'woman', careerStage: 'tenured', joinedOn: '2015-01-01' });
    const yearly = await t.http
      .get(`${api}/reports/trends`)
      .query({ population: 'members', dimension: 'gender', region: 'GERMANY', from: '2015-01-01', to: '2019-12-31' })
      .set(bearer(t.admin));
    expect(yearly.status).toBe(200);
    expect(yearly.body.filters.region).toBe('GERMANY');
    const women = yearly.body.years.map((y: { key: string; cells: Array<{ value: string; count: number }> }) => [
      y.key,
      y.cells.find((c) => c.value === 'woman')!.count,
      y.cells.find((c) => c.value === 'man')!.count,
    ]);
    expect(women).toEqual([
      ['2015', 8, 20],
      ['2016', 8, 20],
      ['2017', 14, 20],
      ['2018', 14, 20],
      ['2019', 14, 20],
    ]);
    // Monitors get the same table with noise, per region a cell of its own; nobody outside the region is in it.
    const noisy = await t.http
      .get(`${api}/reports/trends`)
      .query({ population: 'members', dimension: 'gender', region: 'GERMANY', from: '2015-01-01', to: '2019-12-31' })
      .set(bearer(await t.token('monitor')));
    expect(noisy.status).toBe(200);
    expect(noisy.body.disclosure.perturbed).toBe(true);
    for (const year of noisy.body.years) expect(year.total).toBeLessThan(34 + 20);

    for (const id of atCern.slice(0, 10)) {
      expect((await t.http.patch(`${api}/members/${id}`).set(bearer(t.admin)).send({ authorSince: '2016-01-01' })).status).toBe(200);
    }
    const byStage = (population: string) =>
      t.http
        .get(`${api}/reports/balance`)
        .query({ population, dimension: 'gender', within: 'careerStage', to: '2019-12-31' })
        .set(bearer(t.admin));
    const tenuredWomen = (body: { groups: Array<{ key: string; cells: Array<{ value: string; count: number }> }> }) =>
      body.groups.find((g) => g.key === 'tenured')!.cells.find((c) => c.value === 'woman')!.count;
    expect(tenuredWomen((await byStage('members')).body)).toBe(30);
    expect(tenuredWomen((await byStage('authors')).body)).toBe(10);

    expect((await t.http.get(`${api}/reports/trends`).query({ dimension: 'gender', region: 'ATLANTIS' }).set(bearer(t.admin))).status).toBe(
      422,
    );
    expect(
      (await t.http.get(`${api}/reports/balance`).query({ dimension: 'gender', region: 'not a code' }).set(bearer(t.admin))).status,
    ).toBe(400);
  });
});
