// The members feature's SQL: members with their career-stage and affiliation histories, the member
// import, institutes and regions. Writes run on the caller's transaction (the EntityManager given);
// reads without one use the data source.
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Page } from '../common/pagination';
import { notLeftBy } from '../database/predicates';
import { StatementParts } from '../database/sql';
import { InstituteQuery, InstituteView } from './institutes.dto';
import { MemberExportRow, MemberImportRow } from './member-import';
import { AffiliationEntry, CareerStageEntry, CreateMemberDto, MemberView } from './members.dto';
import { likePattern, MEMBER_FROM, memberColumns, MemberFilter, memberWhere } from './members.sql';
import { RegionView } from './regions.dto';

/** The member row as an update reads it (locked), with today and the last day a planned change may have. */
export interface CurrentMember {
  id: string;
  externalId: string | null;
  name: string;
  email: string | null;
  gender: string;
  instituteId: string;
  careerStage: string;
  joinedOn: string;
  leftOn: string | null;
  authorSince: string | null;
  authorUntil: string | null;
  version: number;
  today: string;
  latestPlanned: string;
}

/** What an update writes: each `set` flag says whether its field takes the given value. */
export interface MemberChange {
  externalId: { set: boolean; value: string | null };
  name: { set: boolean; value: string | null };
  email: { set: boolean; value: string | null };
  gender: { set: boolean; value: string | null };
  leftOn: { set: boolean; value: string | null };
  authorship: { set: boolean; since: string | null; until: string | null };
}

export interface UnassignedCountryRow {
  country: string;
  institutes: number;
  members: number;
  instituteNames: string[];
}

const INSTITUTE_VIEW = `
  SELECT i.id, i.name, i.country::text AS country, ir.region_code AS region, i.region_override AS "regionOverride",
    (SELECT count(*)::int FROM member m
     WHERE m.institute_id = i.id AND ${notLeftBy('m', 'current_date')}) AS members
  FROM institute i JOIN institute_region ir ON ir.institute_id = i.id`;

const REGION_VIEW = `
  SELECT r.code, r.name,
    COALESCE((SELECT array_agg(rc.country::text ORDER BY rc.country) FROM region_country rc WHERE rc.region_code = r.code), '{}') AS countries,
    COALESCE((SELECT array_agg(i.name ORDER BY i.name) FROM institute i WHERE i.region_override = r.code), '{}') AS institutes
  FROM region r`;

@Injectable()
export class MembersRepository {
  constructor(private readonly dataSource: DataSource) {}

  // Members

  async membersPage(filter: MemberFilter, withGender: boolean, limit: number, offset: number): Promise<Page<MemberView>> {
    const counted = new StatementParts();
    const [{ total }] = await this.dataSource.query(
      `SELECT count(*)::int AS total ${MEMBER_FROM} ${memberWhere(filter, counted)}`,
      counted.values,
    );
    const p = new StatementParts();
    const where = memberWhere(filter, p);
    const items = await this.dataSource.query(
      `SELECT ${memberColumns(withGender)} ${MEMBER_FROM} ${where}
       ORDER BY lower(m.name), m.id LIMIT ${p.add(limit, 'int')} OFFSET ${p.add(offset, 'int')}`,
      p.values,
    );
    return { items, total, limit, offset };
  }

  async member(id: string, withGender: boolean, manager: EntityManager = this.dataSource.manager): Promise<MemberView | null> {
    const [member] = await manager.query(`SELECT ${memberColumns(withGender)} ${MEMBER_FROM} WHERE m.id = $1`, [id]);
    return member ?? null;
  }

  async memberExists(id: string): Promise<boolean> {
    const [member] = await this.dataSource.query(`SELECT 1 FROM member WHERE id = $1`, [id]);
    return member !== undefined;
  }

  /** The member and the first entry of both histories, from the day they joined; returns the new id. */
  async insertMember(manager: EntityManager, dto: CreateMemberDto): Promise<string> {
    const [{ id }] = await manager.query(
      `WITH created AS (
         INSERT INTO member (external_id, name, email, gender, institute_id, career_stage, joined_on)
         VALUES ($1, $2, $3, COALESCE($4, 'undisclosed'), $5, $6, COALESCE($7::date, current_date))
         RETURNING id, institute_id, career_stage, joined_on
       ), stage AS (
         INSERT INTO member_career_stage (member_id, valid_from, career_stage) SELECT id, joined_on, career_stage FROM created
       ), affiliation AS (
         INSERT INTO member_affiliation (member_id, valid_from, institute_id) SELECT id, joined_on, institute_id FROM created
       )
       SELECT id FROM created`,
      [dto.externalId ?? null, dto.name, dto.email ?? null, dto.gender ?? null, dto.instituteId, dto.careerStage, dto.joinedOn ?? null],
    );
    return id;
  }

  /** The member row, locked for the rest of the transaction; null when there is none. */
  async lockedMember(manager: EntityManager, id: string, planningYears: number): Promise<CurrentMember | null> {
    const [current] = await manager.query(
      `SELECT id, external_id AS "externalId", name, email, gender, institute_id AS "instituteId", career_stage AS "careerStage",
              joined_on AS "joinedOn", left_on AS "leftOn", author_since::text AS "authorSince", author_until::text AS "authorUntil",
              version, current_date::text AS today,
              (current_date + make_interval(years => $2))::date::text AS "latestPlanned"
       FROM member WHERE id = $1 FOR UPDATE`,
      [id, planningYears],
    );
    return current ?? null;
  }

  /**
   * Adds a career-stage and an institute entry from `effectiveFrom` (replacing one on that same day),
   * each only when given and different from the one in force that day; true if any was written.
   */
  async addHistory(
    manager: EntityManager,
    id: string,
    effectiveFrom: string,
    careerStage: string | null,
    instituteId: string | null,
  ): Promise<boolean> {
    const [{ stageChanged, instituteChanged }] = await manager.query(
      `WITH stage AS (
         INSERT INTO member_career_stage (member_id, valid_from, career_stage)
         SELECT $1::uuid, $2::date, $3::text
         WHERE $3::text IS NOT NULL AND member_career_stage_at($1::uuid, $2::date) IS DISTINCT FROM $3::text
         ON CONFLICT (member_id, valid_from) DO UPDATE SET career_stage = EXCLUDED.career_stage
         RETURNING 1
       ), affiliation AS (
         INSERT INTO member_affiliation (member_id, valid_from, institute_id)
         SELECT $1::uuid, $2::date, $4::uuid
         WHERE $4::uuid IS NOT NULL AND member_institute_at($1::uuid, $2::date) IS DISTINCT FROM $4::uuid
         ON CONFLICT (member_id, valid_from) DO UPDATE SET institute_id = EXCLUDED.institute_id
         RETURNING 1
       )
       SELECT EXISTS (SELECT 1 FROM stage) AS "stageChanged", EXISTS (SELECT 1 FROM affiliation) AS "instituteChanged"`,
      [id, effectiveFrom, careerStage, instituteId],
    );
    return stageChanged || instituteChanged;
  }

  /** Writes the changed fields; the current stage and institute follow the histories for today. */
  async updateMember(manager: EntityManager, id: string, c: MemberChange): Promise<void> {
    await manager.query(
      `UPDATE member SET
         external_id = CASE WHEN $10 THEN $11 ELSE external_id END,
         name = CASE WHEN $2 THEN $3 ELSE name END,
         email = CASE WHEN $4 THEN $5 ELSE email END,
         gender = CASE WHEN $6 THEN $7 ELSE gender END,
         left_on = CASE WHEN $8 THEN $9::date ELSE left_on END,
         author_since = CASE WHEN $12 THEN $13::date ELSE author_since END,
         author_until = CASE WHEN $12 THEN $14::date ELSE author_until END,
         career_stage = member_career_stage_at(id, current_date),
         institute_id = member_institute_at(id, current_date),
         version = version + 1,
         updated_at = now()
       WHERE id = $1`,
      [
        id,
        c.name.set,
        c.name.value,
        c.email.set,
        c.email.value,
        c.gender.set,
        c.gender.value,
        c.leftOn.set,
        c.leftOn.value,
        c.externalId.set,
        c.externalId.value,
        c.authorship.set,
        c.authorship.since,
        c.authorship.until,
      ],
    );
  }

  async careerStageHistory(id: string): Promise<CareerStageEntry[]> {
    return this.dataSource.query(
      `SELECT career_stage AS "careerStage", valid_from AS "validFrom"
       FROM member_career_stage WHERE member_id = $1 ORDER BY valid_from`,
      [id],
    );
  }

  async affiliationHistory(id: string): Promise<AffiliationEntry[]> {
    return this.dataSource.query(
      `SELECT a.institute_id AS "instituteId", i.name AS "instituteName", ir.region_code AS region, a.valid_from AS "validFrom"
       FROM member_affiliation a
       JOIN institute i ON i.id = a.institute_id
       JOIN institute_region ir ON ir.institute_id = a.institute_id
       WHERE a.member_id = $1 ORDER BY a.valid_from`,
      [id],
    );
  }

  async exportRows(filter: MemberFilter): Promise<MemberExportRow[]> {
    const p = new StatementParts();
    return this.dataSource.query(
      `SELECT m.external_id AS "externalId", m.name, m.email, i.name AS institute, i.country::text AS country,
              m.career_stage AS "careerStage", m.gender, m.joined_on AS "joinedOn"
       ${MEMBER_FROM} ${memberWhere(filter, p)}
       ORDER BY m.external_id NULLS LAST, lower(m.name), m.id`,
      p.values,
    );
  }

  /** A member other than `exceptId` holding the externalId or (case aside) the e-mail, if any. */
  async memberHolding(
    manager: EntityManager,
    values: { externalId?: string; email?: string },
    exceptId?: string,
  ): Promise<{ id: string; sameExternalId: boolean } | null> {
    const [taken] = await manager.query(
      `SELECT id, external_id = $1 AS "sameExternalId" FROM member
       WHERE (external_id = $1::text OR lower(email) = lower($2::text)) AND id IS DISTINCT FROM $3::uuid LIMIT 1`,
      [values.externalId ?? null, values.email ?? null, exceptId ?? null],
    );
    return taken ?? null;
  }

  /** Sets every member's current stage to what the history says for `today`; returns who changed, from what to what. */
  async bringCareerStagesInForce(manager: EntityManager, today: string): Promise<Array<{ id: string; before: string; after: string }>> {
    return manager.query(
      `WITH due AS (
         SELECT m.id, m.career_stage AS before, member_career_stage_at(m.id, $1::date) AS after
         FROM member m
         WHERE m.career_stage IS DISTINCT FROM member_career_stage_at(m.id, $1::date)
         FOR UPDATE OF m
       ), updated AS (
         UPDATE member m SET career_stage = due.after, version = m.version + 1, updated_at = now()
         FROM due WHERE m.id = due.id AND due.after IS NOT NULL
         RETURNING m.id, due.before, due.after
       )
       SELECT * FROM updated`,
      [today],
    );
  }

  // The member import

  /** Imports queue up behind each other, so the checks made in one still hold when its writes run. */
  async queueMemberImport(manager: EntityManager): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('member-import'))`);
  }

  /** The institutes the spellings name (case aside), by spelling. */
  async institutesSpelled(
    manager: EntityManager,
    spellings: string[],
  ): Promise<Array<{ spelling: string; name: string; country: string }>> {
    return manager.query(
      `SELECT t.spelling, i.name, i.country::text AS country
       FROM unnest($1::text[]) AS t(spelling) JOIN institute i ON lower(i.name) = lower(t.spelling)`,
      [spellings],
    );
  }

  /** The rows whose e-mail belongs to a member of another externalId, with that member's externalId (or id). */
  async emailsOfOtherMembers(manager: EntityManager, rows: MemberImportRow[]): Promise<Array<{ row: number; owner: string }>> {
    const withEmail = rows.filter((r) => r.email !== null);
    return manager.query(
      `SELECT t.row, COALESCE(m.external_id, m.id::text) AS owner
       FROM unnest($1::text[], $2::text[], $3::int[]) AS t(email, external_id, row)
       JOIN member m ON lower(m.email) = lower(t.email)
       WHERE m.external_id IS DISTINCT FROM t.external_id`,
      [withEmail.map((r) => r.email), withEmail.map((r) => r.externalId), withEmail.map((r) => r.row)],
    );
  }

  /** Inserts the institutes, skipping any that exist by then; returns those written. */
  async insertInstitutes(
    manager: EntityManager,
    institutes: { name: string; country: string }[],
  ): Promise<Array<{ id: string; name: string; country: string }>> {
    return manager.query(
      `INSERT INTO institute (name, country) SELECT * FROM unnest($1::text[], $2::text[])
       ON CONFLICT DO NOTHING RETURNING id, name, country::text AS country`,
      [institutes.map((i) => i.name), institutes.map((i) => i.country)],
    );
  }

  /**
   * The rows go into a temporary table with what is stored today beside them; from there one
   * statement inserts the new members with their first history entries and one updates the changed
   * ones, adding a history entry dated today where the stage or institute differs.
   */
  async upsertImportedMembers(manager: EntityManager, rows: MemberImportRow[]): Promise<{ created: number; updated: number }> {
    await manager.query(`SELECT count(*) FROM (SELECT 1 FROM member WHERE external_id = ANY ($1::text[]) FOR UPDATE) AS locked`, [
      rows.map((r) => r.externalId),
    ]);
    await manager.query(
      `CREATE TEMP TABLE member_import (
         external_id text PRIMARY KEY,
         name text NOT NULL,
         email text,
         gender text,
         institute_id uuid NOT NULL,
         career_stage text NOT NULL,
         joined_on date,
         member_id uuid,
         stored_career_stage text,
         stored_institute_id uuid
       ) ON COMMIT DROP`,
    );
    await manager.query(
      `INSERT INTO member_import
       SELECT t.external_id, t.name, t.email, t.gender, i.id, t.career_stage, t.joined_on, m.id, m.career_stage, m.institute_id
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::date[])
         AS t(external_id, name, email, gender, institute, career_stage, joined_on)
       LEFT JOIN institute i ON lower(i.name) = lower(t.institute)
       LEFT JOIN member m ON m.external_id = t.external_id`,
      [
        rows.map((r) => r.externalId),
        rows.map((r) => r.name),
        rows.map((r) => r.email),
        rows.map((r) => r.gender),
        rows.map((r) => r.institute),
        rows.map((r) => r.careerStage),
        rows.map((r) => r.joinedOn),
      ],
    );
    await manager.query(`ANALYZE member_import`);

    const [{ created }] = await manager.query(
      `WITH created AS (
         INSERT INTO member (external_id, name, email, gender, institute_id, career_stage, joined_on)
         SELECT external_id, name, email, COALESCE(gender, 'undisclosed'), institute_id, career_stage, COALESCE(joined_on, current_date)
         FROM member_import WHERE member_id IS NULL
         RETURNING id, institute_id, career_stage, joined_on
       ), stages AS (
         INSERT INTO member_career_stage (member_id, valid_from, career_stage) SELECT id, joined_on, career_stage FROM created
       ), affiliations AS (
         INSERT INTO member_affiliation (member_id, valid_from, institute_id) SELECT id, joined_on, institute_id FROM created
       )
       SELECT count(*)::int AS created FROM created`,
    );
    // Empty e-mail and gender cells keep what is stored; joinedOn only matters for new members.
    const [{ updated }] = await manager.query(
      `WITH changed AS (
         SELECT s.* FROM member_import s JOIN member m ON m.id = s.member_id
         WHERE (m.name, m.email, m.gender, m.institute_id, m.career_stage)
           IS DISTINCT FROM (s.name, COALESCE(s.email, m.email), COALESCE(s.gender, m.gender), s.institute_id, s.career_stage)
       ), stages AS (
         INSERT INTO member_career_stage (member_id, valid_from, career_stage)
         SELECT member_id, current_date, career_stage FROM changed WHERE career_stage <> stored_career_stage
         ON CONFLICT (member_id, valid_from) DO UPDATE SET career_stage = EXCLUDED.career_stage
       ), affiliations AS (
         INSERT INTO member_affiliation (member_id, valid_from, institute_id)
         SELECT member_id, current_date, institute_id FROM changed WHERE institute_id <> stored_institute_id
         ON CONFLICT (member_id, valid_from) DO UPDATE SET institute_id = EXCLUDED.institute_id
       ), updated AS (
         UPDATE member m SET
           name = c.name, email = COALESCE(c.email, m.email), gender = COALESCE(c.gender, m.gender),
           institute_id = c.institute_id, career_stage = c.career_stage, version = m.version + 1, updated_at = now()
         FROM changed c WHERE m.id = c.member_id
         RETURNING m.id
       )
       SELECT count(*)::int AS updated FROM updated`,
    );
    return { created, updated };
  }

  // Institutes

  async institutesPage(query: InstituteQuery): Promise<Page<InstituteView>> {
    const where = (p: StatementParts) => {
      const conditions: string[] = [];
      if (query.country) conditions.push(`i.country = ${p.add(query.country, 'bpchar')}`);
      if (query.region) conditions.push(`ir.region_code = ${p.add(query.region, 'text')}`);
      if (query.q) conditions.push(`i.name ILIKE ${p.add(likePattern(query.q), 'text')}`);
      return conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
    };
    const counted = new StatementParts();
    const [{ total }] = await this.dataSource.query(
      `SELECT count(*)::int AS total FROM institute i JOIN institute_region ir ON ir.institute_id = i.id ${where(counted)}`,
      counted.values,
    );
    const p = new StatementParts();
    const filter = where(p);
    const items = await this.dataSource.query(
      `${INSTITUTE_VIEW} ${filter} ORDER BY lower(i.name), i.id LIMIT ${p.add(query.limit, 'int')} OFFSET ${p.add(query.offset, 'int')}`,
      p.values,
    );
    return { items, total, limit: query.limit, offset: query.offset };
  }

  async institute(id: string, manager: EntityManager = this.dataSource.manager): Promise<InstituteView | null> {
    const [institute] = await manager.query(`${INSTITUTE_VIEW} WHERE i.id = $1`, [id]);
    return institute ?? null;
  }

  async instituteExists(manager: EntityManager, id: string): Promise<boolean> {
    const [institute] = await manager.query(`SELECT 1 FROM institute WHERE id = $1`, [id]);
    return institute !== undefined;
  }

  /** Locks the institute's row for the rest of the transaction; false when there is none. */
  async lockInstitute(manager: EntityManager, id: string): Promise<boolean> {
    const [locked] = await manager.query(`SELECT id FROM institute WHERE id = $1 FOR UPDATE`, [id]);
    return locked !== undefined;
  }

  /** The institute of this name, case aside. */
  async instituteNamed(manager: EntityManager, name: string): Promise<{ id: string; name: string } | null> {
    const [taken] = await manager.query(`SELECT id, name FROM institute WHERE lower(name) = lower($1)`, [name]);
    return taken ?? null;
  }

  async insertInstitute(manager: EntityManager, i: { name: string; country: string; regionOverride: string | null }): Promise<string> {
    const [{ id }] = await manager.query(`INSERT INTO institute (name, country, region_override) VALUES ($1, $2, $3) RETURNING id`, [
      i.name,
      i.country,
      i.regionOverride,
    ]);
    return id;
  }

  /** Name and country when given; the region override when `setRegion` (null clears it). */
  async updateInstitute(
    manager: EntityManager,
    id: string,
    i: { name: string | null; country: string | null; setRegion: boolean; regionOverride: string | null },
  ): Promise<void> {
    await manager.query(
      `UPDATE institute SET
         name = COALESCE($2, name),
         country = COALESCE($3, country),
         region_override = CASE WHEN $4 THEN $5 ELSE region_override END,
         updated_at = now()
       WHERE id = $1`,
      [id, i.name, i.country, i.setRegion, i.regionOverride],
    );
  }

  // Regions

  async regions(): Promise<RegionView[]> {
    return this.dataSource.query(`${REGION_VIEW} ORDER BY r.position, r.code`);
  }

  async region(code: string, manager: EntityManager = this.dataSource.manager): Promise<RegionView | null> {
    const [region] = await manager.query(`${REGION_VIEW} WHERE r.code = $1`, [code]);
    return region ?? null;
  }

  async regionExists(manager: EntityManager, code: string): Promise<boolean> {
    const [region] = await manager.query(`SELECT 1 FROM region WHERE code = $1`, [code]);
    return region !== undefined;
  }

  /** Region edits are rare; one at a time (until the transaction ends) keeps positions and country moves simple to reason about. */
  async queueRegionEdit(manager: EntityManager): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('region-scheme'))`);
  }

  /** The region with this code or (case aside) this name, if any. */
  async regionWithCodeOrName(manager: EntityManager, code: string, name: string): Promise<{ code: string } | null> {
    const [taken] = await manager.query(`SELECT code FROM region WHERE code = $1 OR lower(name) = lower($2)`, [code, name]);
    return taken ?? null;
  }

  /** Another region than `code` of this name (case aside), if any. */
  async otherRegionCalled(manager: EntityManager, name: string, code: string): Promise<{ code: string } | null> {
    const [taken] = await manager.query(`SELECT code FROM region WHERE lower(name) = lower($1) AND code <> $2`, [name, code]);
    return taken ?? null;
  }

  /** A new region, last before `lastCode` unless a position is given. */
  async insertRegion(manager: EntityManager, r: { code: string; name: string; position: number | null }, lastCode: string): Promise<void> {
    await manager.query(
      `INSERT INTO region (code, name, position)
       VALUES ($1, $2, COALESCE($3, (SELECT COALESCE(max(position), -1) + 1 FROM region WHERE code <> $4)))`,
      [r.code, r.name, r.position, lastCode],
    );
  }

  async updateRegion(manager: EntityManager, code: string, r: { name: string | null; position: number | null }): Promise<void> {
    await manager.query(`UPDATE region SET name = COALESCE($2, name), position = COALESCE($3, position) WHERE code = $1`, [
      code,
      r.name,
      r.position,
    ]);
  }

  /** Takes from the region every country not in `keep`; returns those taken, sorted. */
  async releaseCountries(manager: EntityManager, code: string, keep: string[]): Promise<string[]> {
    const released: Array<{ country: string }> = await manager.query(
      `DELETE FROM region_country WHERE region_code = $1 AND NOT (country = ANY ($2::text[])) RETURNING country::text`,
      [code, keep],
    );
    return released.map((r) => r.country).sort();
  }

  /** Puts the countries in the region, moving them from wherever they were; returns the moves. */
  async assignCountries(manager: EntityManager, code: string, countries: string[]): Promise<Array<{ country: string; from: string }>> {
    if (countries.length === 0) return [];
    const moved: Array<{ country: string; from: string }> = await manager.query(
      `SELECT country::text AS country, region_code AS "from" FROM region_country
       WHERE country = ANY ($1::text[]) AND region_code <> $2 ORDER BY country`,
      [countries, code],
    );
    await manager.query(
      `INSERT INTO region_country (country, region_code) SELECT unnest($1::text[]), $2
       ON CONFLICT (country) DO UPDATE SET region_code = EXCLUDED.region_code`,
      [countries, code],
    );
    return moved;
  }

  /** Moves the region `code` after every other one, unless it is there already. */
  async keepLast(manager: EntityManager, code: string): Promise<void> {
    await manager.query(
      `UPDATE region SET position = (SELECT max(position) + 1 FROM region WHERE code <> $1)
       WHERE code = $1 AND position <= (SELECT max(position) FROM region WHERE code <> $1)`,
      [code],
    );
  }

  /** Per country of the institutes in region `code`: how many institutes and current members, most members first. */
  async countriesIn(code: string): Promise<UnassignedCountryRow[]> {
    return this.dataSource.query(
      `SELECT i.country::text AS country, count(*)::int AS institutes,
              COALESCE(sum(m.members), 0)::int AS members,
              array_agg(i.name ORDER BY i.name) AS "instituteNames"
       FROM institute i
       JOIN institute_region ir ON ir.institute_id = i.id
       LEFT JOIN LATERAL (
         SELECT count(*) AS members FROM member m
         WHERE m.institute_id = i.id AND ${notLeftBy('m', 'current_date')}
       ) m ON true
       WHERE ir.region_code = $1
       GROUP BY i.country
       ORDER BY members DESC, i.country`,
      [code],
    );
  }
}
