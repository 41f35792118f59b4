import { types } from 'pg';
import { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { loadConfig, ServiceConfig } from '../config/service-config';
import { ENTITIES } from './entities';
import { SnakeNamingStrategy } from './snake-naming.strategy';

// Calendar dates stay ISO strings ('2026-03-14'); turning them into JS Dates shifts them by time zone.
types.setTypeParser(types.builtins.DATE, (value) => value);
// count(*) and other bigints: small enough here to be numbers.
types.setTypeParser(types.builtins.INT8, (value) => Number(value));
types.setTypeParser(types.builtins.NUMERIC, (value) => Number(value));

/**
 * Planner settings of every connection, measured on 50,000 members / 1,000,000 talks:
 * - A parallel plan starts worker processes, which costs 20-30 ms per statement on a small server
 *   (equity 40 -> 10 ms, funnel 50 -> 19 ms in SQL without); the report and ranking statements read
 *   maintained aggregates and rarely gain that back, so a parallel plan must promise five times
 *   PostgreSQL's default saving. Large scans (a replay at a past knownAt) still go parallel.
 * - work_mem 8 MB instead of 4: the ranking keeps every member's key (about 100 bytes each) while it
 *   pages, and 4 MB sent it to disk (125 -> 110 ms).
 */
export const SESSION_OPTIONS = '-c parallel_setup_cost=5000 -c work_mem=8MB';

export type PoolSettings = Pick<ServiceConfig['database'], 'poolSize' | 'statementTimeoutMs'>;

export function dataSourceOptions(
  url: string,
  overrides: Partial<DataSourceOptions> = {},
  pool: PoolSettings = loadConfig().database,
): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTransactionMode: 'all',
    synchronize: false,
    namingStrategy: new SnakeNamingStrategy(),
    extra: {
      max: pool.poolSize,
      connectionTimeoutMillis: 5_000,
      // One slow query must not hang the service.
      statement_timeout: pool.statementTimeoutMs,
      idle_in_transaction_session_timeout: 60_000,
      application_name: 'speaker-allocation',
      options: SESSION_OPTIONS,
    },
    ...overrides,
  } as DataSourceOptions;
}
