import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Harassment reports for the conference contact person. Everything a reporter or the contact writes
 * (and the link to a named reporter) is stored encrypted by the application (AES-256-GCM, bytea);
 * the database only sees what it needs to route and order the work: conference, status, dates.
 * Anonymous reports have no reporter columns at all, which the CHECK makes impossible to get wrong.
 */
export class CreateIncidentTables1764100000000 implements MigrationInterface {
  name = 'CreateIncidentTables1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE incident (
        id uuid PRIMARY KEY,
        conference_id uuid NOT NULL REFERENCES conference (id),
        occurred_on date,
        anonymous boolean NOT NULL,
        description bytea NOT NULL,
        concerns bytea,
        reporter bytea,
        reporter_lookup bytea,
        follow_up_code_hash text NOT NULL UNIQUE,
        status text NOT NULL DEFAULT 'received'
          CHECK (status IN ('received', 'in_follow_up', 'action_recommended', 'action_taken', 'closed')),
        version int NOT NULL DEFAULT 1 CHECK (version >= 1),
        received_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT incident_reporter_only_when_named CHECK (
          (anonymous AND reporter IS NULL AND reporter_lookup IS NULL)
          OR (NOT anonymous AND reporter IS NOT NULL AND reporter_lookup IS NOT NULL))
      );
      CREATE INDEX incident_status_idx ON incident (status, received_at);
      CREATE INDEX incident_conference_idx ON incident (conference_id);
      CREATE INDEX incident_reporter_lookup_idx ON incident (reporter_lookup) WHERE reporter_lookup IS NOT NULL;

      -- What happened to a report afterwards: the reporter's additions (never attributed to anyone),
      -- the contact's notes, and status changes with the action recommended or taken.
      CREATE TABLE incident_entry (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        incident_id uuid NOT NULL REFERENCES incident (id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('addition', 'note', 'status_change')),
        author_id uuid REFERENCES app_user (id),
        body bytea,
        from_status text,
        to_status text,
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        CONSTRAINT incident_entry_addition_unattributed CHECK (kind <> 'addition' OR author_id IS NULL),
        CONSTRAINT incident_entry_text_present CHECK (kind = 'status_change' OR body IS NOT NULL),
        CONSTRAINT incident_entry_status_change_complete CHECK (
          (kind = 'status_change') = (from_status IS NOT NULL AND to_status IS NOT NULL))
      );
      CREATE INDEX incident_entry_incident_idx ON incident_entry (incident_id, at);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE incident_entry, incident`);
  }
}
