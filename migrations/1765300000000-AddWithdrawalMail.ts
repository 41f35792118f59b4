import { MigrationInterface, QueryRunner } from 'typeorm';

/** A speaker whose invitation the committee withdraws is told: a mail of its own kind. */
export class AddWithdrawalMail1765300000000 implements MigrationInterface {
  name = 'AddWithdrawalMail1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE mail_outbox DROP CONSTRAINT mail_outbox_kind_check;
      ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_kind_check
        CHECK (kind IN ('invitation','reminder','expired','answer','outcome','digest','mentorship','withdrawn'));
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DELETE FROM mail_outbox WHERE kind = 'withdrawn';
      ALTER TABLE mail_outbox DROP CONSTRAINT mail_outbox_kind_check;
      ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_kind_check
        CHECK (kind IN ('invitation','reminder','expired','answer','outcome','digest','mentorship'));
    `);
  }
}
