import { allocate, conference, institute, members, nominate, slot } from './support/report-fixtures';
import { bearer, createTestApp, TestApp } from './support/test-app';

interface EquityCell {
  gender: string;
  nominations: number | null;
  allocations: number | null;
  rate: number | null;
  ci95: [number, number] | null;
  suppressed: boolean;
}
interface Stratum {
  careerStage: string;
  nominations: number;
  allocations: number;
  cells: EquityCell[];
}
interface FunnelCell {
  stage: string;
  count: number | null;
  share: number | null;
  ci95: [number, number] | null;
  suppressed: boolean;
  vsPrevious: { difference: number; z: number; pValue: number; pValueAdjusted: number; significant: boolean } | null;
}
interface FunnelValue {
  value: string;
  stages: FunnelCell[];
}

// Members (joined 2020-01-01, CERN): postdocs 60 women and 80 men, tenured 30 women and 60 men,
// students 10 women and 20 men; one tenured woman joins on 2026-02-01.
// Nominated on 2026-03-01 and allocated on 2026-04-01 (stage: nominated / allocated):
//   postdoc  women 20 / 8 (3 of them still invited), men 40 / 20
//   tenured  women 12 / 6,                            men 30 / 18 (one declined)
//   student  women  2 / 1,                            men  8 / 2
// Six more postdoc men were nominated on 2025-05-01 (not allocated).
describe('GET /reports/funnel, /reports/equity, /reports/trends', () => {
  let t: TestApp;
  let monitor: string;

  beforeAll(async () => {
    t = await createTestApp();
    monitor = await t.token('monitor');
    const db = t.dataSource;
    const cern = await institute(db, 'CERN', 'CH', 'CERN');
    const pool = async (careerStage: 'postdoc' | 'tenured' | 'student', women: number, men: number) => ({
      women: await members(db, women, { instituteId: cern, gender: 'woman', careerStage }),
      men: await members(db, men, { instituteId: cern, gender: 'man', careerStage }),
    });
    const postdoc = await pool('postdoc', 60, 80);
    const tenured = await pool('tenured', 30, 60);
    const student = await pool('student', 10, 20);
    await members(db, 1, { instituteId: cern, gender: 'woman', careerStage: 'tenured', joinedOn: '2026-02-01' });
    const slotId = await slot(db, await conference(db, { startDate: '2026-09-01', tier: 'major' }), 'plenary');
    const nominated = '2026-03-01T10:00:00Z';
    const allocated = '2026-04-01T10:00:00Z';
    const round = async (ids: string[], nominations: number, outcomes: [number, 'accepted' | 'invited' | 'declined'][]) => {
      const made = await nominate(db, ids.slice(0, nominations), slotId, { createdAt: nominated });
      let next = 0;
      for (const [n, status] of outcomes) {
        await allocate(db, made.slice(next, next + n), status, allocated);
        next += n;
      }
    };
    await round(postdoc.women, 20, [
      [5, 'accepted'],
      [3, 'invited'],
    ]);
    await round(postdoc.men, 40, [[20, 'accepted']]);
    await round(tenured.women, 12, [[6, 'accepted']]);
    await round(tenured.men, 30, [
      [17, 'accepted'],
      [1, 'declined'],
    ]);
    await round(student.women, 2, [[1, 'accepted']]);
    await round(student.men, 8, [[2, 'accepted']]);
    const earlier = await slot(db, await conference(db, { startDate: '2025-09-01' }), 'parallel');
    await nominate(db, postdoc.men.slice(70, 76), earlier, { createdAt: '2025-05-01T10:00:00Z' });
  });
  afterAll(async () => {
    await t?.close();
  });

  // Exact counts are an admin's view; everyone else's gender counts carry noise (tested below and in privacy-attacks).
  const get = (path: string, query: Record<string, string>, token = t.admin) =>
    t.http.get(`/api/v1/reports/${path}`).query(query).set(bearer(token));

  describe('equity', () => {
    const period = { from: '2026-01-01', to: '2026-06-30' };

    it('gives the allocation rate by gender within each career stage, with Wilson intervals', async () => {
      const res = await get('equity', period);
      expect(res.status).toBe(200);
      expect(res.body.filters).toEqual({ ...period, conferenceId: null, tier: null, talkType: null, region: null });
      expect(res.body.test.reading).toMatch(
        /^No evidence that women and men at the same career stage are allocated at different rates \(common odds ratio 0\.74, 95 % CI 0\.33 to 1\.66, p = 0\.6\)\.$/,
      );
      const strata = res.body.strata as Stratum[];
      expect(strata.map((s) => s.careerStage)).toEqual(['student', 'postdoc', 'nontenured', 'tenured', 'engineer', 'other']);
      const postdoc = strata.find((s) => s.careerStage === 'postdoc')!;
      expect(postdoc).toMatchObject({ nominations: 60, allocations: 28 });
      const women = postdoc.cells.find((c) => c.gender === 'woman')!;
      // 8 of 20: rate 0.4, Wilson [0.218807, 0.613418]; still-open invitations count as allocated.
      expect(women).toMatchObject({ nominations: 20, allocations: 8, rate: 0.4, suppressed: false });
      expect(women.ci95![0]).toBeCloseTo(0.21880653237281708, 10);
      expect(women.ci95![1]).toBeCloseTo(0.6134184992377468, 10);
      expect(postdoc.cells.find((c) => c.gender === 'man')).toMatchObject({ nominations: 40, allocations: 20, rate: 0.5 });
      // A declined invitation was still the committee's choice.
      expect(strata.find((s) => s.careerStage === 'tenured')).toMatchObject({ nominations: 42, allocations: 24 });
    });

    it('hides the small cells and only them, never estimating them', async () => {
      const strata = (await get('equity', period)).body.strata as Stratum[];
      const students = strata.find((s) => s.careerStage === 'student')!;
      expect(students.cells.find((c) => c.gender === 'woman')).toEqual({
        gender: 'woman',
        nominations: null,
        allocations: null,
        rate: null,
        ci95: null,
        suppressed: true,
      });
      // An admin may see anyone's gender, so no other cell is hidden to protect the students' 2.
      const hiddenWomen = strata.filter((s) => s.cells.find((c) => c.gender === 'woman')!.nominations === null);
      expect(hiddenWomen.map((s) => s.careerStage)).toEqual(['student']);
      expect(strata.find((s) => s.careerStage === 'tenured')!.cells.find((c) => c.gender === 'woman')).toMatchObject({
        nominations: 12,
        allocations: 6,
        suppressed: false,
      });
    });

    it('tests equal treatment across stages with Cochran-Mantel-Haenszel', async () => {
      // Strata (a = women allocated, b = women not, c = men allocated, d = men not):
      //   postdoc a=8 b=12 c=20 d=20 n=60: E = 20·28/60 = 9.333333, V = 20·40·28·32/(60²·59) = 3.374765
      //   tenured a=6 b=6  c=18 d=12 n=42: E = 12·24/42 = 6.857143, V = 12·30·24·18/(42²·41) = 2.150324
      //   student a=1 b=1  c=2  d=6  n=10: E = 2·3/10 = 0.6,       V = 2·8·3·7/(10²·9) = 0.373333
      // O = 15, E = 16.790476, V = 5.898421; X² = (1.790476 - 0.5)² / 5.898421 = 0.282335, p = 0.595175
      // OR = Σad/n / Σbc/n = (160/60 + 72/42 + 6/10) / (240/60 + 108/42 + 2/10) = 4.980952 / 6.771429 = 0.735584
      // RBG variance of log OR = 0.172650: 95 % CI [0.325798, 1.660794]
      const { test } = (await get('equity', period)).body;
      expect(test).toMatchObject({ shown: true, strata: 3, continuityCorrection: true, comparison: expect.stringMatching(/woman vs man/) });
      expect(test.name).toMatch(/Cochran-Mantel-Haenszel/);
      expect(test.chiSquare).toBeCloseTo(0.28233465613695813, 10);
      expect(test.pValue).toBeCloseTo(0.5951750675442606, 10);
      expect(test.oddsRatio).toBeCloseTo(523 / 711, 12);
      expect(test.ci95[0]).toBeCloseTo(0.32579794527837574, 10);
      expect(test.ci95[1]).toBeCloseTo(1.6607942603917711, 10);
      expect(test).not.toHaveProperty('observed');
    });

    it('shows no stratified test when there are too few women or men', async () => {
      const res = await get('equity', { from: '2025-01-01', to: '2025-12-31' });
      expect(res.body.test).toMatchObject({ shown: false, reading: expect.stringMatching(/^Too little data to tell/) });
      expect(res.body.test.oddsRatio).toBeUndefined();
    });

    it('takes the conference filters of every report: only the tier asked for', async () => {
      const standard = (await get('equity', { from: '2025-01-01', to: '2026-06-30', tier: 'standard' })).body;
      expect(standard.filters.tier).toBe('standard');
      expect(standard.strata.find((s: Stratum) => s.careerStage === 'postdoc')).toMatchObject({ nominations: 6, allocations: 0 });
      const major = (await get('equity', { from: '2025-01-01', to: '2026-06-30', tier: 'major' })).body;
      expect(major.strata.find((s: Stratum) => s.careerStage === 'postdoc')).toMatchObject({ nominations: 60 });
      // Trends count under the conference's year, and the period is of conference dates: the 2026 conference is in September.
      const trend = (
        await get('trends', { population: 'nominations', dimension: 'careerStage', from: '2025-01-01', to: '2026-12-31', tier: 'major' })
      ).body;
      expect(trend.years.map((y: { key: string; total: number }) => [y.key, y.total])).toEqual([
        ['2025', 0],
        ['2026', 112],
      ]);
      expect((await get('trends', { population: 'members', dimension: 'gender', tier: 'major' })).status).toBe(400);
    });

    it('exports CSV with the stratified test on every line', async () => {
      const res = await get('equity', period).set('Accept', 'text/csv');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      const lines = res.text.trim().split('\r\n');
      expect(lines[0]).toBe(
        'careerStage,gender,nominations,allocations,rate,ci95Low,ci95High,suppressed,cmhOddsRatio,cmhCi95Low,cmhCi95High,cmhChiSquare,cmhPValue',
      );
      expect(lines).toHaveLength(1 + 6 * 4);
      expect(lines.find((l) => l.startsWith('postdoc,woman,'))).toMatch(
        /^postdoc,woman,20,8,0\.4,0\.218806532373,0\.613418499238,false,0\.735583684951,/,
      );
      expect(lines.find((l) => l.startsWith('student,woman,'))).toMatch(/^student,woman,,,,,,true,/);
    });
  });

  describe('funnel', () => {
    const period = { from: '2026-01-01', to: '2026-06-30' };

    it('puts membership, nominations, allocations and accepted side by side with a test per step', async () => {
      const res = await get('funnel', { ...period, dimension: 'careerStage' });
      expect(res.status).toBe(200);
      expect(res.body.stages).toEqual(['members', 'nominations', 'allocations', 'accepted']);
      // 112 nominated; 55 invitations of which one declined (54 standing) and three still open (51 accepted).
      expect(res.body.totals).toEqual({ members: 261, nominations: 112, allocations: 54, accepted: 51 });
      const postdoc = (res.body.values as FunnelValue[]).find((v) => v.value === 'postdoc')!;
      expect(postdoc.stages.map((s) => s.count)).toEqual([140, 60, 28, 25]);
      expect(postdoc.stages[0].vsPrevious).toBeNull();
      expect(postdoc.stages[1].vsPrevious).toMatchObject({ significant: expect.any(Boolean) });
    });

    it('shows where the women are lost: pool against membership, every count that is not small shown', async () => {
      const res = await get('funnel', { ...period, dimension: 'gender' });
      const women = (res.body.values as FunnelValue[]).find((v) => v.value === 'woman')!;
      expect(women.stages.slice(0, 3).map((s) => s.count)).toEqual([101, 34, 15]);
      // Nominations 34/112 against membership 101/261: pooled z = -1.536397, p = 0.124441.
      expect(women.stages[1].vsPrevious!.z).toBeCloseTo(-1.536397137704317, 9);
      expect(women.stages[1].vsPrevious!.pValue).toBeCloseTo(0.12444100834389768, 10);
      expect(women.stages[1].vsPrevious!.significant).toBe(false);
      expect(women.stages[1].vsPrevious!.pValueAdjusted).toBeGreaterThanOrEqual(women.stages[1].vsPrevious!.pValue);
      expect(res.body.correction).toMatch(/Holm/);
      expect(res.body.readings.length).toBeGreaterThan(0);
      // 15 standing invitations to women, 12 accepted: every count that is not small is shown.
      expect(women.stages[3]).toMatchObject({ stage: 'accepted', count: 12, suppressed: false });
      const men = (res.body.values as FunnelValue[]).find((v) => v.value === 'man')!;
      expect(men.stages[3]).toMatchObject({ count: 39, suppressed: false });
      expect(res.body.totals.accepted).toBe(51);
    });

    it('exports CSV', async () => {
      const res = await get('funnel', { ...period, dimension: 'gender' }).set('Accept', 'text/csv');
      expect(res.status).toBe(200);
      const lines = res.text.trim().split('\r\n');
      expect(lines[0]).toBe(
        'dimension,value,valueName,stage,total,count,share,stderr,ci95Low,ci95High,suppressed,differenceVsPrevious,z,pValue,significant',
      );
      expect(lines.find((l) => l.startsWith('gender,woman,,accepted,'))).toMatch(/^gender,woman,,accepted,51,12,0\.235294117647,/);
    });
  });

  describe('trends', () => {
    it('gives the shares per calendar year, every year of the period present', async () => {
      const res = await get('trends', { population: 'nominations', dimension: 'careerStage', from: '2024-01-01', to: '2026-12-31' });
      expect(res.status).toBe(200);
      const years = res.body.years as { key: string; total: number; cells: { value: string; count: number }[] }[];
      expect(years.map((y) => [y.key, y.total])).toEqual([
        ['2024', 0],
        ['2025', 6],
        ['2026', 112],
      ]);
      expect(years[2].cells.find((c) => c.value === 'postdoc')!.count).toBe(60);
    });

    it('counts members as they were at the end of each year', async () => {
      const res = await get('trends', { population: 'members', dimension: 'gender', from: '2025-01-01', to: '2026-06-30' });
      const years = res.body.years as { key: string; total: number; cells: { value: string; count: number }[] }[];
      expect(years.map((y) => [y.key, y.total, y.cells.find((c) => c.value === 'woman')!.count])).toEqual([
        ['2025', 260, 100],
        ['2026', 261, 101],
      ]);
    });

    it('suppresses small gender counts per year and defaults to ten years', async () => {
      const res = await get('trends', { dimension: 'gender', to: '2026-12-31' });
      expect(res.body.filters).toMatchObject({ from: '2017-01-01', to: '2026-12-31' });
      expect(res.body.yearOf).toMatch(/year of the conference the invitation is for/);
      expect(res.body.years).toHaveLength(10);
      const y2026 = res.body.years.find((y: { key: string }) => y.key === '2026');
      expect(y2026.total).toBe(54);
      expect(y2026.cells.find((c: { value: string }) => c.value === 'woman')).toMatchObject({ count: 15, suppressed: false });
      const csv = await get('trends', { dimension: 'gender', to: '2026-12-31' }).set('Accept', 'text/csv');
      expect(csv.text.split('\r\n')[0]).toMatch(/^population,dimension,year,total,value,/);
    });
  });

  it('gives monitors the equity and funnel gender counts with noise, ended quarters only, rates and totals from what is shown', async () => {
    const period = { from: '2026-01-01', to: '2026-06-30' };
    const exact = (await get('equity', period)).body;
    const noisy = (await get('equity', period, monitor)).body;
    expect(noisy.disclosure).toMatchObject({ perturbed: true, epsilon: 0.5, period: { granularity: 'calendar quarter' } });
    expect(exact.disclosure.perturbed).toBe(false);
    let moved = 0;
    for (const [s, stratum] of (noisy.strata as Stratum[]).entries()) {
      for (const [g, c] of stratum.cells.entries()) {
        const truth: EquityCell = exact.strata[s].cells[g];
        if (c.nominations === null || c.allocations === null) continue;
        // Noise with standard deviation 2.8 per quarter: 25 away has a chance of about 1e-6.
        if (truth.nominations !== null) expect(Math.abs(c.nominations - truth.nominations)).toBeLessThan(25);
        if (truth.nominations !== null && c.nominations !== truth.nominations) moved++;
        expect(c.allocations).toBeLessThanOrEqual(c.nominations);
        if (c.nominations === 0) expect(c.rate).toBeNull();
        else expect(c.rate).toBeCloseTo(c.allocations / c.nominations, 12);
      }
    }
    expect(moved).toBeGreaterThan(0);

    const funnel = (await get('funnel', { dimension: 'gender', ...period }, monitor)).body;
    expect(funnel.disclosure.perturbed).toBe(true);
    for (const stage of funnel.stages as string[]) {
      const cells = (funnel.values as FunnelValue[]).map((v) => v.stages.find((c) => c.stage === stage)!);
      const shown = cells.filter((c) => c.count !== null);
      expect(shown.reduce((sum, c) => sum + c.count!, 0)).toBeLessThanOrEqual(funnel.totals[stage]);
      for (const c of shown) expect(c.share).toBeCloseTo(c.count! / funnel.totals[stage], 12);
    }
  });

  it('lets monitors read every report; nominators get 403; bad parameters 400 naming the field', async () => {
    const nominator = await t.token('nominator');
    for (const [path, query] of [
      ['funnel', { dimension: 'gender' }],
      ['equity', {}],
      ['trends', { dimension: 'region' }],
    ] as const) {
      expect((await get(path, query)).status).toBe(200);
      expect((await get(path, query, nominator)).status).toBe(403);
    }
    const bad: [string, Record<string, string>, string][] = [
      ['funnel', {}, 'dimension'],
      ['funnel', { dimension: 'gender', tier: 'galactic' }, 'tier'],
      ['equity', { from: '2026-07-01', to: '2026-01-01' }, 'from'],
      ['equity', { to: 'tomorrow' }, 'to'],
      ['trends', { dimension: 'gender', population: 'robots' }, 'population'],
      ['trends', { dimension: 'gender', from: '1800-01-01', to: '2026-01-01' }, 'from'],
    ];
    for (const [path, query, field] of bad) {
      const res = await get(path, query);
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
  });
});
