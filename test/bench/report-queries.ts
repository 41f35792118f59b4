// The reports beyond the balance table, as the baseline server runs them: the same SQL builders the
// reports service uses, with the service's defaults (to = today, no from), keyed by name.
import { equityCountQuery, funnelCountQuery, SqlQuery } from '../../src/reports/balance.sql';

export function baselineReportQueries(today: string): Record<'funnel' | 'equity', SqlQuery> {
  return {
    funnel: funnelCountQuery('gender', { to: today }),
    equity: equityCountQuery({ to: today }),
  };
}
