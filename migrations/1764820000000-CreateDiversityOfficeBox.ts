import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The diversity office's anonymous message box, read by the DO co-chairs (role do-chair). A message
 * keeps no link to whoever sent it, not even encrypted, and only the day it arrived: a time to the
 * second could be matched against request logs. The text is encrypted by the application with the
 * INCIDENT_KEY keyring (AES-256-GCM, bound to the message id). Messages are never deleted; a co-chair
 * marks one as dealt with (or new again), which is audited.
 */
export class CreateDiversityOfficeBox1764820000000 implements MigrationInterface {
  name = 'CreateDiversityOfficeBox1764820000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE diversity_office_message (
        id uuid PRIMARY KEY,
        body bytea NOT NULL,
        conference_id uuid REFERENCES conference (id),
        received_on date NOT NULL DEFAULT current_date,
        status text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'dealt_with')),
        version int NOT NULL DEFAULT 1 CHECK (version >= 1)
      );
      CREATE INDEX diversity_office_message_received_idx ON diversity_office_message (received_on, status);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE diversity_office_message`);
  }
}
