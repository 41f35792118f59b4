import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Leadership positions, who held them when (appointments: history is only ever added to; ending one
 * sets ends_on), open calls for a position, and the nominations a call takes.
 *
 * An appointment snapshots the holder's career stage, institute and region on its first day, as a
 * talk does, so later promotions or moves never rewrite who led. A broken term rule is recorded
 * with the reason it was overridden. record_key is the random key the gender reports' noise is drawn
 * with (see AddRecordKeys), never shown.
 */
export class CreateLeadershipPositions1765200000000 implements MigrationInterface {
  name = 'CreateLeadershipPositions1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE leadership_position (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        title text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 300),
        level text NOT NULL CHECK (level ~ '^L[1-9]$'),
        area text NOT NULL CHECK (area IN ('management', 'physics', 'detector', 'upgrade', 'computing', 'operations', 'publications', 'outreach', 'other')),
        kind text NOT NULL CHECK (kind IN ('spokesperson', 'coordinator', 'convener', 'deputy', 'manager', 'chair', 'editor', 'other')),
        mandate text NOT NULL DEFAULT '' CHECK (length(mandate) <= 10000),
        requirements text NOT NULL DEFAULT '' CHECK (length(requirements) <= 10000),
        term_years smallint NOT NULL CHECK (term_years BETWEEN 1 AND 10),
        max_terms smallint NOT NULL CHECK (max_terms BETWEEN 1 AND 10),
        seats smallint NOT NULL DEFAULT 1 CHECK (seats BETWEEN 1 AND 100),
        allocates_resources boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        version int NOT NULL DEFAULT 1 CHECK (version >= 1)
      );
      CREATE UNIQUE INDEX leadership_position_title_key ON leadership_position (lower(title));

      CREATE TABLE leadership_call (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        position_id uuid NOT NULL REFERENCES leadership_position (id),
        opens_on date NOT NULL DEFAULT current_date,
        deadline date NOT NULL,
        term_starts_on date NOT NULL,
        note text NOT NULL DEFAULT '' CHECK (length(note) <= 4000),
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'decided', 'cancelled')),
        rationale text CHECK (rationale IS NULL OR length(btrim(rationale)) BETWEEN 1 AND 4000),
        decided_at timestamptz,
        decided_by uuid REFERENCES app_user (id),
        created_by uuid REFERENCES app_user (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        version int NOT NULL DEFAULT 1 CHECK (version >= 1),
        CHECK (deadline >= opens_on),
        CHECK (term_starts_on >= deadline),
        CHECK ((status = 'decided') = (decided_at IS NOT NULL AND rationale IS NOT NULL))
      );
      CREATE INDEX leadership_call_position_idx ON leadership_call (position_id);

      CREATE TABLE leadership_appointment (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        position_id uuid NOT NULL REFERENCES leadership_position (id),
        member_id uuid NOT NULL REFERENCES member (id),
        starts_on date NOT NULL,
        ends_on date,
        -- The end of the term under the position's rules when the appointment was made.
        term_ends_on date NOT NULL,
        career_stage text NOT NULL CHECK (career_stage IN ('student', 'postdoc', 'nontenured', 'tenured', 'engineer', 'other')),
        institute_id uuid NOT NULL REFERENCES institute (id),
        region_code text NOT NULL REFERENCES region (code) ON UPDATE CASCADE,
        source text NOT NULL CHECK (source IN ('direct', 'call', 'import')),
        call_id uuid REFERENCES leadership_call (id),
        overridden_rules text[] NOT NULL DEFAULT '{}',
        override_reason text CHECK (override_reason IS NULL OR length(btrim(override_reason)) BETWEEN 1 AND 4000),
        end_reason text CHECK (end_reason IS NULL OR length(end_reason) <= 4000),
        record_key smallint NOT NULL DEFAULT floor(random() * 256)::smallint CHECK (record_key BETWEEN 0 AND 255),
        created_by uuid REFERENCES app_user (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        version int NOT NULL DEFAULT 1 CHECK (version >= 1),
        CHECK (ends_on IS NULL OR ends_on > starts_on),
        CHECK (term_ends_on > starts_on),
        CHECK (cardinality(overridden_rules) = 0 OR override_reason IS NOT NULL),
        CHECK ((source = 'call') = (call_id IS NOT NULL))
      );
      CREATE INDEX leadership_appointment_position_idx ON leadership_appointment (position_id, starts_on);
      CREATE INDEX leadership_appointment_member_idx ON leadership_appointment (member_id, starts_on);
      -- A call fills one seat: at most one appointment comes from it.
      CREATE UNIQUE INDEX leadership_appointment_call_key ON leadership_appointment (call_id) WHERE call_id IS NOT NULL;

      CREATE TABLE leadership_nomination (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        call_id uuid NOT NULL REFERENCES leadership_call (id),
        member_id uuid NOT NULL REFERENCES member (id),
        nominator_id uuid NOT NULL REFERENCES app_user (id),
        nominator_member_id uuid REFERENCES member (id),
        statement text NOT NULL CHECK (length(btrim(statement)) BETWEEN 1 AND 4000),
        status text NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted', 'withdrawn', 'appointed', 'not-appointed')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX leadership_nomination_active_key ON leadership_nomination (call_id, member_id) WHERE status <> 'withdrawn';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE leadership_nomination, leadership_appointment, leadership_call, leadership_position`);
  }
}
