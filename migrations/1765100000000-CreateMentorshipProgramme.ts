import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The mentorship programme (issue 22).
 *
 * - mentorship_round: one a year; sign-up window and the day matching is planned. At most one round
 *   is open (not yet published) at a time: a partial unique index holds it against races.
 * - mentorship_signup: a member's sign-up for a round as mentor, mentee or both. Career stage, stage
 *   start and institute are copied from the member's history on the day of sign-up, as nominations do,
 *   so the round's reports and the matching read what the person was then. Identity groups consented
 *   for matching are sealed (AES-256-GCM under INCIDENT_KEY) in `identity_sealed`; no column in clear
 *   says anything about them. `record_key` feeds the reports' noise fingerprint, as on other counted tables.
 * - mentorship_matching: the round's current matching (the optimiser's run, edited by coordinators),
 *   with who could not be matched and why; published once.
 * - mentorship_pair: one mentee with one mentor in a round; a mentee has at most one.
 * - mail_outbox gains the kind `mentorship` (the introduction of a published pair).
 */
export class CreateMentorshipProgramme1765100000000 implements MigrationInterface {
  name = 'CreateMentorshipProgramme1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE mentorship_round (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        year int NOT NULL UNIQUE CHECK (year BETWEEN 2000 AND 2200),
        sign_up_opens date NOT NULL,
        sign_up_closes date NOT NULL,
        matching_on date NOT NULL,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open','published')),
        created_by uuid REFERENCES app_user (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        version int NOT NULL DEFAULT 1 CHECK (version >= 1),
        CHECK (sign_up_opens <= sign_up_closes),
        CHECK (sign_up_closes <= matching_on)
      );
      CREATE UNIQUE INDEX mentorship_round_one_open ON mentorship_round ((true)) WHERE status = 'open';

      CREATE TABLE mentorship_signup (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        round_id uuid NOT NULL REFERENCES mentorship_round (id),
        member_id uuid NOT NULL REFERENCES member (id),
        role text NOT NULL CHECK (role IN ('mentor','mentee','both')),
        kinds_sought text[] NOT NULL DEFAULT '{}'
          CHECK (kinds_sought <@ ARRAY['career','relocation','allyship','connection']),
        kinds_offered text[] NOT NULL DEFAULT '{}'
          CHECK (kinds_offered <@ ARRAY['career','relocation','allyship','connection']),
        capacity int NOT NULL DEFAULT 0 CHECK (capacity BETWEEN 0 AND 10),
        region_preference text NOT NULL DEFAULT 'any' CHECK (region_preference IN ('same','other','any')),
        time_zone text CHECK (length(time_zone) BETWEEN 1 AND 64),
        languages text[] NOT NULL DEFAULT '{}' CHECK (cardinality(languages) <= 10),
        identity_sealed bytea,
        continue_with_previous boolean NOT NULL DEFAULT false,
        career_stage text NOT NULL
          CHECK (career_stage IN ('student','postdoc','nontenured','tenured','engineer','other')),
        stage_since date NOT NULL,
        institute_id uuid NOT NULL REFERENCES institute (id),
        created_by uuid REFERENCES app_user (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        version int NOT NULL DEFAULT 1 CHECK (version >= 1),
        record_key smallint NOT NULL DEFAULT floor(random() * 256)::smallint CHECK (record_key BETWEEN 0 AND 255),
        UNIQUE (round_id, member_id),
        -- A mentor offers something and takes someone; a mentee seeks something.
        CHECK (role = 'mentee' OR (capacity >= 1 AND cardinality(kinds_offered) >= 1)),
        CHECK (role = 'mentor' OR cardinality(kinds_sought) >= 1),
        CHECK (role <> 'mentee' OR (capacity = 0 AND cardinality(kinds_offered) = 0)),
        CHECK (role <> 'mentor' OR cardinality(kinds_sought) = 0)
      );
      CREATE INDEX mentorship_signup_member_idx ON mentorship_signup (member_id);

      CREATE TABLE mentorship_matching (
        round_id uuid PRIMARY KEY REFERENCES mentorship_round (id),
        objective double precision NOT NULL,
        unmatched jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(unmatched) = 'array'),
        continuations jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(continuations) = 'array'),
        solved_by uuid REFERENCES app_user (id),
        solved_at timestamptz NOT NULL DEFAULT now(),
        edited_at timestamptz,
        published_by uuid REFERENCES app_user (id),
        published_at timestamptz,
        version int NOT NULL DEFAULT 1 CHECK (version >= 1),
        CHECK ((published_at IS NULL) = (published_by IS NULL))
      );

      CREATE TABLE mentorship_pair (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        round_id uuid NOT NULL REFERENCES mentorship_matching (round_id),
        mentor_signup_id uuid NOT NULL REFERENCES mentorship_signup (id),
        mentee_signup_id uuid NOT NULL REFERENCES mentorship_signup (id),
        score double precision NOT NULL,
        components jsonb NOT NULL CHECK (jsonb_typeof(components) = 'array'),
        source text NOT NULL CHECK (source IN ('optimiser','continued','coordinator')),
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (round_id, mentee_signup_id),
        CHECK (mentor_signup_id <> mentee_signup_id)
      );
      CREATE INDEX mentorship_pair_mentor_idx ON mentorship_pair (mentor_signup_id);

      ALTER TABLE mail_outbox DROP CONSTRAINT mail_outbox_kind_check;
      ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_kind_check
        CHECK (kind IN ('invitation','reminder','expired','answer','outcome','digest','mentorship'));
    `);
  }

  /** Refused by the kind check once a mentorship mail was written: reverting must not drop mail on record. */
  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE mail_outbox DROP CONSTRAINT mail_outbox_kind_check;
      ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_kind_check
        CHECK (kind IN ('invitation','reminder','expired','answer','outcome','digest'));
      DROP TABLE mentorship_pair, mentorship_matching, mentorship_signup, mentorship_round;
    `);
  }
}
