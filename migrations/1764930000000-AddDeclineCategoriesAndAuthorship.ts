import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A decline may say what kind of reason it had (funding, travel or visa, schedule, family, other), so
 * monitors can see declines by region and career stage without the free text, which stays with the
 * committee. Members may be authors of the collaboration's papers for a span of dates, so reports can
 * use the authors as a population beside the members, as the collaboration's own statistics do.
 */
export class AddDeclineCategoriesAndAuthorship1764930000000 implements MigrationInterface {
  name = 'AddDeclineCategoriesAndAuthorship1764930000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE allocation ADD COLUMN decline_category text
        CHECK (decline_category IN ('funding', 'travel', 'schedule', 'family', 'other')),
        ADD CONSTRAINT allocation_decline_category_only_declined CHECK (decline_category IS NULL OR status = 'declined');
      CREATE INDEX allocation_declined_idx ON allocation (created_at) WHERE status = 'declined';
      ALTER TABLE member ADD COLUMN author_since date, ADD COLUMN author_until date,
        ADD CONSTRAINT member_authorship_dates CHECK (
          (author_since IS NULL AND author_until IS NULL) OR (author_since IS NOT NULL AND (author_until IS NULL OR author_until >= author_since)));
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE member DROP CONSTRAINT member_authorship_dates, DROP COLUMN author_until, DROP COLUMN author_since;
      DROP INDEX allocation_declined_idx;
      ALTER TABLE allocation DROP CONSTRAINT allocation_decline_category_only_declined, DROP COLUMN decline_category;
    `);
  }
}
