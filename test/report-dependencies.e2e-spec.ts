// A cached report stays valid only while none of the tables it reads has changed, and each report
// statement declares those tables itself (src/database/sql.ts). A declaration that forgets one
// (a new join, a view, a subquery) would serve a stale report without a sound: so every shape of
// every report statement is planned by PostgreSQL here, and each table its plan reads must be declared.
import { DERIVED_TABLES, NOTIFYING_TABLES } from '../src/changes/change-feed';
import { SqlQuery } from '../src/database/sql';
import {
  balanceCountQuery,
  CountFilters,
  declinesCountQuery,
  DIMENSIONS,
  equityCountQuery,
  funnelCountQuery,
  isSnapshot,
  POPULATIONS,
  trendCountQuery,
} from '../src/reports/balance.sql';
import { holdersCountQuery, holdersTrendQuery } from '../src/leadership/leadership-reports.repository';
import { createTestApp, TestApp } from './support/test-app';

/** The tables a cached report may depend on: those that notify, and those the database derives from them. */
const WATCHED: readonly string[] = [...NOTIFYING_TABLES, ...new Set(Object.values(DERIVED_TABLES).flat())];

const CONFERENCE = '00000000-0000-4000-8000-000000000001';

/** Every relation a plan node reads, recursively. */
function relations(plan: Record<string, unknown>, into = new Set<string>()): Set<string> {
  if (typeof plan['Relation Name'] === 'string') into.add(plan['Relation Name']);
  for (const child of (plan.Plans as Record<string, unknown>[] | undefined) ?? []) relations(child, into);
  return into;
}

describe('the tables a report statement declares', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  const shapes = (): Array<[string, SqlQuery]> => {
    const out: Array<[string, SqlQuery]> = [];
    const eventFilters: CountFilters[] = [
      { to: '2026-11-30' },
      { from: '2025-01-01', to: '2026-11-30', conferenceId: CONFERENCE, talkType: 'plenary' },
      { to: '2026-11-30', tier: 'major', region: 'GERMANY' },
      { from: '2025-02-10', to: '2026-12-31', talkType: 'poster' },
    ];
    for (const population of POPULATIONS) {
      const filters = isSnapshot(population) ? [{ to: '2026-11-30' }, { to: '2026-11-30', region: 'CERN' }] : eventFilters;
      for (const dimension of DIMENSIONS) {
        for (const within of [null, ...DIMENSIONS.filter((d) => d !== dimension)]) {
          for (const [i, f] of filters.entries()) {
            out.push([`balance ${population} ${dimension} within ${within} #${i}`, balanceCountQuery(population, dimension, within, f)]);
          }
        }
        for (const baseline of POPULATIONS.filter((b) => b !== population)) {
          const f = filters[filters.length - 1];
          out.push([
            `balance ${population} ${dimension} vs ${baseline}`,
            balanceCountQuery(
              population,
              dimension,
              null,
              f,
              { population: baseline, filters: isSnapshot(baseline) ? { to: f.to, region: f.region } : f },
              true,
            ),
          ]);
          out.push([
            `trends ${population} ${dimension} vs ${baseline}`,
            trendCountQuery(population, dimension, { ...f, from: '2020-01-01' }, true, baseline),
          ]);
        }
        out.push([`trends ${population} ${dimension}`, trendCountQuery(population, dimension, { ...filters[0], from: '2020-01-01' })]);
      }
    }
    for (const dimension of DIMENSIONS) {
      out.push([`funnel ${dimension}`, funnelCountQuery(dimension, eventFilters[1], '2026-09-30', true)]);
    }
    out.push(['equity', equityCountQuery(eventFilters[1], true)], ['equity plain', equityCountQuery(eventFilters[0])]);
    for (const dimension of ['region', 'careerStage'] as const) {
      for (const f of eventFilters) out.push([`declines ${dimension} ${JSON.stringify(f)}`, declinesCountQuery(dimension, f)]);
    }
    for (const dimension of DIMENSIONS) {
      out.push([`leadership holders ${dimension}`, holdersCountQuery(['L1', 'L2'], dimension, '2026-09-30', true)]);
      out.push([`leadership trend ${dimension}`, holdersTrendQuery(['L1', 'L2'], dimension, '2020-01-01', '2026-09-30', false)]);
    }
    return out;
  };

  it("names every table PostgreSQL's plan of it reads, views resolved, for every shape of every report", async () => {
    const missing: string[] = [];
    const all = shapes();
    expect(all.length).toBeGreaterThan(300);
    for (const [name, query] of all) {
      const [
        {
          'QUERY PLAN': [{ Plan: plan }],
        },
      ] = await t.dataSource.query(`EXPLAIN (VERBOSE, FORMAT JSON) ${query.text}`, query.values);
      const read = [...relations(plan)].filter((r) => WATCHED.includes(r));
      const undeclared = read.filter((r) => !(query.tables ?? []).includes(r));
      if (undeclared.length) missing.push(`${name}: ${undeclared.join(', ')}`);
    }
    expect(missing).toEqual([]);
  }, 120_000);
});
