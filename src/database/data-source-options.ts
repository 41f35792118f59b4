import { types } from 'pg';
import { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { ENTITIES } from './entities';
import { SnakeNamingStrategy } from './snake-naming.strategy';

// Calendar dates stay ISO strings ('2026-03-14'); turning them into JS Dates shifts them by time zone.
types.setTypeParser(types.builtins.DATE, (value) => value);
// count(*) and other bigints: small enough here to be numbers.
types.setTypeParser(types.builtins.INT8, (value) => Number(value));
types.setTypeParser(types.builtins.NUMERIC, (value) => Number(value));

export function dataSourceOptions(url: string, overrides: Partial<DataSourceOptions> = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTransactionMode: 'all',
    synchronize: false,
    namingStrategy: new SnakeNamingStrategy(),
    extra: {
      max: Number(process.env.DB_POOL_SIZE ?? 10),
      connectionTimeoutMillis: 5_000,
      // One slow query must not hang the service.
      statement_timeout: Number(process.env.DB_STATEMENT_TIMEOUT_MS ?? 30_000),
      idle_in_transaction_session_timeout: 60_000,
      application_name: 'speaker-allocation',
    },
    ...overrides,
  } as DataSourceOptions;
}
