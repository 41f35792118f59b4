import { MigrationInterface, QueryRunner } from 'typeorm';

/** The tables whose committed changes the service's caches must hear of (reports and authentication). */
const NOTIFYING_TABLES = [
  'app_user',
  'region',
  'region_country',
  'institute',
  'member',
  'member_career_stage',
  'member_affiliation',
  'conference',
  'slot',
  'nomination',
  'allocation',
  'talk',
];

/**
 * One NOTIFY per writing statement on these tables, channel `sa_change`, payload the table's name.
 * PostgreSQL delivers it only if the transaction commits (and folds repeats within a transaction),
 * so a listener learns of exactly the committed changes, whichever process made them.
 */
export class AddChangeNotifications1764400000000 implements MigrationInterface {
  name = 'AddChangeNotifications1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('sa_change', TG_TABLE_NAME);
        RETURN NULL;
      END $$`);
    for (const table of NOTIFYING_TABLES) {
      await q.query(`
        CREATE TRIGGER ${table}_notify_change
        AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION notify_change()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of NOTIFYING_TABLES) await q.query(`DROP TRIGGER ${table}_notify_change ON ${table}`);
    await q.query(`DROP FUNCTION notify_change()`);
  }
}
