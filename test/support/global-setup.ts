// One PostgreSQL per test run (embedded unless DATABASE_URL is set) and one migrated template
// database; every test file then gets its own fresh copy of the template.
import 'reflect-metadata';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { stateFile, TestDatabaseState } from './state';

export default async function globalSetup(): Promise<void> {
  let adminUrl: string;
  let dataDir: string | undefined;
  if (process.env.DATABASE_URL) {
    adminUrl = process.env.DATABASE_URL;
  } else {
    dataDir = mkdtempSync(join(tmpdir(), 'sa-test-pg-'));
    const pg = await startEmbeddedPostgres({ dataDir, log: () => undefined });
    adminUrl = pg.url('postgres');
    (globalThis as { __embeddedPg?: typeof pg }).__embeddedPg = pg;
  }
  const template = `sa_template_${process.pid}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${template}`);
  await admin.query(`CREATE DATABASE ${template}`);
  await admin.end();

  const templateUrl = withDatabase(adminUrl, template);
  const dataSource = new DataSource(dataSourceOptions(templateUrl));
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'all' });
  await dataSource.destroy();

  const state: TestDatabaseState = { adminUrl, template, dataDir };
  writeFileSync(stateFile(process.pid), JSON.stringify(state));
  process.env.SA_TEST_STATE = JSON.stringify(state);
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
