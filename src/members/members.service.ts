import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../auth/actor';
import { Page } from '../common/pagination';
import { badRequest, conflict, notFound, ProblemFieldError, staleVersion, unprocessable } from '../common/problem';
import {
  capErrors, checkMemberImport, formatMembersCsv, ImportFormatError, ImportRowError, instituteKey, MemberImportRow, readMemberCsv,
} from './member-import';
import {
  CreateMemberDto, MemberHistoryView, MemberImportResult, MemberQuery, MemberView, UpdateMemberDto,
} from './members.dto';
import { MEMBER_FROM, memberColumns, MemberFilter, memberWhere } from './members.sql';

/** The member fields the audit log may keep: never gender. */
const AUDITED_FIELDS = ['externalId', 'name', 'email', 'instituteId', 'careerStage', 'joinedOn', 'leftOn', 'authorSince', 'authorUntil'] as const;

interface CurrentMember {
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

/** How far ahead a planned career-stage change may be entered: conferences are planned about that far out. */
export const PLANNING_YEARS = 3;

@Injectable()
export class MembersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async list(query: MemberQuery, withGender: boolean): Promise<Page<MemberView>> {
    const { limit, offset, ...filter } = query;
    const params: unknown[] = [];
    const where = memberWhere(filter, params);
    const [{ total }] = await this.dataSource.query(`SELECT count(*)::int AS total ${MEMBER_FROM} ${where}`, params);
    const items = await this.dataSource.query(
      `SELECT ${memberColumns(withGender)} ${MEMBER_FROM} ${where}
       ORDER BY lower(m.name), m.id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, limit, offset],
    );
    return { items, total, limit, offset };
  }

  async get(id: string, withGender: boolean, manager: EntityManager = this.dataSource.manager): Promise<MemberView> {
    const [member] = await manager.query(`SELECT ${memberColumns(withGender)} ${MEMBER_FROM} WHERE m.id = $1`, [id]);
    if (!member) throw notFound('Member', id);
    return member;
  }

  async create(dto: CreateMemberDto, actor: Actor): Promise<MemberView> {
    return this.dataSource.transaction(async (manager) => {
      await assertInstitute(manager, dto.instituteId);
      await assertUnique(manager, { externalId: dto.externalId, email: dto.email });
      // The member and the first entry of both histories, from the day they joined.
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
      const member = await this.get(id, true, manager);
      await this.audit.record(manager, actor, { action: 'member.create', entity: 'member', entityId: id, after: audited(member) });
      return member;
    });
  }

  /**
   * A career-stage or institute change adds a history entry from `effectiveFrom` (replacing one on
   * that same day) and the current columns follow the history; earlier entries stay. A career-stage
   * change may be dated ahead; the current column takes it on its day (CareerStagesInForce).
   */
  async update(id: string, dto: UpdateMemberDto, expectedVersions: number[], actor: Actor): Promise<MemberView> {
    return this.dataSource.transaction(async (manager) => {
      const [current]: CurrentMember[] = await manager.query(
        `SELECT id, external_id AS "externalId", name, email, gender, institute_id AS "instituteId", career_stage AS "careerStage",
                joined_on AS "joinedOn", left_on AS "leftOn", author_since::text AS "authorSince", author_until::text AS "authorUntil",
                version, current_date::text AS today,
                (current_date + make_interval(years => $2))::date::text AS "latestPlanned"
         FROM member WHERE id = $1 FOR UPDATE`,
        [id, PLANNING_YEARS],
      );
      if (!current) throw notFound('Member', id);
      const stale = expectedVersions.find((v) => v !== current.version);
      if (stale !== undefined) {
        throw staleVersion(`Member ${id} has changed since version ${stale} was read; it is now version ${current.version}`,
          current.version);
      }

      const effectiveFrom = dto.effectiveFrom ?? current.today;
      const errors: ProblemFieldError[] = [];
      if (effectiveFrom > current.today) {
        // A planned career-stage change (a PhD defence before the conference) may be entered ahead, so the
        // bonus at the conference's date uses the stage the person will have; a move is recorded when it happens.
        if (dto.instituteId || !dto.careerStage) {
          errors.push({ field: 'effectiveFrom', message: `must not be after today (${current.today}) except for a planned career-stage change alone` });
        } else if (effectiveFrom > current.latestPlanned) {
          errors.push({ field: 'effectiveFrom', message: `a planned career-stage change may be at most ${PLANNING_YEARS} years ahead (until ${current.latestPlanned})` });
        }
      }
      if ((dto.careerStage || dto.instituteId) && effectiveFrom < current.joinedOn) {
        errors.push({ field: 'effectiveFrom', message: `must not be before the member joined (${current.joinedOn})` });
      }
      if (dto.leftOn && dto.leftOn < current.joinedOn) {
        errors.push({ field: 'leftOn', message: `must not be before the member joined (${current.joinedOn})` });
      }
      // Authorship is one span of days; clearing authorSince ends being an author altogether.
      const authorSince = dto.authorSince !== undefined ? dto.authorSince : current.authorSince;
      const authorUntil = dto.authorSince === null ? null : dto.authorUntil !== undefined ? dto.authorUntil : current.authorUntil;
      if (authorUntil && !authorSince) {
        errors.push({ field: 'authorUntil', message: 'needs authorSince: a member is an author from a day' });
      } else if (authorSince && authorUntil && authorUntil < authorSince) {
        errors.push({ field: 'authorUntil', message: `must not be before authorSince (${authorSince})` });
      }
      if (authorSince && authorSince < current.joinedOn) {
        errors.push({ field: 'authorSince', message: `must not be before the member joined (${current.joinedOn})` });
      }
      if (errors.length) throw unprocessable('The change cannot be applied', errors);
      if (dto.instituteId) await assertInstitute(manager, dto.instituteId);
      if (dto.email && dto.email.toLowerCase() !== current.email?.toLowerCase()) await assertUnique(manager, { email: dto.email }, id);
      if (dto.externalId && dto.externalId !== current.externalId) await assertUnique(manager, { externalId: dto.externalId }, id);

      const before = await this.get(id, true, manager);
      const historyChanged = await this.addHistory(manager, id, effectiveFrom, dto);
      const fields = {
        externalId: dto.externalId !== undefined && dto.externalId !== current.externalId,
        name: dto.name !== undefined && dto.name !== current.name,
        email: dto.email !== undefined && dto.email !== current.email,
        gender: dto.gender !== undefined && dto.gender !== current.gender,
        leftOn: dto.leftOn !== undefined && dto.leftOn !== current.leftOn,
        authorship: authorSince !== current.authorSince || authorUntil !== current.authorUntil,
      };
      if (!historyChanged && !Object.values(fields).some(Boolean)) return before;

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
        [id, fields.name, dto.name ?? null, fields.email, dto.email ?? null, fields.gender, dto.gender ?? null,
          fields.leftOn, dto.leftOn ?? null, fields.externalId, dto.externalId ?? null, fields.authorship, authorSince, authorUntil],
      );
      const after = await this.get(id, true, manager);
      await this.audit.record(manager, actor, {
        action: 'member.update', entity: 'member', entityId: id,
        before: audited(before),
        // Which fields changed is kept (gender included), never the gender itself.
        after: { ...audited(after), changed: changedFields(before, after), ...(historyChanged ? { effectiveFrom } : {}) },
      });
      return after;
    });
  }

  /** Writes the history entries a PATCH asks for; true if any stage or affiliation changed. */
  private async addHistory(manager: EntityManager, id: string, effectiveFrom: string, dto: UpdateMemberDto): Promise<boolean> {
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
      [id, effectiveFrom, dto.careerStage ?? null, dto.instituteId ?? null],
    );
    return stageChanged || instituteChanged;
  }

  async history(id: string): Promise<MemberHistoryView> {
    const [member] = await this.dataSource.query(`SELECT 1 FROM member WHERE id = $1`, [id]);
    if (!member) throw notFound('Member', id);
    const [careerStages, affiliations] = await Promise.all([
      this.dataSource.query(
        `SELECT career_stage AS "careerStage", valid_from AS "validFrom"
         FROM member_career_stage WHERE member_id = $1 ORDER BY valid_from`,
        [id],
      ),
      this.dataSource.query(
        `SELECT a.institute_id AS "instituteId", i.name AS "instituteName", ir.region_code AS region, a.valid_from AS "validFrom"
         FROM member_affiliation a
         JOIN institute i ON i.id = a.institute_id
         JOIN institute_region ir ON ir.institute_id = a.institute_id
         WHERE a.member_id = $1 ORDER BY a.valid_from`,
        [id],
      ),
    ]);
    return { careerStages, affiliations };
  }

  /** CSV in the import's columns (gender included: only admins reach the export). */
  async exportCsv(filter: MemberFilter): Promise<string> {
    const params: unknown[] = [];
    const rows = await this.dataSource.query(
      `SELECT m.external_id AS "externalId", m.name, m.email, i.name AS institute, i.country::text AS country,
              m.career_stage AS "careerStage", m.gender, m.joined_on AS "joinedOn"
       ${MEMBER_FROM} ${memberWhere(filter, params)}
       ORDER BY m.external_id NULLS LAST, lower(m.name), m.id`,
      params,
    );
    return formatMembersCsv(rows);
  }

  /**
   * Upsert by externalId, all or nothing. Every row is checked first (the file alone, then against
   * the database); any bad row -> 422 naming every bad row, and nothing is written. Then a handful
   * of set-based statements do the whole write in one transaction, with one summary audit event.
   */
  async importMembers(input: unknown, actor: Actor): Promise<MemberImportResult> {
    let rows: MemberImportRow[];
    let fileErrors: ImportRowError[];
    let total: number;
    try {
      const records = typeof input === 'string' ? readMemberCsv(input) : input;
      if (!Array.isArray(records)) throw new ImportFormatError('Send a JSON array of members or text/csv');
      ({ rows, errors: fileErrors } = checkMemberImport(records));
      total = records.length;
    } catch (error) {
      if (error instanceof ImportFormatError) throw badRequest(error.message);
      throw error;
    }
    if (total === 0) throw unprocessable('The import has no rows');

    return this.dataSource.transaction(async (manager) => {
      // Imports queue up behind each other, so the checks below still hold when the writes run.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('member-import'))`);
      const { errors: databaseErrors, newInstitutes } = await this.checkImportAgainstDatabase(manager, rows);
      const errors = [...fileErrors, ...databaseErrors];
      if (errors.length) {
        const badRows = new Set(errors.map((e) => e.row)).size;
        const { errors: listed, more } = capErrors(errors);
        throw unprocessable(
          `${badRows} of ${total} rows have errors; nothing was imported`, listed,
          { badRows, errorCount: errors.length, moreErrors: more },
        );
      }

      const institutesCreated = await this.createInstitutes(manager, newInstitutes, actor);
      const { created, updated } = await this.upsertMembers(manager, rows);
      const result = { created, updated, unchanged: rows.length - created - updated, institutesCreated };
      await this.audit.record(manager, actor, {
        action: 'member.import', entity: 'member', after: { rows: rows.length, ...result },
      });
      return result;
    });
  }

  /** Institutes must exist or be creatable (a country given), and e-mail addresses must be free. */
  private async checkImportAgainstDatabase(manager: EntityManager, rows: MemberImportRow[]) {
    const errors: ImportRowError[] = [];
    const spellings = [...new Set(rows.map((r) => r.institute))];
    const found: { spelling: string; name: string; country: string }[] = await manager.query(
      `SELECT t.spelling, i.name, i.country::text AS country
       FROM unnest($1::text[]) AS t(spelling) JOIN institute i ON lower(i.name) = lower(t.spelling)`,
      [spellings],
    );
    const existing = new Map(found.map((f) => [f.spelling, f]));
    const newInstitutes = new Map<string, { name: string; country: string }>();
    for (const r of rows) {
      if (r.country && !existing.has(r.institute) && !newInstitutes.has(instituteKey(r.institute))) {
        newInstitutes.set(instituteKey(r.institute), { name: r.institute, country: r.country });
      }
    }
    for (const r of rows) {
      const institute = existing.get(r.institute);
      if (institute && r.country && r.country !== institute.country) {
        errors.push({ row: r.row, field: 'country', message: `institute ${institute.name} is in ${institute.country}, not ${r.country}` });
      } else if (!institute && !newInstitutes.has(instituteKey(r.institute))) {
        errors.push({ row: r.row, field: 'institute', message: `unknown institute ${r.institute}; give its country to create it` });
      }
    }

    const withEmail = rows.filter((r) => r.email !== null);
    const taken: { row: number; owner: string }[] = await manager.query(
      `SELECT t.row, COALESCE(m.external_id, m.id::text) AS owner
       FROM unnest($1::text[], $2::text[], $3::int[]) AS t(email, external_id, row)
       JOIN member m ON lower(m.email) = lower(t.email)
       WHERE m.external_id IS DISTINCT FROM t.external_id`,
      [withEmail.map((r) => r.email), withEmail.map((r) => r.externalId), withEmail.map((r) => r.row)],
    );
    for (const t of taken) errors.push({ row: t.row, field: 'email', message: `already belongs to member ${t.owner}` });
    return { errors, newInstitutes: [...newInstitutes.values()] };
  }

  private async createInstitutes(manager: EntityManager, institutes: { name: string; country: string }[], actor: Actor): Promise<number> {
    if (institutes.length === 0) return 0;
    const created: { id: string; name: string; country: string }[] = await manager.query(
      `INSERT INTO institute (name, country) SELECT * FROM unnest($1::text[], $2::text[])
       ON CONFLICT DO NOTHING RETURNING id, name, country::text AS country`,
      [institutes.map((i) => i.name), institutes.map((i) => i.country)],
    );
    await this.audit.recordMany(manager, actor, created.map((i) => ({
      action: 'institute.create', entity: 'institute', entityId: i.id, after: { ...i, via: 'member.import' },
    })));
    return created.length;
  }

  /**
   * The rows go into a temporary table with what is stored today beside them; from there one
   * statement inserts the new members with their first history entries and one updates the changed
   * ones, adding a history entry dated today where the stage or institute differs.
   */
  private async upsertMembers(manager: EntityManager, rows: MemberImportRow[]): Promise<{ created: number; updated: number }> {
    await manager.query(
      `SELECT count(*) FROM (SELECT 1 FROM member WHERE external_id = ANY ($1::text[]) FOR UPDATE) AS locked`,
      [rows.map((r) => r.externalId)],
    );
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
        rows.map((r) => r.externalId), rows.map((r) => r.name), rows.map((r) => r.email), rows.map((r) => r.gender),
        rows.map((r) => r.institute), rows.map((r) => r.careerStage), rows.map((r) => r.joinedOn),
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
}

async function assertInstitute(manager: EntityManager, instituteId: string): Promise<void> {
  const [institute] = await manager.query(`SELECT 1 FROM institute WHERE id = $1`, [instituteId]);
  if (!institute) {
    throw unprocessable(`Institute ${instituteId} does not exist`, [{ field: 'instituteId', message: 'unknown institute' }]);
  }
}

/** Friendlier than the unique-index error: says which value is taken and by whom. */
async function assertUnique(
  manager: EntityManager, values: { externalId?: string; email?: string }, exceptId?: string,
): Promise<void> {
  const [taken] = await manager.query(
    `SELECT id, external_id = $1 AS "sameExternalId" FROM member
     WHERE (external_id = $1::text OR lower(email) = lower($2::text)) AND id IS DISTINCT FROM $3::uuid LIMIT 1`,
    [values.externalId ?? null, values.email ?? null, exceptId ?? null],
  );
  if (!taken) return;
  throw conflict(
    taken.sameExternalId ? `A member with externalId ${values.externalId} already exists` : `E-mail ${values.email} belongs to another member`,
    { memberId: taken.id },
  );
}

function audited(member: MemberView) {
  return Object.fromEntries(AUDITED_FIELDS.map((field) => [field, member[field]]));
}

function changedFields(before: MemberView, after: MemberView): string[] {
  const fields = [...AUDITED_FIELDS, 'gender'] as const;
  return fields.filter((field) => before[field] !== after[field]);
}
