import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A slot's candidates are listed with the ids of their counted talks. With the id in the per-member
 * index too, reading a nominee's talks in the window is an index-only scan: no visit to a heap page
 * per talk. The index is rebuilt under its own name, so nothing that relies on it changes.
 */
export class IncludeTalkIdInMemberDateIndex1765350000000 implements MigrationInterface {
  name = 'IncludeTalkIdInMemberDateIndex1765350000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX talk_member_date_idx;
      CREATE INDEX talk_member_date_idx ON talk (member_id, date) INCLUDE (id, conference_id, talk_type);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX talk_member_date_idx;
      CREATE INDEX talk_member_date_idx ON talk (member_id, date) INCLUDE (conference_id, talk_type);
    `);
  }
}
