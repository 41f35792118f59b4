import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestDatabaseState {
  adminUrl: string;
  template: string;
  dataDir?: string;
}

/** Written by the Jest main process; workers are its children. */
export const stateFile = (pid: number) => join(tmpdir(), `sa-test-state-${pid}.json`);

export function readState(): TestDatabaseState {
  if (process.env.SA_TEST_STATE) return JSON.parse(process.env.SA_TEST_STATE) as TestDatabaseState;
  const file = [stateFile(process.pid), stateFile(process.ppid)].find(existsSync);
  if (!file) throw new Error('No test database: run the tests through jest (its globalSetup starts PostgreSQL)');
  return JSON.parse(readFileSync(file, 'utf8')) as TestDatabaseState;
}
