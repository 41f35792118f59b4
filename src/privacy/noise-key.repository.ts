// The stored secret the report noise is drawn with (table report_noise_key, one row). Reports, the
// leadership review and the mentorship round's report read the same key, so the same cell gets the
// same noise whichever of them publishes it.
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';

/** The key: the first to need it stores a new random one, every later reader (and every restart) reads that. */
export async function storedNoiseKey(dataSource: DataSource): Promise<Buffer> {
  await dataSource.query(`INSERT INTO report_noise_key (secret) VALUES ($1) ON CONFLICT (id) DO NOTHING`, [randomBytes(32)]);
  const [row] = await dataSource.query(`SELECT secret FROM report_noise_key`);
  return row.secret as Buffer;
}
