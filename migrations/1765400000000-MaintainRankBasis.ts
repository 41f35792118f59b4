import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the ranking needs of each member, kept up to date by the database in the writing transaction,
 * so that ranking 50,000 members reads 50,000 rows instead of a million talks.
 *
 * The decay is separable: 0.5^((asOf - t)/h) = 0.5^((asOf - ref)/h) * 2^((t - ref)/h). So per member
 * and talk day the running sum of weight * 2^((t - ref)/h) (ref: the member's last talk day, so no
 * term exceeds the weight) answers any asOf and window with two look-ups in a sorted array:
 * sum over the window = cum[last day before asOf] - cum[last day before the window], scaled by
 * 0.5^((asOf - ref)/h). The career stage and institute histories are kept the same way, as sorted
 * arrays of start days. Built for the latest rank policy; another version, or a replay with knownAt,
 * is computed from the talks as before.
 *
 * Every write to talk, member_career_stage, member_affiliation, a conference's tier or rank_policy
 * recomputes the rows of the members it touched (statement triggers with transition tables), under
 * one advisory lock, so two transactions never recompute from snapshots that miss each other.
 */
export class MaintainRankBasis1765400000000 implements MigrationInterface {
  name = 'MaintainRankBasis1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE member_rank_basis (
        member_id uuid PRIMARY KEY REFERENCES member (id) ON DELETE CASCADE,
        stage_from date[], stages text[], last_stage_from date, last_stage text,
        institute_from date[], institutes uuid[], last_institute_from date, last_institute uuid,
        -- Distinct talk days, ascending; per day the running sums up to and including it.
        talk_days date[], talk_cum float8[], talk_n int[],
        talk_first date, talk_last date, talk_total float8, talk_count int
      );

      -- Recomputes the rows of these members (all of them when NULL) for the latest rank policy.
      CREATE FUNCTION rank_basis_refresh(p_members uuid[]) RETURNS void LANGUAGE plpgsql AS $$
      DECLARE
        w jsonb;
        h float8;
      BEGIN
        IF p_members IS NOT NULL AND cardinality(p_members) = 0 THEN RETURN; END IF;
        -- One refresh at a time; every statement below then sees what the others committed.
        PERFORM pg_advisory_xact_lock(hashtext('member_rank_basis'));
        SELECT weights INTO w FROM rank_policy ORDER BY version DESC LIMIT 1;
        h := (w ->> 'halfLifeYears')::float8;
        -- Most of the collaboration (an import): rebuilt whole, into an emptied table rather than
        -- beside as many dead rows.
        IF p_members IS NOT NULL AND cardinality(p_members) > 1000
           AND cardinality(p_members) > (SELECT count(*) FROM member) / 2 THEN
          p_members := NULL;
        END IF;
        IF p_members IS NULL THEN
          TRUNCATE member_rank_basis;
        ELSE
          DELETE FROM member_rank_basis WHERE member_id = ANY (p_members);
        END IF;
        -- Planned afresh each time: a whole rebuild and one member's talk want different plans.
        EXECUTE format($sql$
        INSERT INTO member_rank_basis
        WITH who AS MATERIALIZED (
          SELECT m.id FROM member m %s
        ),
        stage AS (
          SELECT member_id, array_agg(valid_from ORDER BY valid_from) AS f, array_agg(career_stage ORDER BY valid_from) AS v
          FROM member_career_stage JOIN who ON who.id = member_id GROUP BY member_id
        ),
        place AS (
          SELECT member_id, array_agg(valid_from ORDER BY valid_from) AS f, array_agg(institute_id ORDER BY valid_from) AS v
          FROM member_affiliation JOIN who ON who.id = member_id GROUP BY member_id
        ),
        per_day AS (
          SELECT t.member_id, t.date, count(*) AS n,
                 COALESCE(($2::jsonb #>> ARRAY['typeWeight', t.talk_type])::float8, 0)
                   * COALESCE(($2::jsonb #>> ARRAY['tierWeight', c.tier])::float8, 0) AS weight
          FROM talk t JOIN who ON who.id = t.member_id JOIN conference c ON c.id = t.conference_id
          GROUP BY t.member_id, t.date, t.talk_type, c.tier
        ),
        last_day AS (SELECT member_id, max(date) AS ref FROM per_day GROUP BY member_id),
        day_sum AS (
          SELECT d.member_id, d.date, sum(d.n) AS n,
                 sum(d.n * d.weight * CASE WHEN e.x < -1000 THEN 0 ELSE power(2::float8, e.x) END) AS s
          FROM per_day d JOIN last_day l ON l.member_id = d.member_id
          CROSS JOIN LATERAL (SELECT ((d.date - l.ref)::float8 / 365.25) / $3::float8 AS x) e
          GROUP BY d.member_id, d.date
        ),
        running AS (
          SELECT member_id, date, sum(s) OVER w AS cs, (sum(n) OVER w)::int AS cn
          FROM day_sum WINDOW w AS (PARTITION BY member_id ORDER BY date)
        ),
        talks AS (
          SELECT member_id, array_agg(date ORDER BY date) AS days, array_agg(cs ORDER BY date) AS cum, array_agg(cn ORDER BY date) AS n
          FROM running GROUP BY member_id
        )
        SELECT who.id, s.f, s.v, s.f[cardinality(s.f)], s.v[cardinality(s.v)],
               p.f, p.v, p.f[cardinality(p.f)], p.v[cardinality(p.v)],
               t.days, t.cum, t.n, t.days[1], t.days[cardinality(t.days)], t.cum[cardinality(t.cum)], t.n[cardinality(t.n)]
        FROM who
        LEFT JOIN stage s ON s.member_id = who.id
        LEFT JOIN place p ON p.member_id = who.id
        LEFT JOIN talks t ON t.member_id = who.id
        WHERE s.member_id IS NOT NULL OR p.member_id IS NOT NULL OR t.member_id IS NOT NULL
        $sql$, CASE WHEN p_members IS NULL THEN '' ELSE 'WHERE m.id = ANY ($1)' END)
        USING p_members, w, h;
      END $$;

      CREATE FUNCTION rank_basis_rows_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          PERFORM rank_basis_refresh(ARRAY(SELECT DISTINCT member_id FROM new_rows));
        ELSIF TG_OP = 'DELETE' THEN
          PERFORM rank_basis_refresh(ARRAY(SELECT DISTINCT member_id FROM old_rows));
        ELSE
          PERFORM rank_basis_refresh(ARRAY(SELECT member_id FROM new_rows UNION SELECT member_id FROM old_rows));
        END IF;
        RETURN NULL;
      END $$;

      CREATE FUNCTION rank_basis_tier_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM rank_basis_refresh(ARRAY(
          SELECT DISTINCT t.member_id FROM new_rows n JOIN old_rows o ON o.id = n.id AND o.tier IS DISTINCT FROM n.tier
          JOIN talk t ON t.conference_id = n.id));
        RETURN NULL;
      END $$;

      CREATE FUNCTION rank_basis_policy_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM rank_basis_refresh(NULL);
        RETURN NULL;
      END $$;
    `);
    for (const table of ['talk', 'member_career_stage', 'member_affiliation']) {
      await q.query(`
        CREATE TRIGGER ${table}_rank_basis_insert AFTER INSERT ON ${table}
          REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rank_basis_rows_changed();
        CREATE TRIGGER ${table}_rank_basis_update AFTER UPDATE ON ${table}
          REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rank_basis_rows_changed();
        CREATE TRIGGER ${table}_rank_basis_delete AFTER DELETE ON ${table}
          REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rank_basis_rows_changed();
      `);
    }
    await q.query(`
      CREATE TRIGGER conference_rank_basis_tier AFTER UPDATE ON conference
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rank_basis_tier_changed();
      CREATE TRIGGER rank_policy_rank_basis AFTER INSERT OR UPDATE OR DELETE ON rank_policy
        FOR EACH STATEMENT EXECUTE FUNCTION rank_basis_policy_changed();
      SELECT rank_basis_refresh(NULL);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['talk', 'member_career_stage', 'member_affiliation']) {
      await q.query(`
        DROP TRIGGER ${table}_rank_basis_insert ON ${table};
        DROP TRIGGER ${table}_rank_basis_update ON ${table};
        DROP TRIGGER ${table}_rank_basis_delete ON ${table};
      `);
    }
    await q.query(`
      DROP TRIGGER conference_rank_basis_tier ON conference;
      DROP TRIGGER rank_policy_rank_basis ON rank_policy;
      DROP FUNCTION rank_basis_rows_changed, rank_basis_tier_changed, rank_basis_policy_changed, rank_basis_refresh;
      DROP TABLE member_rank_basis;
    `);
  }
}
