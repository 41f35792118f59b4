import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The whole first schema: users and the audit log, the region scheme, institutes and members with
 * their histories, conferences, slots, talks, nominations, rank policies and allocations.
 * Vocabularies are text with CHECK constraints (easier to extend than enum types).
 */
export class CreateCoreSchema1764000000000 implements MigrationInterface {
  name = 'CreateCoreSchema1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE app_user (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        email text NOT NULL,
        roles text[] NOT NULL CHECK (cardinality(roles) > 0
          AND roles <@ ARRAY['admin','committee','nominator','monitor','contact']),
        token_hash text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX app_user_email_key ON app_user (lower(email));

      CREATE TABLE audit_event (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        actor_id uuid REFERENCES app_user (id),
        actor_roles text[] NOT NULL DEFAULT '{}',
        action text NOT NULL,
        entity text NOT NULL,
        entity_id text,
        before jsonb,
        after jsonb,
        request_id text
      );
      CREATE INDEX audit_event_entity_idx ON audit_event (entity, entity_id);
      CREATE INDEX audit_event_at_idx ON audit_event (at);
      CREATE INDEX audit_event_actor_idx ON audit_event (actor_id);

      -- The log is append-only for everybody, the application's own database user included.
      CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_event is append-only' USING ERRCODE = 'insufficient_privilege';
      END $$;
      CREATE TRIGGER audit_event_no_update_delete BEFORE UPDATE OR DELETE ON audit_event
        FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
      CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
        FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();

      CREATE TABLE region (
        code text PRIMARY KEY CHECK (code ~ '^[A-Z][A-Z0-9_]{0,31}$'),
        name text NOT NULL UNIQUE,
        position int NOT NULL DEFAULT 100
      );
      CREATE TABLE region_country (
        country char(2) PRIMARY KEY,
        region_code text NOT NULL REFERENCES region (code) ON UPDATE CASCADE
      );

      CREATE TABLE institute (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        country char(2) NOT NULL,
        region_override text REFERENCES region (code) ON UPDATE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX institute_name_key ON institute (lower(name));

      -- An institute's region: its own override (CERN, JINR), else its country's, else Unassigned.
      CREATE VIEW institute_region AS
        SELECT i.id AS institute_id, COALESCE(i.region_override, rc.region_code, 'UNASSIGNED') AS region_code
        FROM institute i LEFT JOIN region_country rc ON rc.country = i.country;

      CREATE TABLE member (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        external_id text UNIQUE,
        name text NOT NULL,
        email text,
        gender text NOT NULL DEFAULT 'undisclosed' CHECK (gender IN ('woman','man','nonbinary','undisclosed')),
        institute_id uuid NOT NULL REFERENCES institute (id),
        career_stage text NOT NULL
          CHECK (career_stage IN ('student','postdoc','nontenured','tenured','engineer','other')),
        joined_on date NOT NULL DEFAULT current_date,
        left_on date,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        version int NOT NULL DEFAULT 1,
        CHECK (left_on IS NULL OR left_on >= joined_on)
      );
      CREATE UNIQUE INDEX member_email_key ON member (lower(email)) WHERE email IS NOT NULL;
      CREATE INDEX member_institute_idx ON member (institute_id);
      CREATE INDEX member_career_stage_idx ON member (career_stage);
      CREATE INDEX member_name_idx ON member (lower(name));

      -- Histories: reports and bonuses use what a person was at a date, not what they are today.
      CREATE TABLE member_career_stage (
        member_id uuid NOT NULL REFERENCES member (id) ON DELETE CASCADE,
        valid_from date NOT NULL,
        career_stage text NOT NULL
          CHECK (career_stage IN ('student','postdoc','nontenured','tenured','engineer','other')),
        PRIMARY KEY (member_id, valid_from)
      );
      CREATE TABLE member_affiliation (
        member_id uuid NOT NULL REFERENCES member (id) ON DELETE CASCADE,
        valid_from date NOT NULL,
        institute_id uuid NOT NULL REFERENCES institute (id),
        PRIMARY KEY (member_id, valid_from)
      );

      -- The entry in force at a date; before the first entry the first one applies.
      CREATE FUNCTION member_career_stage_at(p_member uuid, p_date date) RETURNS text
      LANGUAGE sql STABLE AS $$
        SELECT career_stage FROM member_career_stage
        WHERE member_id = p_member
        ORDER BY (valid_from <= p_date) DESC,
                 CASE WHEN valid_from <= p_date THEN valid_from END DESC NULLS LAST,
                 valid_from ASC
        LIMIT 1
      $$;
      CREATE FUNCTION member_institute_at(p_member uuid, p_date date) RETURNS uuid
      LANGUAGE sql STABLE AS $$
        SELECT institute_id FROM member_affiliation
        WHERE member_id = p_member
        ORDER BY (valid_from <= p_date) DESC,
                 CASE WHEN valid_from <= p_date THEN valid_from END DESC NULLS LAST,
                 valid_from ASC
        LIMIT 1
      $$;

      CREATE TABLE conference (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        start_date date NOT NULL,
        end_date date NOT NULL,
        country char(2),
        tier text NOT NULL CHECK (tier IN ('major','standard','minor')),
        url text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (end_date >= start_date)
      );
      CREATE UNIQUE INDEX conference_name_year_key ON conference (lower(name), date_part('year', start_date));
      CREATE INDEX conference_start_idx ON conference (start_date);
      CREATE INDEX conference_tier_idx ON conference (tier);

      CREATE TABLE slot (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        conference_id uuid NOT NULL REFERENCES conference (id) ON DELETE CASCADE,
        title text NOT NULL,
        talk_type text NOT NULL CHECK (talk_type IN ('plenary','parallel','poster','summary','seminar')),
        seats int NOT NULL DEFAULT 1 CHECK (seats >= 1),
        topic text,
        starts_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX slot_conference_idx ON slot (conference_id);

      CREATE TABLE rank_policy (
        version int PRIMARY KEY CHECK (version >= 1),
        weights jsonb NOT NULL,
        note text,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by uuid REFERENCES app_user (id)
      );

      CREATE TABLE nomination (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        member_id uuid NOT NULL REFERENCES member (id),
        slot_id uuid NOT NULL REFERENCES slot (id),
        nominator_id uuid NOT NULL REFERENCES app_user (id),
        reason text NOT NULL,
        status text NOT NULL DEFAULT 'submitted'
          CHECK (status IN ('submitted','shortlisted','allocated','rejected','withdrawn')),
        career_stage text NOT NULL
          CHECK (career_stage IN ('student','postdoc','nontenured','tenured','engineer','other')),
        institute_id uuid NOT NULL REFERENCES institute (id),
        committee_note text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        version int NOT NULL DEFAULT 1
      );
      CREATE UNIQUE INDEX nomination_active_key ON nomination (member_id, slot_id) WHERE status <> 'withdrawn';
      CREATE INDEX nomination_slot_idx ON nomination (slot_id, status);
      CREATE INDEX nomination_nominator_idx ON nomination (nominator_id);
      CREATE INDEX nomination_created_idx ON nomination (created_at);

      CREATE TABLE allocation (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        slot_id uuid NOT NULL REFERENCES slot (id),
        member_id uuid NOT NULL REFERENCES member (id),
        nomination_id uuid NOT NULL REFERENCES nomination (id),
        status text NOT NULL DEFAULT 'invited' CHECK (status IN ('invited','accepted','declined','withdrawn')),
        rationale text,
        decline_reason text,
        rank_at_allocation int,
        score_at_allocation double precision,
        policy_version int REFERENCES rank_policy (version),
        allocated_by uuid REFERENCES app_user (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        responded_at timestamptz,
        version int NOT NULL DEFAULT 1
      );
      CREATE UNIQUE INDEX allocation_active_key ON allocation (slot_id, member_id) WHERE status IN ('invited','accepted');
      CREATE INDEX allocation_slot_idx ON allocation (slot_id, status);
      CREATE INDEX allocation_member_idx ON allocation (member_id);

      -- Seats are enforced here, not in the application: the slot row is locked, so concurrent
      -- invitations to the same slot queue up and only as many as there are seats get through.
      CREATE FUNCTION allocation_respects_seats() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        free_seats int;
        taken int;
      BEGIN
        IF NEW.status NOT IN ('invited','accepted') THEN
          RETURN NEW;
        END IF;
        IF TG_OP = 'UPDATE' AND OLD.status IN ('invited','accepted') THEN
          RETURN NEW;
        END IF;
        SELECT seats INTO free_seats FROM slot WHERE id = NEW.slot_id FOR UPDATE;
        SELECT count(*) INTO taken FROM allocation
          WHERE slot_id = NEW.slot_id AND status IN ('invited','accepted') AND id <> NEW.id;
        IF taken >= free_seats THEN
          RAISE EXCEPTION 'every seat of slot % is taken', NEW.slot_id
            USING ERRCODE = 'exclusion_violation', CONSTRAINT = 'allocation_seats';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER allocation_seats BEFORE INSERT OR UPDATE OF status ON allocation
        FOR EACH ROW EXECUTE FUNCTION allocation_respects_seats();

      CREATE TABLE talk (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        member_id uuid NOT NULL REFERENCES member (id),
        conference_id uuid NOT NULL REFERENCES conference (id),
        talk_type text NOT NULL CHECK (talk_type IN ('plenary','parallel','poster','summary','seminar')),
        date date NOT NULL,
        title text,
        career_stage text NOT NULL
          CHECK (career_stage IN ('student','postdoc','nontenured','tenured','engineer','other')),
        institute_id uuid NOT NULL REFERENCES institute (id),
        allocation_id uuid UNIQUE REFERENCES allocation (id),
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX talk_member_date_idx ON talk (member_id, date) INCLUDE (conference_id, talk_type);
      CREATE INDEX talk_conference_idx ON talk (conference_id);
      CREATE INDEX talk_date_idx ON talk (date);
    `);
    await this.seedRegions(q);
    await q.query(`INSERT INTO rank_policy (version, weights, note) VALUES (1, $1, 'Default policy')`, [JSON.stringify(DEFAULT_WEIGHTS)]);
  }

  private async seedRegions(q: QueryRunner): Promise<void> {
    const regions: [code: string, name: string, countries: string[]][] = [
      ['CERN', 'CERN', []],
      ['FRANCE', 'France', ['FR']],
      ['GERMANY', 'Germany', ['DE']],
      ['ITALY', 'Italy', ['IT']],
      ['SWITZERLAND', 'Switzerland', ['CH']],
      ['UK', 'UK', ['GB']],
      ['USA', 'USA', ['US']],
      ['RDMS', 'Russia and Dubna', ['RU']],
      ['OTHER_CERN_MEMBERS', 'Other CERN members', ['AT', 'BE', 'BG', 'FI', 'GR', 'HU', 'PL', 'PT', 'RS', 'ES']],
      ['OTHER_STATES_A', 'Other States A', ['CN', 'IN', 'IR', 'KR', 'MY', 'NZ', 'PK', 'LK']],
      [
        'OTHER_STATES_B',
        'Other States B',
        ['BH', 'BR', 'CO', 'HR', 'CY', 'EC', 'EG', 'EE', 'IE', 'KW', 'LB', 'LT', 'MX', 'ME', 'OM', 'QA', 'SA', 'TR', 'UA'],
      ],
      ['UNASSIGNED', 'Unassigned', []],
    ];
    for (const [position, [code, name, countries]] of regions.entries()) {
      await q.query(`INSERT INTO region (code, name, position) VALUES ($1, $2, $3)`, [code, name, position]);
      for (const country of countries) {
        await q.query(`INSERT INTO region_country (country, region_code) VALUES ($1, $2)`, [country, code]);
      }
    }
    // The two institutes whose region is not their country's.
    await q.query(`INSERT INTO institute (name, country, region_override) VALUES
      ('CERN', 'CH', 'CERN'),
      ('JINR Dubna', 'RU', 'RDMS')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE talk, allocation, nomination, rank_policy, slot, conference,
        member_affiliation, member_career_stage, member CASCADE;
      DROP FUNCTION member_career_stage_at, member_institute_at, allocation_respects_seats;
      DROP VIEW institute_region;
      DROP TABLE institute, region_country, region, audit_event, app_user CASCADE;
      DROP FUNCTION audit_event_append_only;
    `);
  }
}

// Version 1 of the rank policy, as documented in the README. Frozen here: later defaults are new versions.
const DEFAULT_WEIGHTS = {
  typeWeight: { plenary: 3, summary: 3, parallel: 1, seminar: 0.5, poster: 0.25 },
  tierWeight: { major: 1.5, standard: 1, minor: 0.5 },
  halfLifeYears: 3,
  windowYears: 10,
  careerBonus: { student: 1, postdoc: 0.5, nontenured: 0, tenured: 0, engineer: 0, other: 0 },
};
