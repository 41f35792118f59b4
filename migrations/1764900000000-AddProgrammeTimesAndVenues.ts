import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A programme with times: a slot lasts durationMinutes in a room; a conference has a venue city (its
 * country is already kept) and the IANA time zone its local times are read in. All optional, so a
 * conference planned before its schedule exists reads as before.
 */
export class AddProgrammeTimesAndVenues1764900000000 implements MigrationInterface {
  name = 'AddProgrammeTimesAndVenues1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE conference
        ADD COLUMN city text CHECK (length(city) BETWEEN 1 AND 200),
        ADD COLUMN time_zone text CHECK (time_zone ~ '^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$');
      ALTER TABLE slot
        ADD COLUMN duration_minutes int CHECK (duration_minutes BETWEEN 1 AND 1440),
        ADD COLUMN room text CHECK (length(room) BETWEEN 1 AND 200);
      CREATE INDEX slot_starts_at_idx ON slot (conference_id, starts_at) WHERE starts_at IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX slot_starts_at_idx;
      ALTER TABLE slot DROP COLUMN room, DROP COLUMN duration_minutes;
      ALTER TABLE conference DROP COLUMN time_zone, DROP COLUMN city;
    `);
  }
}
