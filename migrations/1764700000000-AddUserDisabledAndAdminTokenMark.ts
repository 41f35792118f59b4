import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accounts an admin can switch off, and the bootstrap admin whose token comes from ADMIN_TOKEN marked
 * as such, so that a start without the variable (or with another value) can retire the old token.
 * A retired or never-issued token is NULL: no presented token can match it.
 *
 * Existing bootstrap admins are found by what the earlier start-up wrote: the ADMIN_TOKEN branch made
 * `admin+<time>@bootstrap.local`, and granted admin to an existing holder of the token with an
 * actor-less `user.grant-admin` audit entry.
 */
export class AddUserDisabledAndAdminTokenMark1764700000000 implements MigrationInterface {
  name = 'AddUserDisabledAndAdminTokenMark1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE app_user ADD COLUMN disabled boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE app_user ADD COLUMN from_admin_token boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE app_user ALTER COLUMN token_hash DROP NOT NULL`);
    await q.query(`
      UPDATE app_user SET from_admin_token = true
      WHERE email LIKE 'admin+%@bootstrap.local'
         OR id::text IN (SELECT entity_id FROM audit_event WHERE action = 'user.grant-admin' AND actor_id IS NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Retired tokens have no hash; give them one nobody holds so the column can be NOT NULL again.
    await q.query(`UPDATE app_user SET token_hash = 'retired-' || id WHERE token_hash IS NULL`);
    await q.query(`ALTER TABLE app_user ALTER COLUMN token_hash SET NOT NULL`);
    await q.query(`ALTER TABLE app_user DROP COLUMN from_admin_token`);
    await q.query(`ALTER TABLE app_user DROP COLUMN disabled`);
  }
}
