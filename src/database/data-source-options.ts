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
    },
    ...overrides,
  } as DataSourceOptions;
}
