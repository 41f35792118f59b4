import type { Pool, QueryResultRow } from 'pg';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { DataSource } from 'typeorm';

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
 * not see the statement, so a caller that writes tells the change feed (ChangeFeed.committed).
 */
export async function runPrepared<T extends QueryResultRow>(
  dataSource: DataSource, statement: PreparedStatement, values: unknown[],
): Promise<T[]> {
  const pool = (dataSource.driver as PostgresDriver).master as Pool;
  const { rows } = await pool.query<T>({ name: statement.name, text: statement.text, values });
  return rows;
}
