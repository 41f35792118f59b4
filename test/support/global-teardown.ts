import { rmSync } from 'node:fs';
import { Client } from 'pg';
import { readState } from './state';

export default async function globalTeardown(): Promise<void> {
  const state = readState();
  const pg = (globalThis as { __embeddedPg?: { stop(): Promise<void> } }).__embeddedPg;
  if (pg) {
    await pg.stop();
    if (state.dataDir) rmSync(state.dataDir, { recursive: true, force: true });
    return;
  }
  // An external server: leave it as we found it.
  const admin = new Client({ connectionString: state.adminUrl });
  await admin.connect();
  const { rows } = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE 'sa\\_t\\_%' OR datname = $1`, [state.template]);
  for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  await admin.end();
}
