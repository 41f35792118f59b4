import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Slate suggestions: what the optimiser proposed for a conference, stored with everything it was
 * given (the request, the slots and the ranked nominees at that moment) so it can be replayed exactly.
 * Genders the optimiser saw (only when a gender target was set) sit in their own column, which no
 * answer ever returns.
 */
export class CreateSlateSuggestions1764200000000 implements MigrationInterface {
  name = 'CreateSlateSuggestions1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE slate_suggestion (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        conference_id uuid NOT NULL REFERENCES conference (id),
        policy_version int NOT NULL REFERENCES rank_policy (version),
        inputs jsonb NOT NULL,
        gender_snapshot jsonb,
        result jsonb NOT NULL,
        created_by uuid REFERENCES app_user (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        accepted_at timestamptz,
        accepted_by uuid REFERENCES app_user (id)
      );
      CREATE INDEX slate_suggestion_conference_idx ON slate_suggestion (conference_id, created_at DESC);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE slate_suggestion`);
  }
}
