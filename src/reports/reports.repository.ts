// The reports' SQL. The counting statements are built by balance.sql.ts (which names the tables each
// reads, for the report cache); this runs them. Besides: region (a filter's check) and
// report_noise_key, written once.
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SqlQuery } from './balance.sql';

@Injectable()
export class ReportsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The rows of one counting statement of balance.sql.ts. */
  async counts<T extends object>(query: SqlQuery): Promise<T[]> {
    return this.dataSource.query(query.text, query.values);
  }

  /** Whether the region is one of the current scheme. */
  async regionExists(code: string): Promise<boolean> {
    const [found] = await this.dataSource.query(`SELECT 1 FROM region WHERE code = $1`, [code]);
    return found !== undefined;
  }

  /**
   * The key of the report noise: the first to need it stores `candidate`, every later one (and every
   * restart) reads the one stored.
   */
  async noiseKey(candidate: Buffer): Promise<Buffer> {
    await this.dataSource.query(`INSERT INTO report_noise_key (secret) VALUES ($1) ON CONFLICT (id) DO NOTHING`, [candidate]);
    const [row] = await this.dataSource.query(`SELECT secret FROM report_noise_key`);
    return row.secret as Buffer;
  }
}
