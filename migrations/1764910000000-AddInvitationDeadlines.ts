import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Invitations wait for an answer until respond_by (the slot's or the conference's respond_within_days
 * after the invitation, 7 days by default); a reminder goes out before, and one that is still open then
 * becomes `expired`: the seat is free again (the seat trigger counts only invited and accepted) and,
 * like a decline, it never counts against the person. reminded_at keeps the reminder to one.
 */
export class AddInvitationDeadlines1764910000000 implements MigrationInterface {
  name = 'AddInvitationDeadlines1764910000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE allocation DROP CONSTRAINT allocation_status_check;
      ALTER TABLE allocation ADD CONSTRAINT allocation_status_check
        CHECK (status IN ('invited','accepted','declined','withdrawn','expired'));
      ALTER TABLE allocation
        ADD COLUMN respond_by timestamptz,
        ADD COLUMN reminded_at timestamptz;
      CREATE INDEX allocation_open_invitation_idx ON allocation (respond_by) WHERE status = 'invited';
      ALTER TABLE conference ADD COLUMN respond_within_days int CHECK (respond_within_days BETWEEN 1 AND 90);
      ALTER TABLE slot ADD COLUMN respond_within_days int CHECK (respond_within_days BETWEEN 1 AND 90);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE slot DROP COLUMN respond_within_days;
      ALTER TABLE conference DROP COLUMN respond_within_days;
      DROP INDEX allocation_open_invitation_idx;
      ALTER TABLE allocation DROP COLUMN reminded_at, DROP COLUMN respond_by;
      UPDATE allocation SET status = 'declined' WHERE status = 'expired';
      ALTER TABLE allocation DROP CONSTRAINT allocation_status_check;
      ALTER TABLE allocation ADD CONSTRAINT allocation_status_check
        CHECK (status IN ('invited','accepted','declined','withdrawn'));
    `);
  }
}
