import { conference, institute, invite, members, move, promote, slot, talks } from './support/report-fixtures';
import { bearer, createTestApp, TestApp } from './support/test-app';
import { BalanceGroup } from '../src/reports/balance-report';
import { wilsonInterval } from '../src/reports/statistics';

// The answer's shapes, as the service declares them.
type Group = Pick<BalanceGroup, 'key' | 'name' | 'total' | 'cells'>;

const cell = (group: Group, value: string) => group.cells.find((c) => c.value === value)!;

// The collaboration on 2026-09-30 (everyone joined 2020-01-01 unless said otherwise):
//   CERN        60 women, 60 men, postdocs (and one man who left on 2025-06-30)
//   ETH Zurich  40 women, 40 men, tenured
//   Tiny Lab     2 women,  1 man, students
//   Ada: a woman, student at CERN until 2025-12-31, postdoc at ETH Zurich from 2026-01-01.
// Members of the per-conference scenarios join on 2026-10-01, so they are not in the counts above.
describe('GET /reports/balance', () => {
  let t: TestApp;
  let monitor: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp();
    monitor = await t.token('monitor');
    const db = t.dataSource;
    const cern = await institute(db, 'CERN', 'CH', 'CERN');
    const eth = await institute(db, 'ETH Zurich', 'CH');
    const tiny = await institute(db, 'Tiny Lab', 'FR');
    Object.assign(ids, { cern, eth, tiny });
    await members(db, 60, { instituteId: cern, gender: 'woman', careerStage: 'postdoc' });
    await members(db, 60, { instituteId: cern, gender: 'man', careerStage: 'postdoc' });
    await members(db, 1, { instituteId: cern, gender: 'man', careerStage: 'postdoc', leftOn: '2025-06-30' });
    await members(db, 40, { instituteId: eth, gender: 'woman', careerStage: 'tenured' });
    await members(db, 40, { instituteId: eth, gender: 'man', careerStage: 'tenured' });
    await members(db, 2, { instituteId: tiny, gender: 'woman', careerStage: 'student' });
    await members(db, 1, { instituteId: tiny, gender: 'man', careerStage: 'student' });
    const [ada] = await members(db, 1, { instituteId: cern, gender: 'woman', careerStage: 'student' });
    await promote(db, ada, 'postdoc', '2026-01-01');
    await move(db, ada, eth, '2026-01-01');
    ids.ada = ada;

    const newcomer = (gender: 'woman' | 'man' | 'nonbinary', n: number) =>
      members(db, n, { instituteId: cern, gender, careerStage: 'postdoc', joinedOn: '2026-10-01' });

    // B: 20 women, 30 men, 3 nonbinary speakers.
    ids.b = await conference(db, { startDate: '2026-06-01', tier: 'major' });
    const slotB = await slot(db, ids.b, 'plenary');
    for (const [gender, n] of [
      ['woman', 20],
      ['man', 30],
      ['nonbinary', 3],
    ] as const) {
      await invite(db, await newcomer(gender, n), slotB, 'accepted');
    }
    // C: 10 women, 40 men; one declined woman does not count.
    ids.c = await conference(db, { startDate: '2026-07-01', tier: 'standard' });
    const slotC = await slot(db, ids.c, 'parallel');
    await invite(db, await newcomer('woman', 10), slotC, 'invited');
    await invite(db, await newcomer('man', 40), slotC, 'accepted');
    await invite(db, await newcomer('woman', 1), slotC, 'declined');
    // D: a single speaker.
    ids.d = await conference(db, { startDate: '2026-08-01', tier: 'minor' });
    await invite(db, await newcomer('woman', 1), await slot(db, ids.d, 'seminar'), 'accepted');
    // E: talks in 2024, recorded with who the speakers were then.
    ids.e = await conference(db, { startDate: '2024-03-01' });
    await talks(db, [ada], ids.e, { date: '2024-03-02' });
    await talks(db, await members(db, 5, { instituteId: eth, gender: 'man', careerStage: 'tenured', joinedOn: '2026-10-01' }), ids.e, {
      date: '2024-03-02',
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  // Exact counts are an admin's view; everyone else's gender counts carry noise (tested below and in privacy-attacks).
  const balance = (query: Record<string, string>, token = t.admin) => t.http.get('/api/v1/reports/balance').query(query).set(bearer(token));

  it('counts members on the `to` date with shares, standard errors and Wilson intervals', async () => {
    const res = await balance({ population: 'members', dimension: 'gender', to: '2026-09-30' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ population: 'members', dimension: 'gender', within: null, minimumCellCount: 5 });
    expect(res.body.filters).toMatchObject({ to: '2026-09-30', from: null });
    expect(res.body.groups).toHaveLength(1);
    const [group] = res.body.groups as Group[];
    expect(group.key).toBeNull();
    expect(group.total).toBe(204); // the leaver and the newcomers are not members on 2026-09-30
    expect(group.cells.map((c) => c.value)).toEqual(['woman', 'man', 'nonbinary', 'undisclosed']);
    const women = cell(group, 'woman');
    // 103/204 = 0.504902; stderr sqrt(p(1-p)/204) = 0.035005; Wilson [0.436839, 0.572784]
    expect(women.count).toBe(103);
    expect(women.share).toBeCloseTo(0.5049019607843137, 12);
    expect(women.stderr).toBeCloseTo(0.035005319678394785, 12);
    expect(women.ci95![0]).toBeCloseTo(0.4368391297105769, 10);
    expect(women.ci95![1]).toBeCloseTo(0.572783589506985, 10);
    expect(cell(group, 'nonbinary')).toMatchObject({ count: 0, share: 0, suppressed: false });
  });

  it('takes career stage and institute from the history in force on `to`', async () => {
    const before = await balance({ population: 'members', dimension: 'careerStage', to: '2025-12-31' });
    const after = await balance({ population: 'members', dimension: 'careerStage', to: '2026-09-30' });
    const counts = (res: typeof before) => Object.fromEntries((res.body.groups[0] as Group).cells.map((c) => [c.value, c.count]));
    expect(counts(before)).toMatchObject({ student: 4, postdoc: 120, tenured: 80, nontenured: 0 });
    expect(counts(after)).toMatchObject({ student: 3, postdoc: 121, tenured: 80 });
    const institutes = await balance({ population: 'members', dimension: 'institute', to: '2026-09-30' });
    expect(Object.fromEntries((institutes.body.groups[0] as Group).cells.map((c) => [c.value, c.count]))).toEqual({
      CERN: 120,
      'ETH Zurich': 81,
      'Tiny Lab': 3,
    });
  });

  it('counts members per year with the history in force at each year end (trends)', async () => {
    const res = await t.http
      .get('/api/v1/reports/trends')
      .set(bearer(monitor))
      .query({ population: 'members', dimension: 'careerStage', from: '2025-01-01', to: '2026-09-30' });
    expect(res.status).toBe(200);
    const counts = (res.body.years as Group[]).map((y) => [y.key, cell(y, 'student').count, cell(y, 'postdoc').count, y.total]);
    expect(counts).toEqual([
      ['2025', 4, 120, 204],
      ['2026', 3, 121, 204],
    ]);
  });

  it('names regions by code and name', async () => {
    const res = await balance({ population: 'members', dimension: 'region', to: '2026-09-30' });
    const [group] = res.body.groups as Group[];
    expect(group.cells.map((c) => [c.value, c.name, c.count])).toEqual([
      ['CERN', 'CERN', 120],
      ['FRANCE', 'France', 3],
      ['SWITZERLAND', 'Switzerland', 81],
    ]);
  });

  it("hides a small gender count, and only it: an admin may see anyone's gender", async () => {
    const res = await balance({ dimension: 'gender', conferenceId: ids.b });
    expect(res.status).toBe(200);
    const [group] = res.body.groups as Group[];
    expect(group.total).toBe(53);
    expect(cell(group, 'nonbinary')).toEqual({
      value: 'nonbinary',
      name: null,
      count: null,
      share: null,
      stderr: null,
      ci95: null,
      suppressed: true,
    });
    expect(cell(group, 'woman')).toMatchObject({ count: 20, suppressed: false });
    // 30/53 = 0.566038, Wilson [0.432654, 0.690496]
    expect(cell(group, 'man')).toMatchObject({ count: 30, suppressed: false });
    expect(cell(group, 'man').ci95![0]).toBeCloseTo(0.4326535142760728, 10);
    expect(cell(group, 'man').ci95![1]).toBeCloseTo(0.6904960344024968, 10);
    expect(cell(group, 'undisclosed')).toMatchObject({ count: 0, suppressed: false });
    expect(JSON.stringify(res.body)).not.toMatch(/"count":3,/);
  });

  it('hides small counts of tiny institutes in institute × gender, either way round', async () => {
    const res = await balance({ population: 'members', dimension: 'gender', within: 'institute', to: '2026-09-30' });
    const groups = res.body.groups as Group[];
    expect(groups.map((g) => [g.key, g.total])).toEqual([
      ['CERN', 120],
      ['ETH Zurich', 81],
      ['Tiny Lab', 3],
    ]);
    const tiny = groups.find((g) => g.key === 'Tiny Lab')!;
    expect(tiny.cells.map((c) => [c.value, c.count, c.suppressed])).toEqual([
      ['woman', null, true],
      ['man', null, true],
      ['nonbinary', 0, false],
      ['undisclosed', 0, false],
    ]);
    expect(groups.filter((g) => cell(g, 'woman').suppressed).map((g) => g.key)).toEqual(['Tiny Lab']);
    // Transposed (gender groups, institutes as cells) the same institutes are hidden.
    const transposed = await balance({ population: 'members', dimension: 'institute', within: 'gender', to: '2026-09-30' });
    const women = (transposed.body.groups as Group[]).find((g) => g.key === 'woman')!;
    expect(women.total).toBe(103);
    expect(cell(women, 'Tiny Lab')).toMatchObject({ suppressed: true, count: null });
    expect(cell(women, 'CERN')).toMatchObject({ suppressed: false, count: 60 });
  });

  it('uses the snapshot of talks: stage and institute at the time of the talk', async () => {
    const stages = await balance({ population: 'talks', dimension: 'careerStage', conferenceId: ids.e });
    const [group] = stages.body.groups as Group[];
    expect(cell(group, 'student').count).toBe(1); // Ada, a postdoc now
    expect(cell(group, 'tenured').count).toBe(5);
    expect(cell(group, 'postdoc').count).toBe(0);
    const institutes = await balance({ population: 'talks', dimension: 'institute', conferenceId: ids.e });
    expect(Object.fromEntries((institutes.body.groups[0] as Group).cells.map((c) => [c.value, c.count]))).toEqual({
      CERN: 1,
      'ETH Zurich': 5,
    });
    const outside = await balance({ population: 'talks', dimension: 'careerStage', conferenceId: ids.e, from: '2025-01-01' });
    expect(outside.body.groups[0].total).toBe(0);
  });

  it('counts invited and accepted allocations, not declined ones, and filters by tier and talk type', async () => {
    const res = await balance({ dimension: 'gender', conferenceId: ids.c });
    expect(res.body.groups[0].total).toBe(50);
    const parallel = await balance({ dimension: 'careerStage', talkType: 'parallel' });
    expect(parallel.body.groups[0].total).toBe(50);
    const major = await balance({ dimension: 'careerStage', tier: 'major' });
    expect(major.body.groups[0].total).toBe(53);
    const nominations = await balance({ population: 'nominations', dimension: 'careerStage', conferenceId: ids.c });
    expect(nominations.body.groups[0].total).toBe(51);
  });

  it('compares with the membership: baseline share and a two-proportion score test per cell', async () => {
    const res = await balance({ dimension: 'gender', conferenceId: ids.c, compareTo: 'members', to: '2026-09-30' });
    expect(res.status).toBe(200);
    expect(res.body.comparison).toEqual({
      population: 'members',
      test: expect.stringMatching(/two-proportion score test/),
      alpha: 0.05,
      correction: expect.stringMatching(/Holm/),
      compared: expect.stringMatching(/^allocations up to \d{4}-\d{2}-\d{2} against the members on /),
    });
    const [group] = res.body.groups as Group[];
    expect(group).toMatchObject({ total: 50, baselineTotal: 204 });
    // Women 10/50 = 0.2 against 103/204 = 0.504902: pooled p = 113/254,
    // z = (0.2 - 0.504902) / sqrt(0.444882 · 0.555118 · (1/50 + 1/204)) = -3.888019, p = 0.000101
    const women = cell(group, 'woman');
    expect(women.baselineShare).toBeCloseTo(103 / 204, 12);
    expect(women.difference).toBeCloseTo(0.2 - 103 / 204, 12);
    expect(women.z).toBeCloseTo(-3.8880190430931876, 9);
    expect(women.pValue).toBeCloseTo(0.00010106569904177936, 12);
    expect(women.significant).toBe(true);
    // Nobody on either side: no test (it would only weaken the correction for the others).
    expect(cell(group, 'nonbinary')).toMatchObject({ count: 0, baselineShare: 0, z: null, pValue: null, significant: null });
    expect(women.pValueAdjusted).toBeGreaterThanOrEqual(women.pValue!);
    expect(res.body.readings.join(' ')).toMatch(
      /^woman: 20\.0 % of allocations against 50\.5 % of members, fewer than the baseline predicts \(p < 0\.001 after Holm correction\)/,
    );
  });

  it('never compares a hidden cell', async () => {
    const res = await balance({ dimension: 'gender', conferenceId: ids.b, compareTo: 'members', to: '2026-09-30' });
    const [group] = res.body.groups as Group[];
    expect(cell(group, 'nonbinary')).toMatchObject({ suppressed: true, difference: null, z: null, pValue: null, significant: null });
    expect(cell(group, 'man').significant).toEqual(expect.any(Boolean));
  });

  it('answers CSV with Accept: text/csv, hidden counts as empty fields', async () => {
    const res = await balance({ dimension: 'gender', conferenceId: ids.b }).set('Accept', 'text/csv');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const lines = res.text.trim().split('\r\n');
    expect(lines[0]).toBe(
      'population,dimension,within,group,groupName,total,value,valueName,count,share,stderr,ci95Low,ci95High,suppressed',
    );
    expect(lines).toHaveLength(5);
    expect(lines).toContain('allocations,gender,,,,53,nonbinary,,,,,,,true');
    expect(lines.find((l) => l.includes(',man,'))).toMatch(/^allocations,gender,,,,53,man,,30,0\.566037735849,/);
  });

  describe('for everyone but admins, gender counts carry noise and cover ended quarters', () => {
    const query = { population: 'members', dimension: 'gender', to: '2026-09-30' };

    it('shows a monitor noisy gender counts whose shares add up, with intervals from them', async () => {
      const exact = await balance(query);
      const res = await balance(query, monitor);
      expect(exact.body.disclosure).toEqual({ perturbed: false, method: null, epsilon: null, noiseStdDev: null, period: null });
      expect(res.body.disclosure).toMatchObject({
        perturbed: true,
        epsilon: 0.5,
        noiseStdDev: 2.8,
        method: expect.stringMatching(/differential privacy/),
        period: { granularity: 'calendar quarter', membersOn: '2026-09-30' },
      });
      const [group] = res.body.groups as Group[];
      // The total is the sum of the published counts (hidden ones are each under 5), so shares add up.
      const shown = group.cells.reduce((sum, c) => sum + (c.count ?? 0), 0);
      const hidden = group.cells.filter((c) => c.suppressed).length;
      expect(group.total! - shown).toBeGreaterThanOrEqual(hidden);
      expect(group.total! - shown).toBeLessThanOrEqual(4 * hidden);
      for (const [gender, count] of [
        ['woman', 103],
        ['man', 101],
      ] as const) {
        const shown = cell(group, gender);
        expect(Math.abs(shown.count! - count)).toBeLessThan(25);
        expect(shown.share).toBeCloseTo(shown.count! / group.total!, 12);
        expect(shown.ci95).toEqual(wilsonInterval(shown.count!, group.total!));
      }
    });

    it('answers the same for any day of a quarter and to any reader, so asking again averages nothing away', async () => {
      const counts = (res: { body: { groups: Group[] } }) => res.body.groups[0].cells.map((c) => c.count);
      const onJuly15 = await balance({ ...query, to: '2026-07-15' }, monitor);
      expect(onJuly15.body.disclosure.period.membersOn).toBe('2026-06-30');
      for (const to of ['2026-06-30', '2026-08-01', '2026-09-29']) {
        expect(counts(await balance({ ...query, to }, monitor))).toEqual(counts(onJuly15));
      }
      expect(counts(await balance({ ...query, to: '2026-07-15' }, await t.token('committee')))).toEqual(counts(onJuly15));
      expect(counts(await balance({ ...query, to: '2026-07-15' }, monitor).set('Cache-Control', 'no-cache'))).toEqual(counts(onJuly15));
    });

    it('publishes one cell alike in every report that shows it', async () => {
      const byInstitute = await balance({ population: 'members', dimension: 'gender', within: 'institute', to: '2026-09-30' }, monitor);
      const transposed = await balance({ population: 'members', dimension: 'institute', within: 'gender', to: '2026-09-30' }, monitor);
      const cern = (byInstitute.body.groups as Group[]).find((g) => g.key === 'CERN')!;
      const women = (transposed.body.groups as Group[]).find((g) => g.key === 'woman')!;
      expect(cell(women, 'CERN').count).toBe(cell(cern, 'woman').count);
      const trend = await t.http
        .get('/api/v1/reports/trends')
        .set(bearer(monitor))
        .query({ population: 'members', dimension: 'gender', from: '2026-01-01', to: '2026-09-30' });
      const overall = await balance(query, monitor);
      expect(cell((trend.body.years as Group[])[0], 'woman').count).toBe(cell(overall.body.groups[0], 'woman').count);
    });

    it('leaves reports without gender exact and up to the day', async () => {
      const stages = await balance({ population: 'members', dimension: 'careerStage', to: '2026-09-30' }, monitor);
      expect(stages.body.disclosure.perturbed).toBe(false);
      expect(Object.fromEntries((stages.body.groups[0] as Group).cells.map((c) => [c.value, c.count]))).toMatchObject({
        student: 3,
        postdoc: 121,
        tenured: 80,
      });
    });
  });

  it('lets monitors, committee and admins read; nominators get 403, no token 401', async () => {
    const query = { dimension: 'region', population: 'members' };
    expect((await balance(query, await t.token('committee'))).status).toBe(200);
    expect((await balance(query, t.admin)).status).toBe(200);
    expect((await balance(query, await t.token('nominator'))).status).toBe(403);
    expect((await balance(query, await t.token('contact'))).status).toBe(403);
    expect((await t.http.get('/api/v1/reports/balance').query(query)).status).toBe(401);
  });

  it('answers bad parameters with 400 naming the field', async () => {
    const cases: [Record<string, string>, string][] = [
      [{}, 'dimension'],
      [{ dimension: 'shoeSize' }, 'dimension'],
      [{ dimension: 'gender', within: 'gender' }, 'within'],
      [{ dimension: 'gender', population: 'everyone' }, 'population'],
      [{ dimension: 'gender', from: '2026-02-30' }, 'from'],
      [{ dimension: 'gender', to: '24.11.2026' }, 'to'],
      [{ dimension: 'gender', from: '2026-05-01', to: '2026-04-01' }, 'from'],
      [{ dimension: 'gender', conferenceId: 'nope' }, 'conferenceId'],
      [{ dimension: 'gender', tier: 'huge' }, 'tier'],
      [{ dimension: 'gender', talkType: 'keynote' }, 'talkType'],
      [{ dimension: 'gender', compareTo: 'aliens' }, 'compareTo'],
      [{ dimension: 'gender', population: 'members', conferenceId: ids.b }, 'conferenceId'],
      [{ dimension: 'gender', colour: 'red' }, 'colour'],
    ];
    for (const [query, field] of cases) {
      const res = await balance(query);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
  });
});
