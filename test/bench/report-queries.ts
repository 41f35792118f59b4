// The reports beyond the balance table, as the baseline server runs them: the same SQL builders the
// reports service uses for a monitor (gender counts split by quarter, up to the last quarter that has
// ended), keyed by name.
import { previousQuarterEnd } from '../../src/privacy/reporting-period';
import { equityCountQuery, funnelCountQuery, SqlQuery } from '../../src/reports/balance.sql';

export function baselineReportQueries(today: string): Record<'funnel' | 'equity', SqlQuery> {
  const to = previousQuarterEnd(today);
  return {
    funnel: funnelCountQuery('gender', { to }, to, true),
    equity: equityCountQuery({ to }, true),
  };
}
