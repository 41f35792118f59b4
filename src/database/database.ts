import { Logger } from '@nestjs/common';
import { loadConfig, ServiceConfig } from '../config/service-config';
import { RunningPostgres, startEmbeddedPostgres } from './embedded-postgres';

export const DEFAULT_DATA_DIR = './.data/pg';

/** DATABASE_URL when set; otherwise an embedded PostgreSQL in DATA_DIR. */
export async function resolveDatabase(
  settings: ServiceConfig['database'] = loadConfig().database,
): Promise<{ url: string; embedded: RunningPostgres | null }> {
  if (settings.url) return { url: settings.url, embedded: null };
  const dataDir = settings.dataDir ?? DEFAULT_DATA_DIR;
  const port = settings.embeddedPort;
  new Logger('Database').log(`DATABASE_URL is unset: starting an embedded PostgreSQL in ${dataDir}`);
  const embedded = await startEmbeddedPostgres({ dataDir, port, database: 'speaker_allocation' });
  return { url: embedded.url('speaker_allocation'), embedded };
}
