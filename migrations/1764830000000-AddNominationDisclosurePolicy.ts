import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a member is told about the nominations of them (GET /me/nominations): by default neither who
 * nominated nor why, unless the committee's policy says otherwise. Versioned like the rank policy, so
 * what a member could read at a date can be answered later; version 1 discloses nothing.
 */
export class AddNominationDisclosurePolicy1764830000000 implements MigrationInterface {
  name = 'AddNominationDisclosurePolicy1764830000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE nomination_disclosure_policy (
        version int PRIMARY KEY CHECK (version >= 1),
        show_nominator boolean NOT NULL,
        show_reason boolean NOT NULL,
        note text,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by uuid REFERENCES app_user (id)
      );
      INSERT INTO nomination_disclosure_policy (version, show_nominator, show_reason, note)
      VALUES (1, false, false, 'Default: members see that they were nominated, not by whom or why');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE nomination_disclosure_policy`);
  }
}
