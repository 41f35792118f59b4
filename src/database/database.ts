import { Logger } from '@nestjs/common';
import { RunningPostgres, startEmbeddedPostgres } from './embedded-postgres';

/** DATABASE_URL when set; otherwise an embedded PostgreSQL in DATA_DIR. */
export async function resolveDatabase(): Promise<{ url: string; embedded: RunningPostgres | null }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, embedded: null };
  const dataDir = process.env.DATA_DIR ?? './.data/pg';
  const port = process.env.EMBEDDED_PG_PORT ? Number(process.env.EMBEDDED_PG_PORT) : undefined;
  new Logger('Database').log(`DATABASE_URL is unset: starting an embedded PostgreSQL in ${dataDir}`);
  const embedded = await startEmbeddedPostgres({ dataDir, port, database: 'speaker_allocation' });
  return { url: embedded.url('speaker_allocation'), embedded };
}
