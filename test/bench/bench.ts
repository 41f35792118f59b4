// `npm run bench` (not part of the test suite): seeds a 50,000-member / 1,000,000-talk collaboration
// into a throw-away embedded PostgreSQL, then measures the service (a child process, as deployed)
// and, side by side, a bare `http` + `pg` server running the same SQL, with autocannon on loopback;
// beside both, the time of the full-scan SQL (test/support/full-scan.ts: the answers computed from the
// raw tables, as before the service kept aggregates), and a sample of the service's answers checked
// against it. Also times the HTTP imports into a second, fresh database, and how the main reads scale
// with the size of the talk history (a database per size). Prints a table and rewrites
// docs/performance.md. Options: --members --talks --seed --latency-seconds --throughput-seconds
// --connections --no-imports --no-docs --no-soak --no-scaling --scaling-talks (sizes, comma-separated)
// --only (measure only the endpoints whose name contains it, e.g. --only nominations; implies --no-docs).
import 'reflect-metadata';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { generateCollaboration } from '../../src/demo/collaboration';
import { seedDatabase, SeedResult } from '../../src/demo/seed';
import { RankWeights } from '../../src/ranking/eligibility';
import { CountRow, Dimension, Population } from '../../src/reports/balance.sql';
import {
  fullScanBalanceCountQuery,
  fullScanEquityCountQuery,
  fullScanFunnelCountQuery,
  fullScanRankingsQuery,
  SqlQuery,
} from '../support/full-scan';
import { freePort, startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { cannon, Request, watchMemory } from './cannon';
import { measureCsvReader } from './csv-reader';
import { describeMentorship, measureMentorship } from './mentorship-bench';
import { soak, SoakPart, SoakResult, soakVerdict } from './soak';

const ROOT = resolve(__dirname, '../../..');
const HOST = '127.0.0.1';

interface Endpoint {
  name: string;
  /** The latency the issues ask for, at the median. */
  medianTargetMs?: number;
  /** The share of the baseline's throughput the service must reach (default one half). */
  throughputTarget?: number;
  service: Request;
  baseline: Request;
  /** The same answer computed by the full-scan SQL, on the baseline server. */
  fullScan?: Request;
  /** What the sample check asks the service (as admin) and the full-scan SQL for. */
  sample?: Sample;
}

/** An answer the sample check compares: the service's, read as admin, against the full-scan SQL's. */
type Sample =
  | { kind: 'rankings'; region?: string }
  | { kind: 'balance'; population: Population; dimension: Dimension; within?: Dimension }
  | { kind: 'funnel' }
  | { kind: 'equity' };

interface SampleCheck {
  compared: number;
  differences: string[];
}

interface ScaleRow {
  talks: number;
  seedSeconds: number | null;
  /** Per scaled endpoint: the service's median and the full-scan SQL's, in ms. */
  medians: { service: number | null; fullScan: number | null }[];
  note?: string;
}

interface Side {
  medianMs: number;
  p99Ms: number;
  requestsPerSecond: number;
  failed: number;
}

interface Measured {
  endpoint: Endpoint;
  service: Side | null;
  baseline: Side | null;
  /** The full-scan SQL's median latency on the baseline server. */
  fullScanMs?: number | null;
  note?: string;
}

interface ImportTiming {
  name: string;
  rows: number;
  seconds: number | null;
  note: string;
}

const log = (line: string) => console.log(line);
const seconds = (ms: number) => (ms / 1000).toFixed(1);

async function main(): Promise<void> {
  Logger.overrideLogger(['warn', 'error', 'fatal']);
  const { values } = parseArgs({
    options: {
      members: { type: 'string', default: '50000' },
      talks: { type: 'string', default: '1000000' },
      seed: { type: 'string', default: '42' },
      'latency-seconds': { type: 'string', default: '3' },
      'throughput-seconds': { type: 'string', default: '6' },
      connections: { type: 'string', default: '10' },
      'no-imports': { type: 'boolean', default: false },
      'no-docs': { type: 'boolean', default: false },
      'soak-seconds': { type: 'string', default: '180' },
      'soak-load': { type: 'string', default: '0.9' },
      'no-soak': { type: 'boolean', default: false },
      'no-scaling': { type: 'boolean', default: false },
      'scaling-talks': { type: 'string', default: '100000,1000000,4000000' },
      only: { type: 'string' },
    },
  });
  const options = {
    members: Number(values.members),
    talks: Number(values.talks),
    seed: Number(values.seed),
    latencySeconds: Number(values['latency-seconds']),
    throughputSeconds: Number(values['throughput-seconds']),
    connections: Number(values.connections),
    soakSeconds: Number(values['soak-seconds']),
    soakLoad: Number(values['soak-load']),
    scalingTalks: values['no-scaling']
      ? []
      : values['scaling-talks']
          .split(',')
          .map((n) => Number(n.trim()))
          .filter((n) => n > 0),
  };
  const started = Date.now();
  const loadBefore = loadavg()[0];
  const csv = await measureCsvReader();
  log(
    `CSV reader, ${csv.rows} rows: own ${csv.ownMs.toFixed(0)} ms, csv-parse ${csv.csvParseMs.toFixed(0)} ms ` +
      `(${(csv.csvParseMs / csv.ownMs).toFixed(1)}x); in 64 KiB pieces as an import reads them: own ${csv.ownPiecesMs.toFixed(0)} ms, ` +
      `csv-parse ${csv.csvParsePiecesMs.toFixed(0)} ms (${(csv.csvParsePiecesMs / csv.ownPiecesMs).toFixed(1)}x)`,
  );
  log(describeMentorship(await measureMentorship(options.seed)));
  const today = new Date().toISOString().slice(0, 10);
  const work = mkdtempSync(join(tmpdir(), 'sa-bench-'));
  // As root, PostgreSQL runs as the `postgres` user, which must reach its data folder inside this one.
  chmodSync(work, 0o755);
  const children: ChildProcess[] = [];
  const stopChildren = () => children.forEach((child) => child.exitCode === null && child.kill('SIGTERM'));

  log(`Benchmark: ${options.members} members, ${options.talks} talks (seed ${options.seed}); work folder ${work}`);
  const pg = await startEmbeddedPostgres({ dataDir: join(work, 'pg'), log: () => undefined });
  const cleanUp = async () => {
    stopChildren();
    await pg.stop();
    rmSync(work, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanUp().finally(() => process.exit(130)));
  try {
    const admin = new Client({ connectionString: pg.url('postgres') });
    await admin.connect();
    await admin.query('CREATE DATABASE bench_load');
    await admin.query('CREATE DATABASE bench_import');
    const postgresVersion = (await admin.query('SHOW server_version')).rows[0].server_version as string;
    await admin.end();
    const loadUrl = pg.url('bench_load');

    log('Seeding with COPY ...');
    const seeded = await seedDatabase(loadUrl, {
      members: options.members,
      talks: options.talks,
      seed: options.seed,
      today,
      crowdedSlotNominees: 200,
    });
    log(
      `  seeded in ${seconds(seeded.timings.totalMs)} s (${Object.entries(seeded.counts)
        .map(([t, n]) => `${n} ${t}`)
        .join(', ')})`,
    );
    const tokenOf = (email: string) => seeded.users.find((u) => u.email === email)!;
    const pairs = await nominationPairs(loadUrl, 60_000);

    const adminToken = `bench-${randomBytes(16).toString('hex')}`;
    const service = await startChild(
      children,
      'dist/src/main.js',
      { DATABASE_URL: loadUrl, ADMIN_TOKEN: adminToken },
      join(work, 'service.log'),
    );
    const baseline = await startChild(
      children,
      'dist/test/bench/baseline-server.js',
      { DATABASE_URL: loadUrl },
      join(work, 'baseline.log'),
    );
    const serviceMemory = watchMemory(service.child.pid!);

    const endpoints = benchEndpoints(seeded, tokenOf, pairs).filter((e) => !values.only || e.name.includes(values.only));
    const measured: Measured[] = [];
    for (const endpoint of endpoints) {
      const m = await measure(endpoint, service.url, baseline.url, options);
      measured.push(m);
      log(`  ${row(m).join('  ')}`);
    }
    log("Sample check: the service's answers (as admin) against the full-scan SQL's ...");
    const sampled = await sampleCheck(endpoints, service.url, adminToken, loadUrl);
    log(`  ${sampleLine(sampled)}`);
    sampled.differences.forEach((d) => log(`    ${d}`));
    let soaked: SoakResult | null = null;
    if (!values['no-soak']) {
      log(
        `Soak: ${options.soakSeconds} s of mixed reads and writes at ${Math.round(options.soakLoad * 100)}% of the measured capacity ...`,
      );
      soaked = await soak(service.url, service.child.pid!, soakParts(endpoints, tokenOf, pairs), {
        seconds: options.soakSeconds,
        connections: options.connections,
        load: options.soakLoad,
      });
      log(`  ${soakVerdict(soaked).text}`);
    }
    const loadPeakMb = serviceMemory.stop();
    stopChildren();

    let imports: ImportTiming[] = [];
    let importPeakMb: number | null = null;
    if (!values['no-imports']) {
      log('Timing the HTTP imports into a fresh database ...');
      const importer = await startChild(
        children,
        'dist/src/main.js',
        { DATABASE_URL: pg.url('bench_import'), ADMIN_TOKEN: adminToken },
        join(work, 'import-service.log'),
      );
      const importMemory = watchMemory(importer.child.pid!);
      imports = await timeImports(importer.url, adminToken, options, today);
      importPeakMb = importMemory.stop();
      stopChildren();
    }

    const scaled: ScaleRow[] = [];
    for (const talks of options.scalingTalks) {
      log(`Scaling: ${options.members} members, ${talks} talks ...`);
      const reuse = talks === options.talks;
      const name = `bench_scale_${talks}`;
      try {
        let seededHere: SeedResult = seeded;
        let seedSeconds: number | null = seeded.timings.totalMs / 1000;
        if (!reuse) {
          const creator = new Client({ connectionString: pg.url('postgres') });
          await creator.connect();
          await creator.query(`CREATE DATABASE ${name}`);
          await creator.end();
          seededHere = await seedDatabase(pg.url(name), {
            members: options.members,
            talks,
            seed: options.seed,
            today,
            crowdedSlotNominees: 200,
          });
          seedSeconds = seededHere.timings.totalMs / 1000;
          log(`  seeded in ${seedSeconds.toFixed(1)} s`);
        }
        const url = reuse ? loadUrl : pg.url(name);
        const scaleService = await startChild(
          children,
          'dist/src/main.js',
          { DATABASE_URL: url, ADMIN_TOKEN: adminToken },
          join(work, `service-${talks}.log`),
        );
        const scaleBaseline = await startChild(
          children,
          'dist/test/bench/baseline-server.js',
          { DATABASE_URL: url },
          join(work, `baseline-${talks}.log`),
        );
        const medians: ScaleRow['medians'] = [];
        for (const endpoint of scaledEndpoints(seededHere)) {
          medians.push({
            service: await medianOf(scaleService.url, endpoint.service, options.latencySeconds),
            fullScan: endpoint.fullScan ? await medianOf(scaleBaseline.url, endpoint.fullScan, options.latencySeconds) : null,
          });
        }
        scaled.push({ talks, seedSeconds, medians });
        log(`  ${SCALED.map((n, i) => `${n}: ${ms(medians[i].service)} ms (full scan ${ms(medians[i].fullScan)} ms)`).join('; ')}`);
      } catch (error) {
        scaled.push({ talks, seedSeconds: null, medians: [], note: `failed: ${String(error).slice(0, 200)}` });
        log(`  failed: ${String(error)}`);
      } finally {
        await stopAndWait(children);
        if (!reuse) {
          const dropper = new Client({ connectionString: pg.url('postgres') });
          await dropper.connect();
          await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
          await dropper.end();
        }
      }
    }

    const machine = {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      memoryGb: totalmem() / 2 ** 30,
      node: process.version,
      postgres: postgresVersion,
      load: [loadBefore, loadavg()[0]],
    };
    const report = render({
      options,
      machine,
      seeded,
      measured,
      sampled,
      scaled,
      soaked,
      loadPeakMb,
      imports,
      importPeakMb,
      elapsedMs: Date.now() - started,
      today,
    });
    console.log(`\n${report.console}`);
    if (!values['no-docs'] && !values.only) {
      mkdirSync(join(ROOT, 'docs'), { recursive: true });
      writeFileSync(join(ROOT, 'docs/performance.md'), report.markdown);
      log('\nWrote docs/performance.md');
    }
  } finally {
    await cleanUp();
  }
}

// ---------------------------------------------------------------------------------------------
// What is measured

function benchEndpoints(
  seeded: SeedResult,
  userOf: (email: string) => { id: string; token: string },
  pairs: { memberId: string; slotId: string }[],
): Endpoint[] {
  const as = (email: string) => ({ Authorization: `Bearer ${userOf(email).token}` });
  const committee = as('committee@demo.example');
  const monitor = as('monitor@demo.example');
  const nominator = userOf('nominator@demo.example');
  const get = (path: string, headers: Record<string, string> = {}): Request => ({ method: 'GET', path, headers });
  const slot = seeded.crowdedSlotId!;

  const endpoints: Endpoint[] = [
    {
      name: 'GET /slots/:id/candidates (200 nominees)',
      medianTargetMs: 10,
      service: get(`/api/v1/slots/${slot}/candidates`, committee),
      baseline: get(`/candidates?slotId=${slot}`),
      fullScan: get(`/fullscan/candidates?slotId=${slot}`),
    },
    {
      name: 'GET /rankings (first page)',
      medianTargetMs: 150,
      service: get('/api/v1/rankings', committee),
      baseline: get('/rankings'),
      fullScan: get('/fullscan/rankings'),
      sample: { kind: 'rankings' },
    },
    {
      name: 'GET /rankings?region=GERMANY',
      medianTargetMs: 150,
      service: get('/api/v1/rankings?region=GERMANY', committee),
      baseline: get('/rankings?region=GERMANY'),
      fullScan: get('/fullscan/rankings?region=GERMANY'),
      sample: { kind: 'rankings', region: 'GERMANY' },
    },
  ];
  // Report counts are cached while their tables are unchanged; `no-cache` rows force the count itself,
  // and those are the ones held to the target: the first request after a change is the slow one.
  const afresh = { ...monitor, 'Cache-Control': 'no-cache' };
  const report = (name: string, query: string, baseline: string, fullScan: string, sample?: Sample) => {
    endpoints.push(
      { name, service: get(`/api/v1/reports/${query}`, monitor), baseline: get(baseline), fullScan: get(fullScan) },
      {
        name: `${name} (no-cache)`,
        medianTargetMs: 30,
        service: get(`/api/v1/reports/${query}`, afresh),
        baseline: get(baseline),
        fullScan: get(fullScan),
        sample,
      },
    );
  };
  for (const population of ['talks', 'allocations', 'members'] as const) {
    for (const dimension of ['region', 'careerStage', 'gender'] as const) {
      const query = `population=${population}&dimension=${dimension}`;
      report(`GET /reports/balance ${population} x ${dimension}`, `balance?${query}`, `/balance?${query}`, `/fullscan/balance?${query}`, {
        kind: 'balance',
        population,
        dimension,
      });
    }
  }
  const withinStage = 'population=talks&dimension=gender&within=careerStage';
  report(
    'GET /reports/balance talks x gender within careerStage',
    `balance?${withinStage}`,
    `/balance?${withinStage}`,
    `/fullscan/balance?${withinStage}`,
    { kind: 'balance', population: 'talks', dimension: 'gender', within: 'careerStage' },
  );
  report('GET /reports/funnel?dimension=gender', 'funnel?dimension=gender', '/report?name=funnel', '/fullscan/report?name=funnel', {
    kind: 'funnel',
  });
  report('GET /reports/equity', 'equity', '/report?name=equity', '/fullscan/report?name=equity', { kind: 'equity' });
  // Ten years of talks by gender against each year's membership (one look-up per tally cell and year end).
  report(
    'GET /reports/trends talks x gender vs members',
    'trends?population=talks&dimension=gender&compareTo=members',
    '/report?name=trends',
    '/fullscan/report?name=trends',
  );
  // Fresh (member, slot) pairs: half for the service, half for the baseline, so no request is a duplicate.
  const half = Math.floor(pairs.length / 2);
  const draw = (from: number, to: number) => {
    let next = from;
    return () => {
      if (next >= to) throw new Error('The benchmark ran out of fresh (member, slot) pairs for POST /nominations');
      return pairs[next++];
    };
  };
  const forService = draw(0, half);
  const forBaseline = draw(half, pairs.length);
  const reason = 'Benchmark nomination';
  endpoints.push({
    name: 'POST /nominations',
    throughputTarget: 0.9,
    service: {
      method: 'POST',
      path: '/api/v1/nominations',
      headers: { Authorization: `Bearer ${nominator.token}` },
      body: () => ({ ...forService(), reason }),
    },
    baseline: { method: 'POST', path: '/nominations', headers: {}, body: () => ({ ...forBaseline(), reason, nominatorId: nominator.id }) },
  });
  return endpoints;
}

/**
 * The soak's mix: what a committee meeting and a nomination round look like together. Reads of
 * candidates, a report, a nominator's own list and an eligibility breakdown; writes of new nominations.
 */
function soakParts(
  endpoints: Endpoint[],
  userOf: (email: string) => { id: string; token: string },
  pairs: { memberId: string; slotId: string }[],
): SoakPart[] {
  const byName = (prefix: string) => endpoints.find((e) => e.name.startsWith(prefix))!.service;
  const as = (email: string) => ({ Authorization: `Bearer ${userOf(email).token}` });
  return [
    { name: 'GET /slots/:id/candidates', share: 3, request: byName('GET /slots/:id/candidates') },
    { name: 'GET /reports/balance talks x region', share: 2, request: byName('GET /reports/balance talks x region') },
    {
      name: "GET /nominations (a nominator's own)",
      share: 2,
      request: { method: 'GET', path: '/api/v1/nominations?limit=20', headers: as('nominator@demo.example') },
    },
    {
      name: 'GET /members/:id/eligibility',
      share: 2,
      request: { method: 'GET', path: `/api/v1/members/${pairs[0].memberId}/eligibility`, headers: as('committee@demo.example') },
    },
    { name: 'POST /nominations', share: 1, request: byName('POST /nominations') },
  ];
}

/** Members still in the collaboration and slots of conferences ahead, never nominated together yet. */
async function nominationPairs(url: string, count: number): Promise<{ memberId: string; slotId: string }[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ memberId: string; slotId: string }>(
      `
      SELECT m.id AS "memberId", s.id AS "slotId"
      FROM (SELECT id FROM member WHERE left_on IS NULL ORDER BY md5(id::text) LIMIT 400) m
      CROSS JOIN (SELECT s.id FROM slot s JOIN conference c ON c.id = s.conference_id
                  WHERE c.start_date > current_date + 7 ORDER BY md5(s.id::text) LIMIT 200) s
      WHERE NOT EXISTS (SELECT 1 FROM nomination n WHERE n.member_id = m.id AND n.slot_id = s.id)
      ORDER BY md5(m.id::text || s.id::text)
      LIMIT $1`,
      [count],
    );
    return rows;
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------
// Measuring

async function measure(
  endpoint: Endpoint,
  serviceUrl: string,
  baselineUrl: string,
  options: { latencySeconds: number; throughputSeconds: number; connections: number },
): Promise<Measured> {
  const probe = await once(serviceUrl, endpoint.service);
  if (probe.status === 404) return { endpoint, service: null, baseline: null, note: 'not available (404)' };
  if (probe.status >= 400) return { endpoint, service: null, baseline: null, note: `answers ${probe.status}: ${probe.text.slice(0, 120)}` };
  const service = await side(serviceUrl, endpoint.service, options);
  const baseline = await side(baselineUrl, endpoint.baseline, options);
  const fullScanMs = endpoint.fullScan ? await medianOf(baselineUrl, endpoint.fullScan, options.latencySeconds) : null;
  return { endpoint, service, baseline, fullScanMs };
}

/** The median latency alone, with one connection (a fixed 5 requests when a request takes over 250 ms); null on failures. */
async function medianOf(base: string, request: Request, latencySeconds: number): Promise<number | null> {
  const warm = await cannon(base, request, { connections: 1, amount: 3 });
  const slow = warm.latency.average > 250;
  const run = await cannon(base, request, slow ? { connections: 1, amount: 5 } : { connections: 1, duration: latencySeconds });
  return warm.non2xx + warm.errors + run.non2xx + run.errors > 0 ? null : run.latency.p50;
}

/** Stops the children and waits until they have gone, so their database can be dropped. */
async function stopAndWait(children: ChildProcess[]): Promise<void> {
  const running = children.filter((child) => child.exitCode === null && child.signalCode === null);
  await Promise.all(
    running.map(
      (child) =>
        new Promise<void>((done) => {
          child.once('exit', () => done());
          child.kill('SIGTERM');
        }),
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// Scaling: the reads that scan the talk history, on databases of growing size

const SCALED = ['talks x region', 'talks x gender within careerStage', 'rankings first page', 'candidates'];

function scaledEndpoints(seeded: SeedResult): { service: Request; fullScan: Request }[] {
  const user = (email: string) => seeded.users.find((u) => u.email === email)!;
  const committee = { Authorization: `Bearer ${user('committee@demo.example').token}` };
  const afresh = { Authorization: `Bearer ${user('monitor@demo.example').token}`, 'Cache-Control': 'no-cache' };
  const get = (path: string, headers: Record<string, string> = {}): Request => ({ method: 'GET', path, headers });
  const byRegion = 'population=talks&dimension=region';
  const withinStage = 'population=talks&dimension=gender&within=careerStage';
  return [
    { service: get(`/api/v1/reports/balance?${byRegion}`, afresh), fullScan: get(`/fullscan/balance?${byRegion}`) },
    { service: get(`/api/v1/reports/balance?${withinStage}`, afresh), fullScan: get(`/fullscan/balance?${withinStage}`) },
    { service: get('/api/v1/rankings', committee), fullScan: get('/fullscan/rankings') },
    {
      service: get(`/api/v1/slots/${seeded.crowdedSlotId}/candidates`, committee),
      fullScan: get(`/fullscan/candidates?slotId=${seeded.crowdedSlotId}`),
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// The sample check: the service's answers against the full-scan SQL's

interface ReportCell {
  value: string;
  count: number | null;
  suppressed?: boolean;
}

/**
 * Each measured answer that has a sample, read once as admin (exact counts, no noise; counted afresh),
 * compared with the full-scan SQL run on the same database: the same members with the same ranks and
 * scores within 1e-9, the same count in every cell (a hidden cell must be a small count).
 */
async function sampleCheck(endpoints: Endpoint[], serviceUrl: string, adminToken: string, databaseUrl: string): Promise<SampleCheck> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const differences: string[] = [];
  let compared = 0;
  try {
    const weights: RankWeights = (await client.query('SELECT weights FROM rank_policy ORDER BY version DESC LIMIT 1')).rows[0].weights;
    const { today } = (await client.query(`SELECT current_date::text AS today`)).rows[0] as { today: string };
    const rowsOf = async (q: SqlQuery) => (await client.query(q.text, q.values)).rows;
    const read = async (path: string) => {
      const res = await fetch(`${serviceUrl}${path}`, {
        headers: { Authorization: `Bearer ${adminToken}`, 'Cache-Control': 'no-cache' },
        signal: AbortSignal.timeout(120_000),
      });
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
      return res.json();
    };
    for (const endpoint of endpoints.filter((e) => e.sample)) {
      const sample = endpoint.sample!;
      const found: string[] = [];
      try {
        if (sample.kind === 'rankings') {
          const answer = await read(`/api/v1/rankings?asOf=${today}${sample.region ? `&region=${sample.region}` : ''}`);
          const expected = await rowsOf(
            fullScanRankingsQuery({ asOf: today, weights, region: sample.region ?? null, limit: 50, offset: 0 }),
          );
          if (answer.total !== expected[0]?.total) found.push(`total ${answer.total}, full scan ${expected[0]?.total}`);
          const items = answer.items as { memberId: string; rank: number; score: number; talksCounted: number }[];
          if (items.length !== expected.length) found.push(`${items.length} members listed, full scan ${expected.length}`);
          items.forEach((item, i) => {
            const want = expected[i];
            if (!want) return;
            if (
              item.memberId !== want.member_id ||
              item.rank !== want.rank ||
              item.talksCounted !== want.talks_counted ||
              Math.abs(item.score - want.score) > 1e-9
            ) {
              found.push(
                `#${i + 1}: ${item.memberId} rank ${item.rank} score ${item.score} talks ${item.talksCounted}; ` +
                  `full scan ${want.member_id} rank ${want.rank} score ${want.score} talks ${want.talks_counted}`,
              );
            }
          });
        } else if (sample.kind === 'balance') {
          const query = `population=${sample.population}&dimension=${sample.dimension}${sample.within ? `&within=${sample.within}` : ''}&to=${today}`;
          const answer = await read(`/api/v1/reports/balance?${query}`);
          const rows: CountRow[] = await rowsOf(
            fullScanBalanceCountQuery(sample.population, sample.dimension, sample.within ?? null, { to: today }),
          );
          const cells = (answer.groups as { key: string | null; cells: ReportCell[] }[]).flatMap((g) =>
            g.cells.map((c) => ({ key: `${g.key ?? ''}|${c.value}`, cell: c })),
          );
          found.push(
            ...compareCells(
              cells,
              countsOf(rows, (r) => `${r.group_key ?? ''}|${r.value}`),
              answer.minimumCellCount,
            ),
          );
        } else if (sample.kind === 'funnel') {
          const answer = await read(`/api/v1/reports/funnel?dimension=gender&to=${today}`);
          const rows: CountRow[] = await rowsOf(fullScanFunnelCountQuery('gender', { to: today }, today));
          const cells = (answer.values as { value: string; stages: (ReportCell & { stage: string })[] }[]).flatMap((v) =>
            v.stages.map((c) => ({ key: `${c.stage}|${v.value}`, cell: { ...c, value: v.value } })),
          );
          found.push(
            ...compareCells(
              cells,
              countsOf(rows, (r) => `${r.side}|${r.value}`),
              answer.minimumCellCount,
            ),
          );
        } else {
          const answer = await read(`/api/v1/reports/equity?to=${today}`);
          const rows: CountRow[] = await rowsOf(fullScanEquityCountQuery({ to: today }));
          const cells = (
            answer.strata as { careerStage: string; cells: { gender: string; nominations: number | null; allocations: number | null }[] }[]
          ).flatMap((s) =>
            s.cells.flatMap((c) => [
              {
                key: `nominations|${s.careerStage}|${c.gender}`,
                cell: { value: c.gender, count: c.nominations, suppressed: c.nominations === null },
              },
              {
                key: `allocated|${s.careerStage}|${c.gender}`,
                cell: { value: c.gender, count: c.allocations, suppressed: c.allocations === null },
              },
            ]),
          );
          found.push(
            ...compareCells(
              cells,
              countsOf(rows, (r) => `${r.side}|${r.group_key}|${r.value}`),
              answer.minimumCellCount,
            ),
          );
        }
      } catch (error) {
        found.push(`could not compare: ${String(error)}`);
      }
      compared += 1;
      differences.push(...found.slice(0, 5).map((d) => `${endpoint.name}: ${d}`));
      if (found.length > 5) differences.push(`${endpoint.name}: ... and ${found.length - 5} more differences`);
    }
  } finally {
    await client.end();
  }
  return { compared, differences };
}

function countsOf(rows: CountRow[], keyOf: (row: CountRow) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(keyOf(row), (counts.get(keyOf(row)) ?? 0) + row.count);
  return counts;
}

/** Every cell's count against the full scan's; a hidden cell must hide a count 0 < n < the threshold; no count may be missing. */
function compareCells(cells: { key: string; cell: ReportCell }[], expected: Map<string, number>, threshold: number): string[] {
  const found: string[] = [];
  const seen = new Set<string>();
  for (const { key, cell } of cells) {
    seen.add(key);
    const want = expected.get(key) ?? 0;
    const agrees = cell.count === null ? Boolean(cell.suppressed) && want > 0 && want < threshold : cell.count === want;
    if (!agrees) found.push(`cell ${key}: ${cell.count === null ? 'hidden' : cell.count}, full scan ${want}`);
  }
  for (const [key, want] of expected) if (!seen.has(key) && want !== 0) found.push(`cell ${key} missing, full scan ${want}`);
  return found;
}

function sampleLine(check: SampleCheck): string {
  return check.differences.length === 0
    ? `sample check: ${check.compared} answers identical to the full-scan SQL`
    : `sample check: ${check.differences.length} DIFFERENCES from the full-scan SQL in ${check.compared} answers compared`;
}

async function once(base: string, request: Request): Promise<{ status: number; text: string }> {
  const res = await fetch(`${base}${request.path}`, {
    method: request.method,
    headers: { ...request.headers, ...(request.body ? { 'Content-Type': 'application/json' } : {}) },
    body: request.body ? JSON.stringify(request.body()) : undefined,
    signal: AbortSignal.timeout(120_000),
  });
  return { status: res.status, text: await res.text() };
}

/**
 * Latency with one connection (a request's own time, no queueing), throughput with several. Slow
 * queries (over 250 ms) are measured over a fixed number of requests instead of a fixed time.
 */
async function side(
  base: string,
  request: Request,
  options: { latencySeconds: number; throughputSeconds: number; connections: number },
): Promise<Side> {
  const warm = await cannon(base, request, { connections: 2, amount: 4 });
  const slow = warm.latency.average > 250;
  const latency = await cannon(base, request, slow ? { connections: 1, amount: 5 } : { connections: 1, duration: options.latencySeconds });
  const load = await cannon(
    base,
    request,
    slow
      ? { connections: options.connections, amount: options.connections * 2 }
      : { connections: options.connections, duration: options.throughputSeconds },
  );
  return {
    medianMs: latency.latency.p50,
    p99Ms: latency.latency.p99,
    requestsPerSecond: load.requests.total / load.duration,
    failed: latency.non2xx + latency.errors + load.non2xx + load.errors,
  };
}

async function startChild(
  children: ChildProcess[],
  script: string,
  env: Record<string, string>,
  logFile: string,
): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, [join(ROOT, script)], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST, LOG_LEVEL: 'warn', NODE_ENV: 'production' },
    stdio: ['ignore', out, out],
  });
  children.push(child);
  const url = `http://${HOST}:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}:\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
    if (Date.now() > deadline) throw new Error(`${script} did not answer within 90 s:\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
    const ready = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.status < 500,
      () => false,
    );
    if (ready) return { child, url };
    await new Promise((r) => setTimeout(r, 250));
  }
}

// ---------------------------------------------------------------------------------------------
// Imports

async function timeImports(
  base: string,
  adminToken: string,
  options: { members: number; talks: number; seed: number },
  today: string,
): Promise<ImportTiming[]> {
  const c = generateCollaboration({ today, members: options.members, talks: options.talks, seed: options.seed });
  const institutes = new Map(c.institutes.map((i) => [i.id, i]));
  const conferences = new Map(c.conferences.map((k) => [k.id, k]));
  const external = new Map(c.members.map((m) => [m.id, m.externalId]));
  const membersCsv = csv(
    ['externalId', 'name', 'email', 'institute', 'country', 'careerStage', 'gender', 'joinedOn'],
    c.members.map((m) => {
      const institute = institutes.get(m.instituteId)!;
      return [m.externalId, m.name, m.email, institute.name, institute.country, m.careerStage, m.gender, m.joinedOn];
    }),
  );
  const talkRows = (function* () {
    for (const t of c.talks()) {
      const k = conferences.get(t.conferenceId)!;
      yield [
        external.get(t.memberId)!,
        k.name,
        k.startDate.slice(0, 4),
        t.talkType,
        t.date,
        t.title,
        k.tier,
        k.startDate,
        k.endDate,
        k.country,
      ];
    }
  })();
  const talksCsv = csv(
    ['externalId', 'conference', 'year', 'talkType', 'date', 'title', 'tier', 'conferenceStartDate', 'conferenceEndDate', 'country'],
    talkRows,
  );
  return [
    await timeImport(
      base,
      '/api/v1/members/import',
      membersCsv,
      `POST /members/import (${c.members.length} rows, CSV)`,
      c.members.length,
      adminToken,
    ),
    await timeImport(base, '/api/v1/talks/import', talksCsv, `POST /talks/import (${c.talkCount} rows, CSV)`, c.talkCount, adminToken),
  ];
}

function csv(header: string[], rows: Iterable<unknown[]>): string {
  const cell = (v: unknown) => {
    const text = v === null || v === undefined ? '' : String(v);
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = [header.join(',')];
  for (const r of rows) lines.push(r.map(cell).join(','));
  return `${lines.join('\n')}\n`;
}

async function timeImport(base: string, path: string, body: string, name: string, rows: number, token: string): Promise<ImportTiming> {
  const started = Date.now();
  try {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'text/csv' },
      body,
      signal: AbortSignal.timeout(300_000),
    });
    const text = await res.text();
    const elapsed = (Date.now() - started) / 1000;
    log(`  ${name}: ${res.status} in ${elapsed.toFixed(1)} s ${text.slice(0, 200)}`);
    if (res.status === 404) return { name, rows, seconds: null, note: 'not available' };
    if (res.status !== 200) return { name, rows, seconds: null, note: `failed: ${res.status} ${text.slice(0, 160)}` };
    return { name, rows, seconds: elapsed, note: text.slice(0, 120) };
  } catch (error) {
    return { name, rows, seconds: null, note: `failed after ${((Date.now() - started) / 1000).toFixed(0)} s: ${String(error)}` };
  }
}

// ---------------------------------------------------------------------------------------------
// Reporting

const ms = (v: number | undefined | null) => (v === undefined || v === null ? '-' : v < 10 ? v.toFixed(1) : v.toFixed(0));
const rps = (v: number | undefined | null) => (v === undefined || v === null ? '-' : v < 10 ? v.toFixed(1) : v.toFixed(0));

function verdict(m: Measured): string {
  if (!m.service) return m.note ?? '';
  const checks: string[] = [];
  if (m.endpoint.medianTargetMs !== undefined) {
    checks.push(`${m.service.medianMs < m.endpoint.medianTargetMs ? 'ok' : 'MISSED'} < ${m.endpoint.medianTargetMs} ms`);
  }
  if (m.baseline) {
    const share = m.endpoint.throughputTarget ?? 0.5;
    checks.push(`${m.service.requestsPerSecond >= m.baseline.requestsPerSecond * share ? 'ok' : 'MISSED'} >= ${share}x rps`);
  }
  if (m.service.failed > 0 || (m.baseline?.failed ?? 0) > 0) checks.push(`failed requests: ${m.service.failed}/${m.baseline?.failed ?? 0}`);
  if (m.note) checks.push(m.note);
  return checks.join(', ');
}

function row(m: Measured): string[] {
  const s = m.service;
  const b = m.baseline;
  return [
    m.endpoint.name,
    ms(s?.medianMs),
    ms(s?.p99Ms),
    rps(s?.requestsPerSecond),
    ms(b?.medianMs),
    rps(b?.requestsPerSecond),
    s && b ? (s.requestsPerSecond / b.requestsPerSecond).toFixed(2) : '-',
    ms(m.fullScanMs),
    s && m.fullScanMs ? (s.medianMs / m.fullScanMs).toFixed(2) : '-',
    verdict(m),
  ];
}

const HEADER = [
  'endpoint',
  'median ms',
  'p99 ms',
  'req/s',
  'baseline median ms',
  'baseline req/s',
  'req/s ratio',
  'full-scan median ms',
  'median / full-scan',
  'target',
];

function render(r: {
  options: { members: number; talks: number; seed: number; latencySeconds: number; throughputSeconds: number; connections: number };
  machine: { cpu: string; cores: number; memoryGb: number; node: string; postgres: string; load: number[] };
  seeded: SeedResult;
  measured: Measured[];
  sampled: SampleCheck;
  scaled: ScaleRow[];
  soaked: SoakResult | null;
  loadPeakMb: number;
  imports: ImportTiming[];
  importPeakMb: number | null;
  elapsedMs: number;
  today: string;
}): { console: string; markdown: string } {
  const rows = r.measured.map(row);
  const widths = HEADER.map((h, i) => Math.max(h.length, ...rows.map((cells) => cells[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const memoryLine =
    `Service peak memory (VmHWM) during the load: ${r.loadPeakMb.toFixed(0)} MB ` + `(${r.loadPeakMb < 300 ? 'ok' : 'MISSED'} < 300 MB)`;
  const importLines = r.imports.map((i) => {
    const target = i.name.startsWith('POST /talks') && i.seconds !== null ? ` (${i.seconds < 60 ? 'ok' : 'MISSED'} < 60 s)` : '';
    return `${i.name}: ${i.seconds === null ? i.note : `${i.seconds.toFixed(1)} s, ${Math.round(i.rows / i.seconds)} rows/s${target}`}`;
  });
  if (r.importPeakMb !== null) importLines.push(`Service peak memory (VmHWM) during the imports: ${r.importPeakMb.toFixed(0)} MB`);
  const t = r.seeded.timings;
  const seedLine =
    `Seed (COPY): ${r.seeded.counts.member} members, ${r.seeded.counts.talk} talks in ${seconds(t.totalMs)} s ` +
    `(migrate + generate + COPY ${seconds(t.generateAndCopyMs)} s, indexes ${seconds(t.indexesMs)} s, ` +
    `foreign keys ${seconds(t.constraintsMs)} s, ANALYZE ${seconds(t.analyzeMs)} s)`;
  const machineLine =
    `${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memoryGb.toFixed(0)} GB; Node ${r.machine.node}; ` +
    `PostgreSQL ${r.machine.postgres}; load average ${r.machine.load.map((l) => l.toFixed(1)).join(' -> ')} (start -> end: other work on the machine skews the figures)`;
  const method =
    `Latency: one connection (median and p99 of ${r.options.latencySeconds} s, or of 5 requests when a request takes ` +
    `over 250 ms); throughput: ${r.options.connections} connections for ${r.options.throughputSeconds} s (or ` +
    `${r.options.connections * 2} requests), after a short warm-up; autocannon, service and PostgreSQL share the machine, all on 127.0.0.1.`;

  const sampleText = sampleLine(r.sampled);
  const scaleHeader = ['talks', 'seed s', ...SCALED.flatMap((n) => [`${n} ms`, 'full scan ms'])];
  const scaleRows = r.scaled.map((x) => [
    String(x.talks),
    x.seedSeconds === null ? '-' : x.seedSeconds.toFixed(0),
    ...(x.note ? [x.note] : x.medians.flatMap((m) => [ms(m.service), ms(m.fullScan)])),
  ]);
  const scaleLines =
    r.scaled.length === 0
      ? ['Scaling: not run (--no-scaling)']
      : [
          `Scaling (${r.options.members} members; fresh counts, no-cache; medians of one connection; full scan = the full-scan SQL on the bare server):`,
          `  ${scaleHeader.join('  |  ')}`,
          ...scaleRows.map((cells) => `  ${cells.join('  |  ')}`),
        ];

  const soak = r.soaked;
  const soakHeader = ['part', 'target req/s', 'achieved req/s', 'requests', 'failed', 'median ms', 'p99 ms', 'statuses'];
  const soakRows = (soak?.parts ?? []).map((p) => [
    p.name,
    rps(p.targetPerSecond),
    rps(p.achievedPerSecond),
    String(p.requests),
    String(p.failed),
    ms(p.medianMs),
    ms(p.p99Ms),
    p.statuses,
  ]);
  const soakLines = soak
    ? [
        `Soak: ${soak.seconds} s, all parts at once, aiming at ${rps(soak.parts.reduce((a, p) => a + p.targetPerSecond, 0))} req/s ` +
          `of a measured mixed capacity of ${rps(soak.capacityPerSecond)} req/s, achieving ` +
          `${rps(soak.parts.reduce((a, p) => a + p.achievedPerSecond, 0))} req/s: ${soakVerdict(soak).text}`,
      ]
    : ['Soak: not run (--no-soak)'];

  const consoleText = [
    `Machine: ${machineLine}`,
    seedLine,
    '',
    line(HEADER),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    sampleText,
    ...r.sampled.differences.map((d) => `  ${d}`),
    ...scaleLines,
    memoryLine,
    ...soakLines,
    ...soakRows.map((cells) => `  ${cells.join('  ')}`),
    ...importLines,
    `Whole run: ${seconds(r.elapsedMs)} s`,
  ].join('\n');

  const md = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const markdown = [
    '# Performance',
    '',
    `Written by \`npm run bench\` on ${r.today}; the next run rewrites this page. The ratio to the bare`,
    'baseline (a Node `http` server with `pg` running the same SQL, no framework, no auth, no validation)',
    'is the figure to track; absolute times depend on the machine.',
    '',
    `**Machine:** ${machineLine}`,
    '',
    `**Data:** ${r.options.members} members, ${r.options.talks} talks, seed ${r.options.seed}, one upcoming slot with 200 nominees. ${seedLine}.`,
    '',
    `**Method:** ${method}`,
    '',
    // A difference from the full-scan SQL means the service answers something else than the raw tables say.
    r.sampled.differences.length === 0
      ? `**${sampleText}** (the rankings and every no-cache report row, read as admin).`
      : `> **WARNING: ${sampleText}.**\n>\n${r.sampled.differences.map((d) => `> - ${d}`).join('\n')}`,
    '',
    md(HEADER),
    md(HEADER.map((_, i) => (i === 0 || i === HEADER.length - 1 ? '---' : '---:'))),
    ...rows.map(md),
    '',
    '**Scaling** (the same members, growing talk histories; fresh counts with `no-cache`; medians over one connection; ' +
      '"full scan" is the full-scan SQL on the bare server):',
    '',
    ...(scaleRows.length > 0
      ? [
          md(scaleHeader),
          md(scaleHeader.map(() => '---:')),
          ...scaleRows.map((cells) =>
            md(cells.length < scaleHeader.length ? [...cells, ...Array(scaleHeader.length - cells.length).fill('')] : cells),
          ),
        ]
      : ['Not run (--no-scaling).']),
    '',
    `**Memory:** ${memoryLine}.`,
    '',
    `**Soak** (mixed reads and writes; each part's rate is its share of the capacity the parts measured alone imply): ${soakLines[0].replace(/^Soak: /, '')}`,
    '',
    ...(soakRows.length > 0
      ? [md(soakHeader), md(soakHeader.map((_, i) => (i === 0 || i === soakHeader.length - 1 ? '---' : '---:'))), ...soakRows.map(md), '']
      : []),
    '**Imports** (CSV over HTTP into a fresh database, members first):',
    '',
    ...importLines.map((l) => `- ${l}`),
    '',
    'Report counts are cached while none of the tables they read has changed (PostgreSQL notifies the',
    'service of every committed write); rows marked `no-cache` send `Cache-Control: no-cache`, which counts',
    'afresh: that is the time of the first request after a change.',
    '',
    'Targets: candidates < 10 ms median, rankings (first page and by region) < 150 ms, every balance, funnel and',
    "equity report < 30 ms counted afresh (no-cache), POST /nominations at least 0.9x the baseline's throughput",
    '(other reads at least half), peak memory under 300 MB, 1,000,000 talks imported in well under a minute.',
    'The full-scan SQL (test/support/full-scan.ts) is how the answers were computed from the raw tables before the',
    'service kept aggregates; "median / full-scan" is the service\'s median over the full scan\'s.',
    '',
  ].join('\n');
  return { console: consoleText, markdown };
}

main().catch((error) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
