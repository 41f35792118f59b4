import type { Pool, PoolClient, QueryResultRow } from 'pg';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { DataSource, EntityManager } from 'typeorm';

/** A statement PostgreSQL parses and plans once per connection instead of once per call. */
export interface PreparedStatement {
  /** Unique per statement text: a connection that has prepared it runs it by this name. */
  name: string;
  text: string;
}

/**
 * Runs a prepared statement on the service's connection pool (same settings and timeouts as every other
 * query), outside any transaction: a single statement commits on its own. For hot write paths whose
 * one statement is large, where parsing and planning it would cost more than running it. TypeORM does
 * not see the statement; the change feed still hears of its writes (every pool connection listens).
 */
export async function runPrepared<T extends QueryResultRow>(
  dataSource: DataSource,
  statement: PreparedStatement,
  values: unknown[],
): Promise<T[]> {
  const pool = (dataSource.driver as PostgresDriver).master as Pool;
  const { rows } = await pool.query<T>({ name: statement.name, text: statement.text, values });
  return rows;
}

/**
 * Runs a prepared read through `manager`: on its transaction's connection when it has one, so that it
 * sees that transaction's writes; otherwise as runPrepared does.
 */
export async function queryPrepared<T extends QueryResultRow>(
  manager: EntityManager,
  statement: PreparedStatement,
  values: unknown[],
): Promise<T[]> {
  const runner = manager.queryRunner;
  if (!runner || runner.isReleased) return runPrepared<T>(manager.connection, statement, values);
  const client = (await runner.connect()) as PoolClient;
  const { rows } = await client.query<T>({ name: statement.name, text: statement.text, values });
  return rows;
}
