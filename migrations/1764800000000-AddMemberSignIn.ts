import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sign-in through the collaboration's identity provider (OpenID Connect).
 *
 * - Accounts may be linked to a member record (by the provider's claims or by an admin); the role
 *   `member` is only ever held by a linked account. The roles vocabulary gains `member` and
 *   `do-chair` (and `mentorship-coordinator`, which the contract fixes for a later feature).
 * - An account created by a sign-in is keyed by (issuer, subject). Its roles follow the provider's
 *   groups, so it may hold none (so may a disabled account); its e-mail may equal a service account's
 *   (two credentials of possibly the same person, and neither may take the other over).
 * - sign_in_attempt: one row per started authorization code flow (PKCE verifier, state, nonce),
 *   found again by the hash of a browser-bound cookie, used once.
 * - sign_in_session: a browser session. Only the hash of its secret is stored; the provider's tokens
 *   (for re-reading the groups) are sealed with a key derived from that secret, so the database alone
 *   can neither resume a session nor call the provider as the person.
 */
export class AddMemberSignIn1764800000000 implements MigrationInterface {
  name = 'AddMemberSignIn1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE app_user DROP CONSTRAINT app_user_roles_check;
      ALTER TABLE app_user
        ADD COLUMN member_id uuid REFERENCES member (id),
        ADD COLUMN identity_issuer text,
        ADD COLUMN identity_subject text;
      ALTER TABLE app_user
        ADD CONSTRAINT app_user_roles_check CHECK (
          roles <@ ARRAY['admin','committee','nominator','monitor','contact','member','do-chair','mentorship-coordinator']
          AND (cardinality(roles) > 0 OR identity_subject IS NOT NULL OR disabled)),
        ADD CONSTRAINT app_user_identity_complete CHECK ((identity_issuer IS NULL) = (identity_subject IS NULL)),
        ADD CONSTRAINT app_user_member_role_needs_member CHECK (NOT ('member' = ANY (roles)) OR member_id IS NOT NULL);
      CREATE UNIQUE INDEX app_user_member_key ON app_user (member_id) WHERE member_id IS NOT NULL;
      CREATE UNIQUE INDEX app_user_identity_key ON app_user (identity_issuer, identity_subject) WHERE identity_subject IS NOT NULL;
      DROP INDEX app_user_email_key;
      CREATE UNIQUE INDEX app_user_email_key ON app_user (lower(email)) WHERE identity_subject IS NULL;

      CREATE TABLE sign_in_attempt (
        binding_hash text PRIMARY KEY,
        state text NOT NULL,
        nonce text NOT NULL,
        code_verifier text NOT NULL,
        return_to text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX sign_in_attempt_created_idx ON sign_in_attempt (created_at);

      CREATE TABLE sign_in_session (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        secret_hash text NOT NULL UNIQUE,
        user_id uuid NOT NULL REFERENCES app_user (id),
        provider_tokens bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        groups_checked_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX sign_in_session_user_idx ON sign_in_session (user_id);
      CREATE INDEX sign_in_session_expires_idx ON sign_in_session (expires_at);
    `);
  }

  /**
   * Refused by the database (foreign keys, the roles check) once a signed-in account has acted or an
   * account holds only the new roles: reverting must not silently drop who did what.
   */
  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE sign_in_session, sign_in_attempt;
      DELETE FROM app_user WHERE identity_subject IS NOT NULL;
      DROP INDEX app_user_email_key;
      CREATE UNIQUE INDEX app_user_email_key ON app_user (lower(email));
      DROP INDEX app_user_identity_key, app_user_member_key;
      ALTER TABLE app_user
        DROP CONSTRAINT app_user_member_role_needs_member,
        DROP CONSTRAINT app_user_identity_complete,
        DROP CONSTRAINT app_user_roles_check;
      UPDATE app_user SET roles = array_remove(array_remove(array_remove(roles, 'member'), 'do-chair'), 'mentorship-coordinator');
      ALTER TABLE app_user DROP COLUMN identity_subject, DROP COLUMN identity_issuer, DROP COLUMN member_id;
      ALTER TABLE app_user ADD CONSTRAINT app_user_roles_check CHECK (cardinality(roles) > 0
        AND roles <@ ARRAY['admin','committee','nominator','monitor','contact']);
    `);
  }
}
