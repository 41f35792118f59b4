import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The membership counted per cell as it stood on any day, kept by the database, so a report of the
 * collaboration (or its authors) on a day reads a few thousand rows instead of every member with
 * their histories.
 *
 * A member's time in the collaboration, [joined_on, left_on), is cut into spans (`member_span`) at
 * every day their institute, career stage or authorship changes; within a span the cell (institute,
 * career stage, gender, author) is constant. The history entry in force is the one a report uses:
 * the latest on or before the day, before the first entry the first one, without entries the
 * member's own column. `member_tally` holds per cell the days on which its count changes, ascending,
 * and after each of them how many spans the cell holds and the sum of their record keys (the noise's
 * fingerprint): the count on day d is n[width_bucket(d, days)], one look-up per cell.
 *
 * Statement triggers on member, member_career_stage and member_affiliation note the members a
 * transaction touched (`member_tally_dirty`); a deferred constraint trigger recomputes their spans and
 * the cells those spans were or are in once, at commit, under one advisory lock: an import that writes
 * members and both histories in three statements pays for one recomputation, and two transactions
 * never recompute from snapshots that miss each other. Most of the collaboration at once (an import)
 * rebuilds both tables whole.
 */
export class MaintainMemberTally1765600000000 implements MigrationInterface {
  name = 'MaintainMemberTally1765600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE member_span (
        member_id uuid NOT NULL,
        institute_id uuid NOT NULL,
        career_stage text NOT NULL,
        gender text NOT NULL,
        author boolean NOT NULL,
        starts date NOT NULL,
        -- The first day no longer in the span; NULL: still in it.
        ends date,
        record_key smallint NOT NULL,
        CHECK (ends IS NULL OR ends > starts)
      );
      CREATE INDEX member_span_member_idx ON member_span (member_id);
      CREATE INDEX member_span_cell_idx ON member_span (institute_id, career_stage, gender, author);

      CREATE TABLE member_tally (
        institute_id uuid NOT NULL,
        career_stage text NOT NULL,
        gender text NOT NULL,
        author boolean NOT NULL,
        days date[] NOT NULL,
        n int[] NOT NULL,
        k bigint[] NOT NULL,
        PRIMARY KEY (institute_id, career_stage, gender, author)
      );
      CREATE TYPE member_tally_cell AS (institute_id uuid, career_stage text, gender text, author boolean);

      -- Members written by an open transaction, and one row per such transaction for the commit trigger.
      CREATE UNLOGGED TABLE member_tally_dirty (txid bigint NOT NULL, member_id uuid NOT NULL, PRIMARY KEY (txid, member_id));
      CREATE UNLOGGED TABLE member_tally_pending (txid bigint PRIMARY KEY);

      CREATE FUNCTION member_tally_refresh(p_members uuid[]) RETURNS void LANGUAGE plpgsql AS $$
      DECLARE
        touched member_tally_cell[];
      BEGIN
        IF p_members IS NOT NULL AND cardinality(p_members) = 0 THEN RETURN; END IF;
        -- One refresh at a time; every statement below then sees what the others committed.
        PERFORM pg_advisory_xact_lock(hashtext('member_tally'));
        IF p_members IS NULL OR (cardinality(p_members) > 1000 AND cardinality(p_members) > (SELECT count(*) FROM member) / 2) THEN
          TRUNCATE member_span, member_tally;
          EXECUTE format($sql$ INSERT INTO member_span ${SPANS} $sql$, '');
          EXECUTE format($sql$ INSERT INTO member_tally ${CELLS} $sql$, 'TRUE');
          RETURN;
        END IF;
        touched := ARRAY(SELECT DISTINCT ROW(institute_id, career_stage, gender, author)::member_tally_cell
                         FROM member_span WHERE member_id = ANY (p_members));
        DELETE FROM member_span WHERE member_id = ANY (p_members);
        EXECUTE format($sql$ INSERT INTO member_span ${SPANS} $sql$, 'WHERE id = ANY ($1)') USING p_members;
        touched := ARRAY(SELECT DISTINCT c FROM unnest(touched || ARRAY(
                           SELECT ROW(institute_id, career_stage, gender, author)::member_tally_cell
                           FROM member_span WHERE member_id = ANY (p_members))) c);
        DELETE FROM member_tally t
        WHERE (t.institute_id, t.career_stage, t.gender, t.author) IN (SELECT * FROM unnest(touched));
        EXECUTE format($sql$ INSERT INTO member_tally ${CELLS} $sql$,
                       '(s.institute_id, s.career_stage, s.gender, s.author) IN (SELECT * FROM unnest($1))') USING touched;
      END $$;

      CREATE FUNCTION member_tally_note() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        tx bigint := txid_current();
      BEGIN
        IF TG_TABLE_NAME = 'member' AND TG_OP = 'UPDATE' THEN
          -- Only what a span is made of; a new name or e-mail address changes no count.
          INSERT INTO member_tally_dirty
          SELECT tx, n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
          WHERE (o.institute_id, o.career_stage, o.gender, o.joined_on, o.left_on, o.author_since, o.author_until, o.record_key)
                IS DISTINCT FROM (n.institute_id, n.career_stage, n.gender, n.joined_on, n.left_on, n.author_since, n.author_until, n.record_key)
          ON CONFLICT DO NOTHING;
        ELSIF TG_TABLE_NAME = 'member' THEN
          IF TG_OP = 'INSERT' THEN
            INSERT INTO member_tally_dirty SELECT DISTINCT tx, id FROM new_rows ON CONFLICT DO NOTHING;
          ELSE
            INSERT INTO member_tally_dirty SELECT DISTINCT tx, id FROM old_rows ON CONFLICT DO NOTHING;
          END IF;
        ELSIF TG_OP = 'INSERT' THEN
          INSERT INTO member_tally_dirty SELECT DISTINCT tx, member_id FROM new_rows ON CONFLICT DO NOTHING;
        ELSIF TG_OP = 'DELETE' THEN
          INSERT INTO member_tally_dirty SELECT DISTINCT tx, member_id FROM old_rows ON CONFLICT DO NOTHING;
        ELSE
          INSERT INTO member_tally_dirty
          SELECT tx, member_id FROM new_rows UNION SELECT tx, member_id FROM old_rows ON CONFLICT DO NOTHING;
        END IF;
        IF FOUND THEN
          INSERT INTO member_tally_pending VALUES (tx) ON CONFLICT DO NOTHING;
        END IF;
        RETURN NULL;
      END $$;

      CREATE FUNCTION member_tally_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM member_tally_refresh(ARRAY(SELECT member_id FROM member_tally_dirty WHERE txid = NEW.txid));
        DELETE FROM member_tally_dirty WHERE txid = NEW.txid;
        DELETE FROM member_tally_pending WHERE txid = NEW.txid;
        RETURN NULL;
      END $$;

      CREATE CONSTRAINT TRIGGER member_tally_at_commit AFTER INSERT ON member_tally_pending
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION member_tally_at_commit();

      ${['member', 'member_career_stage', 'member_affiliation']
        .map(
          (table) => `
        CREATE TRIGGER ${table}_member_tally_insert AFTER INSERT ON ${table}
          REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION member_tally_note();
        CREATE TRIGGER ${table}_member_tally_update AFTER UPDATE ON ${table}
          REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION member_tally_note();
        CREATE TRIGGER ${table}_member_tally_delete AFTER DELETE ON ${table}
          REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION member_tally_note();`,
        )
        .join('')}

      SELECT member_tally_refresh(NULL);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ${['member', 'member_career_stage', 'member_affiliation']
        .map(
          (table) => `
        DROP TRIGGER ${table}_member_tally_insert ON ${table};
        DROP TRIGGER ${table}_member_tally_update ON ${table};
        DROP TRIGGER ${table}_member_tally_delete ON ${table};`,
        )
        .join('')}
      DROP TRIGGER member_tally_at_commit ON member_tally_pending;
      DROP FUNCTION member_tally_at_commit, member_tally_note, member_tally_refresh;
      DROP TABLE member_tally_pending, member_tally_dirty, member_tally, member_span;
      DROP TYPE member_tally_cell;
    `);
  }
}

/**
 * The spans of the members `member %s` selects: cut at joining, at every history entry and at the
 * start and end of authorship inside the membership; each with the entries in force on its first day.
 */
const SPANS = `
  WITH m AS MATERIALIZED (
    SELECT id, gender, institute_id, career_stage, joined_on, left_on, author_since, author_until, record_key FROM member %1$s
  ),
  stage AS (
    SELECT s.member_id, s.career_stage,
           CASE WHEN row_number() OVER w = 1 THEN '-infinity'::date ELSE s.valid_from END AS valid_from,
           COALESCE(lead(s.valid_from) OVER w, 'infinity'::date) AS valid_to
    FROM member_career_stage s WHERE s.member_id IN (SELECT id FROM m)
    WINDOW w AS (PARTITION BY s.member_id ORDER BY s.valid_from)
  ),
  place AS (
    SELECT a.member_id, a.institute_id,
           CASE WHEN row_number() OVER w = 1 THEN '-infinity'::date ELSE a.valid_from END AS valid_from,
           COALESCE(lead(a.valid_from) OVER w, 'infinity'::date) AS valid_to
    FROM member_affiliation a WHERE a.member_id IN (SELECT id FROM m)
    WINDOW w AS (PARTITION BY a.member_id ORDER BY a.valid_from)
  ),
  cut AS (
    SELECT id AS member_id, joined_on AS day FROM m
    UNION
    SELECT m.id, x.day
    FROM m JOIN (SELECT member_id, valid_from AS day FROM stage UNION ALL SELECT member_id, valid_from FROM place) x ON x.member_id = m.id
    WHERE x.day > m.joined_on AND (m.left_on IS NULL OR x.day < m.left_on)
    UNION
    SELECT m.id, d.day
    FROM m CROSS JOIN LATERAL (VALUES (m.author_since), (m.author_until + 1)) d (day)
    WHERE d.day > m.joined_on AND (m.left_on IS NULL OR d.day < m.left_on)
  ),
  span AS (
    SELECT member_id, day AS starts, lead(day) OVER (PARTITION BY member_id ORDER BY day) AS next FROM cut
  )
  SELECT m.id, COALESCE(pl.institute_id, m.institute_id), COALESCE(st.career_stage, m.career_stage), m.gender,
         COALESCE(m.author_since <= s.starts AND (m.author_until IS NULL OR m.author_until >= s.starts), false),
         s.starts, COALESCE(s.next, m.left_on), m.record_key
  FROM span s
  JOIN m ON m.id = s.member_id
  LEFT JOIN stage st ON st.member_id = m.id AND st.valid_from <= s.starts AND s.starts < st.valid_to
  LEFT JOIN place pl ON pl.member_id = m.id AND pl.valid_from <= s.starts AND s.starts < pl.valid_to
  WHERE s.next IS NOT NULL OR m.left_on IS NULL OR m.left_on > s.starts`;

/** The cells `%s` selects (a condition on member_span s), from their spans: the days their count changes, with the counts after. */
const CELLS = `
  SELECT institute_id, career_stage, gender, author, array_agg(day ORDER BY day), array_agg(n ORDER BY day), array_agg(k ORDER BY day)
  FROM (
    SELECT institute_id, career_stage, gender, author, day,
           (sum(sum(n)) OVER w)::int AS n, (sum(sum(k)) OVER w)::bigint AS k
    FROM (
      SELECT s.institute_id, s.career_stage, s.gender, s.author, s.starts AS day, 1 AS n, s.record_key::bigint AS k
      FROM member_span s WHERE %1$s
      UNION ALL
      SELECT s.institute_id, s.career_stage, s.gender, s.author, s.ends, -1, -s.record_key::bigint
      FROM member_span s WHERE s.ends IS NOT NULL AND %1$s
    ) e
    GROUP BY 1, 2, 3, 4, 5
    WINDOW w AS (PARTITION BY institute_id, career_stage, gender, author ORDER BY day)
  ) c
  GROUP BY 1, 2, 3, 4`;
