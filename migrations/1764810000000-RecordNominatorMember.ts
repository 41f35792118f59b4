import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A nomination keeps who nominated as a member of the collaboration, and that member's institute on
 * the day: the committee sees a nomination from the nominee's own institute (a conflict of interest)
 * without cross-querying, and a later move of the nominator rewrites nothing. Null for nominators
 * whose account is linked to no member record (older nominations, service accounts).
 * A slot may allow self-nomination (calls for volunteers); by default it does not.
 */
export class RecordNominatorMember1764810000000 implements MigrationInterface {
  name = 'RecordNominatorMember1764810000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE nomination
        ADD COLUMN nominator_member_id uuid REFERENCES member (id),
        ADD COLUMN nominator_institute_id uuid REFERENCES institute (id),
        ADD CONSTRAINT nomination_nominator_institute_with_member
          CHECK (nominator_institute_id IS NULL OR nominator_member_id IS NOT NULL);
      CREATE INDEX nomination_nominator_member_idx ON nomination (nominator_member_id) WHERE nominator_member_id IS NOT NULL;
      ALTER TABLE slot ADD COLUMN self_nomination_allowed boolean NOT NULL DEFAULT false;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE slot DROP COLUMN self_nomination_allowed;
      ALTER TABLE nomination DROP COLUMN nominator_institute_id, DROP COLUMN nominator_member_id;
    `);
  }
}
