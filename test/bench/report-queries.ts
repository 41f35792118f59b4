// The reports beyond the balance table, as the baseline server runs them: the same SQL builders the
// reports service uses for a monitor (gender counts split by quarter, up to the last quarter that has
// ended), keyed by name.
import { previousQuarterEnd } from '../../src/privacy/reporting-period';
import { equityCountQuery, funnelCountQuery, SqlQuery, trendCountQuery } from '../../src/reports/balance.sql';

export function baselineReportQueries(today: string): Record<'funnel' | 'equity' | 'trends', SqlQuery> {
  const to = previousQuarterEnd(today);
  return {
    funnel: funnelCountQuery('gender', { to }, to, true),
    equity: equityCountQuery({ to }, true),
    trends: trendCountQuery('talks', 'gender', trendPeriod(today), true, 'members'),
  };
}

/** The default period of GET /reports/trends for a monitor: ten calendar years to the last quarter ended. */
export function trendPeriod(today: string): { from: string; to: string } {
  const to = previousQuarterEnd(today);
  return { from: `${Number(to.slice(0, 4)) - 9}-01-01`, to };
}
