// The reports' SQL. The counting statements are built by balance.sql.ts (which names the tables each
// reads, for the report cache); this runs them. Besides: region (a filter's check) and
// report_noise_key, written once.
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SqlQuery } from './balance.sql';
import { storedNoiseKey } from '../privacy/noise-key.repository';

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

  /** The key of the report noise, shared by every report (src/privacy/noise-key.repository.ts). */
  noiseKey(): Promise<Buffer> {
    return storedNoiseKey(this.dataSource);
  }
}
