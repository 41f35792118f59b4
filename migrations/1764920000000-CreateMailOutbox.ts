import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox: every mail the service sends is first a row here, written in the same transaction as
 * the change it tells of, so a mail exists exactly when its change committed. A job queue (pg-boss, in
 * its own schema `pgboss`, which it creates itself) delivers it; without SMTP_URL it stays `held`, to be
 * read at GET /outbox. `dedupe_key` keeps a mail that must go out once per event (a reminder, an
 * outcome, a day's digest) to one row however often the job that writes it runs.
 *
 * invitation_link: the single-use answer links in invitation and reminder mails; the link carries a
 * signed token naming its row, which records when it expires and when it was used.
 * invitation_link_key: the signing secret, made by the first service that needs it, never shown.
 */
export class CreateMailOutbox1764920000000 implements MigrationInterface {
  name = 'CreateMailOutbox1764920000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE mail_outbox (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL CHECK (kind IN ('invitation','reminder','expired','answer','outcome','digest')),
        dedupe_key text UNIQUE,
        recipients text[] NOT NULL CHECK (cardinality(recipients) > 0),
        subject text NOT NULL,
        body text NOT NULL,
        attachments jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(attachments) = 'array'),
        allocation_id uuid REFERENCES allocation (id),
        status text NOT NULL CHECK (status IN ('held','queued','sending','sent','failed')),
        attempts int NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        last_error text,
        message_id text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        CHECK ((status = 'sent') = (sent_at IS NOT NULL))
      );
      CREATE INDEX mail_outbox_created_idx ON mail_outbox (created_at DESC, id);
      CREATE INDEX mail_outbox_status_idx ON mail_outbox (status);
      CREATE INDEX mail_outbox_allocation_idx ON mail_outbox (allocation_id) WHERE allocation_id IS NOT NULL;

      CREATE TABLE invitation_link (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        allocation_id uuid NOT NULL REFERENCES allocation (id),
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        answer text CHECK (answer IN ('accepted','declined')),
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((used_at IS NULL) = (answer IS NULL))
      );
      CREATE INDEX invitation_link_allocation_idx ON invitation_link (allocation_id);

      CREATE TABLE invitation_link_key (
        id boolean PRIMARY KEY DEFAULT true CHECK (id),
        secret bytea NOT NULL CHECK (length(secret) = 32),
        created_at timestamptz NOT NULL DEFAULT now()
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE invitation_link_key, invitation_link, mail_outbox`);
  }
}
