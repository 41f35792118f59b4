import { MigrationInterface, QueryRunner } from 'typeorm';

/** The tables whose rows the balance reports count. */
const COUNTED = ['member', 'nomination', 'allocation', 'talk'];

/**
 * The record keys of the cell-key method (src/reports/cell-key.ts): every counted row gets a random
 * number 0..255, drawn once when the row is written and never shown by the API. A gender count's noise
 * is chosen by the sum of its rows' keys, so the same rows always get the same noise, and nobody can
 * compute it. Existing rows draw theirs here.
 */
export class AddRecordKeys1764500000000 implements MigrationInterface {
  name = 'AddRecordKeys1764500000000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of COUNTED) {
      await q.query(`ALTER TABLE ${table} ADD COLUMN record_key smallint NOT NULL DEFAULT floor(random() * 256)::smallint
                     CHECK (record_key BETWEEN 0 AND 255)`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of COUNTED) await q.query(`ALTER TABLE ${table} DROP COLUMN record_key`);
  }
}
