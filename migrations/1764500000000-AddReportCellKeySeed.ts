import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The secret behind the record keys of the cell-key method (src/reports/cell-key.ts): each counted
 * record's key is a hash of its id seeded with this value, so the noise on a gender count depends only
 * on which records the count holds, and nobody who can see record ids can compute it. Drawn once per
 * database, at migration time; it never changes, or repeated reports could be averaged.
 */
export class AddReportCellKeySeed1764500000000 implements MigrationInterface {
  name = 'AddReportCellKeySeed1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE report_cell_key (
        only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
        seed bigint NOT NULL
      )`);
    // 60 random bits: the first eight bytes of a random (version 4) UUID, whose version takes four.
    await q.query(`INSERT INTO report_cell_key (seed)
                   SELECT ('x' || encode(substring(uuid_send(gen_random_uuid()) FROM 1 FOR 8), 'hex'))::bit(64)::bigint`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE report_cell_key`);
  }
}
