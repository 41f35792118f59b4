import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Talks counted per calendar quarter and cell, kept by the database in the writing transaction, so a
 * balance report over a million talks sums a few thousand rows.
 *
 * A cell is a combination of the attributes a report may ask for: institute (regions are read through
 * it, so a change of a country's region needs no upkeep), career stage and institute as recorded with
 * the talk, the speaker's gender, the conference's tier, the talk type. Every combination would be
 * almost as many rows as talks, so the tally is kept at a few levels, each a set of attributes (a
 * bit mask: 1 institute, 2 career stage, 4 gender, 8 tier, 16 talk type; see talk_tally_level): every
 * set without the institute, and the institute with career stage and/or gender. `n` counts the talks,
 * `k` sums their record keys (the fingerprint the noise of a published gender count is drawn from).
 * A report no level answers (a single conference; the institute with tier or talk type) counts the
 * talks themselves, as before.
 *
 * Kept by statement triggers with transition tables: talks inserted, updated or deleted; a member's
 * gender changed; a conference's tier changed. Additive upserts, so concurrent writers never lose
 * each other's counts. A cell whose talks are all gone keeps a row with n = 0; readers skip it.
 */
export class MaintainTalkTally1765500000000 implements MigrationInterface {
  name = 'MaintainTalkTally1765500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE talk_tally_level (level smallint PRIMARY KEY);
      INSERT INTO talk_tally_level (level) VALUES (${LEVELS.join('), (')});

      CREATE TABLE talk_tally (
        level smallint NOT NULL REFERENCES talk_tally_level (level),
        quarter date NOT NULL,
        institute_id uuid,
        career_stage text,
        gender text,
        tier text,
        talk_type text,
        n int NOT NULL,
        k bigint NOT NULL,
        CONSTRAINT talk_tally_cell UNIQUE NULLS NOT DISTINCT (level, quarter, institute_id, career_stage, gender, tier, talk_type)
      );

      CREATE FUNCTION talk_tally_talks_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          ${upsert(`${TALKS('new_rows', '1')}`)};
        ELSIF TG_OP = 'DELETE' THEN
          ${upsert(`${TALKS('old_rows', '-1')}`)};
        ELSE
          ${upsert(`${TALKS('new_rows', '1')} UNION ALL ${TALKS('old_rows', '-1')}`)};
        END IF;
        RETURN NULL;
      END $$;

      -- A member's gender changed: their talks move from one gender's cells to the other's.
      ${moved('talk_tally_gender_changed', 'gender', 'x.member_id = n.id JOIN conference c ON c.id = x.conference_id', 'x.institute_id, x.career_stage, g.gender, c.tier')}

      -- A conference's tier changed: its talks move from one tier's cells to the other's.
      ${moved('talk_tally_tier_changed', 'tier', 'x.conference_id = n.id JOIN member m ON m.id = x.member_id', 'x.institute_id, x.career_stage, m.gender, g.tier')}

      CREATE TRIGGER talk_tally_insert AFTER INSERT ON talk
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION talk_tally_talks_changed();
      CREATE TRIGGER talk_tally_update AFTER UPDATE ON talk
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION talk_tally_talks_changed();
      CREATE TRIGGER talk_tally_delete AFTER DELETE ON talk
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION talk_tally_talks_changed();
      CREATE TRIGGER member_talk_tally_gender AFTER UPDATE ON member
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION talk_tally_gender_changed();
      CREATE TRIGGER conference_talk_tally_tier AFTER UPDATE ON conference
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION talk_tally_tier_changed();

      ${upsert(TALKS('talk', '1'))};
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER talk_tally_insert ON talk;
      DROP TRIGGER talk_tally_update ON talk;
      DROP TRIGGER talk_tally_delete ON talk;
      DROP TRIGGER member_talk_tally_gender ON member;
      DROP TRIGGER conference_talk_tally_tier ON conference;
      DROP FUNCTION talk_tally_talks_changed, talk_tally_gender_changed, talk_tally_tier_changed;
      DROP TABLE talk_tally, talk_tally_level;
    `);
  }
}

/**
 * A trigger function for an update of `column` on the rows (members, conferences) talks point to:
 * the talks of every changed row are taken from the old value's cells and added to the new one's.
 * `talks`: how talk x joins the changed row n (and whatever else the record needs); `cells`: the
 * record's institute, stage, gender and tier, the changed one read from g.
 */
const moved = (name: string, column: string, talks: string, cells: string) => `
  CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF NOT EXISTS (SELECT 1 FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE o.${column} IS DISTINCT FROM n.${column}) THEN
      RETURN NULL;
    END IF;
    ${upsert(`
      SELECT date_trunc('quarter', x.date)::date AS quarter, ${cells}, x.talk_type, g.sign AS n, g.sign * x.record_key AS k
      FROM new_rows n JOIN old_rows o ON o.id = n.id AND o.${column} IS DISTINCT FROM n.${column}
      CROSS JOIN LATERAL (VALUES (n.${column}, 1), (o.${column}, -1)) g (${column}, sign)
      JOIN talk x ON ${talks}`)};
    RETURN NULL;
  END $$;`;

/** The talks of `rows` (a transition table, or talk itself) as signed tally records. */
const TALKS = (rows: string, sign: string) => `
  SELECT date_trunc('quarter', x.date)::date AS quarter, x.institute_id, x.career_stage, m.gender, c.tier, x.talk_type,
         ${sign} AS n, ${sign} * x.record_key AS k
  FROM ${rows} x JOIN member m ON m.id = x.member_id JOIN conference c ON c.id = x.conference_id`;

/** The maintained levels (see talk_tally_level): every set without the institute, and the institute with stage and/or gender. */
const LEVELS = Array.from({ length: 32 }, (_, level) => level).filter((level) => (level & 1) === 0 || (level & (8 | 16)) === 0);
const COLUMNS = ['institute_id', 'career_stage', 'gender', 'tier', 'talk_type'];
const groupingSets = (levels: number[]) =>
  levels.map((level) => `(${['quarter', ...COLUMNS.filter((_, bit) => level & (1 << bit))].join(', ')})`).join(', ');

/**
 * Adds signed records (quarter, institute_id, career_stage, gender, tier, talk_type, n, k) to every
 * level; a level's number is the mask of the columns it groups by. The records are first summed per
 * full cell, then into the two widest levels (everything but the institute; the institute with stage
 * and gender), and every other level from the narrower of those: a million talks are read twice,
 * not once per level.
 */
const upsert = (records: string) => `
  WITH cell AS MATERIALIZED (
    SELECT quarter, institute_id, career_stage, gender, tier, talk_type, sum(n) AS n, sum(k) AS k
    FROM (${records}) r GROUP BY 1, 2, 3, 4, 5, 6
  ),
  no_institute AS MATERIALIZED (
    SELECT quarter, career_stage, gender, tier, talk_type, sum(n) AS n, sum(k) AS k FROM cell GROUP BY 1, 2, 3, 4, 5
  ),
  by_institute AS MATERIALIZED (
    SELECT quarter, institute_id, career_stage, gender, sum(n) AS n, sum(k) AS k FROM cell GROUP BY 1, 2, 3, 4
  ),
  levels AS (
    SELECT 30 - GROUPING(talk_type, tier, gender, career_stage) * 2 AS level, quarter,
           NULL::uuid AS institute_id, career_stage, gender, tier, talk_type, sum(n) AS n, sum(k) AS k
    FROM no_institute GROUP BY GROUPING SETS (${groupingSets(LEVELS.filter((l) => (l & 1) === 0))})
    UNION ALL
    SELECT 7 - GROUPING(gender, career_stage) * 2, quarter, institute_id, career_stage, gender, NULL::text, NULL::text, sum(n), sum(k)
    FROM by_institute GROUP BY GROUPING SETS (${groupingSets(LEVELS.filter((l) => (l & 1) === 1))})
  )
  INSERT INTO talk_tally AS t (level, quarter, institute_id, career_stage, gender, tier, talk_type, n, k)
  SELECT level, quarter, institute_id, career_stage, gender, tier, talk_type, n, k FROM levels
  WHERE n <> 0 OR k <> 0
  -- One order for every writer, so two of them never wait on each other's rows crosswise.
  ORDER BY 1, 2, 3, 4, 5, 6, 7
  ON CONFLICT ON CONSTRAINT talk_tally_cell DO UPDATE SET n = t.n + EXCLUDED.n, k = t.k + EXCLUDED.k`;
