import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../auth/actor';
import { importRefused, ImportFormatError, ImportRowError } from '../common/import-rows';
import { Page } from '../common/pagination';
import { badRequest, conflict, notFound, ProblemFieldError, staleVersion, unprocessable } from '../common/problem';
import { checkMemberImport, formatMembersCsv, instituteKey, MemberImportRow, readMemberCsv } from './member-import';
import { CreateMemberDto, MemberHistoryView, MemberImportResult, MemberQuery, MemberView, UpdateMemberDto } from './members.dto';
import { MembersRepository } from './members.repository';
import { MemberFilter } from './members.sql';

/** The member fields the audit log may keep: never gender. */
const AUDITED_FIELDS = [
  'externalId',
  'name',
  'email',
  'instituteId',
  'careerStage',
  'joinedOn',
  'leftOn',
  'authorSince',
  'authorUntil',
] as const;

/** How far ahead a planned career-stage change may be entered: conferences are planned about that far out. */
export const PLANNING_YEARS = 3;

@Injectable()
export class MembersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly members: MembersRepository,
    private readonly audit: AuditService,
  ) {}

  async list(query: MemberQuery, withGender: boolean): Promise<Page<MemberView>> {
    const { limit, offset, ...filter } = query;
    return this.members.membersPage(filter, withGender, limit, offset);
  }

  async get(id: string, withGender: boolean, manager: EntityManager = this.dataSource.manager): Promise<MemberView> {
    const member = await this.members.member(id, withGender, manager);
    if (!member) throw notFound('Member', id);
    return member;
  }

  async create(dto: CreateMemberDto, actor: Actor): Promise<MemberView> {
    return this.dataSource.transaction(async (manager) => {
      await this.assertInstitute(manager, dto.instituteId);
      await this.assertUnique(manager, { externalId: dto.externalId, email: dto.email });
      const id = await this.members.insertMember(manager, dto);
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
      const current = await this.members.lockedMember(manager, id, PLANNING_YEARS);
      if (!current) throw notFound('Member', id);
      const stale = expectedVersions.find((v) => v !== current.version);
      if (stale !== undefined) {
        throw staleVersion(
          `Member ${id} has changed since version ${stale} was read; it is now version ${current.version}`,
          current.version,
        );
      }

      const effectiveFrom = dto.effectiveFrom ?? current.today;
      const errors: ProblemFieldError[] = [];
      if (effectiveFrom > current.today) {
        // A planned career-stage change (a PhD defence before the conference) may be entered ahead, so the
        // bonus at the conference's date uses the stage the person will have; a move is recorded when it happens.
        if (dto.instituteId || !dto.careerStage) {
          errors.push({
            field: 'effectiveFrom',
            message: `must not be after today (${current.today}) except for a planned career-stage change alone`,
          });
        } else if (effectiveFrom > current.latestPlanned) {
          errors.push({
            field: 'effectiveFrom',
            message: `a planned career-stage change may be at most ${PLANNING_YEARS} years ahead (until ${current.latestPlanned})`,
          });
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
      if (dto.instituteId) await this.assertInstitute(manager, dto.instituteId);
      if (dto.email && dto.email.toLowerCase() !== current.email?.toLowerCase()) await this.assertUnique(manager, { email: dto.email }, id);
      if (dto.externalId && dto.externalId !== current.externalId) await this.assertUnique(manager, { externalId: dto.externalId }, id);

      const before = await this.get(id, true, manager);
      const historyChanged = await this.members.addHistory(manager, id, effectiveFrom, dto.careerStage ?? null, dto.instituteId ?? null);
      const fields = {
        externalId: dto.externalId !== undefined && dto.externalId !== current.externalId,
        name: dto.name !== undefined && dto.name !== current.name,
        email: dto.email !== undefined && dto.email !== current.email,
        gender: dto.gender !== undefined && dto.gender !== current.gender,
        leftOn: dto.leftOn !== undefined && dto.leftOn !== current.leftOn,
        authorship: authorSince !== current.authorSince || authorUntil !== current.authorUntil,
      };
      if (!historyChanged && !Object.values(fields).some(Boolean)) return before;

      await this.members.updateMember(manager, id, {
        externalId: { set: fields.externalId, value: dto.externalId ?? null },
        name: { set: fields.name, value: dto.name ?? null },
        email: { set: fields.email, value: dto.email ?? null },
        gender: { set: fields.gender, value: dto.gender ?? null },
        leftOn: { set: fields.leftOn, value: dto.leftOn ?? null },
        authorship: { set: fields.authorship, since: authorSince, until: authorUntil },
      });
      const after = await this.get(id, true, manager);
      await this.audit.record(manager, actor, {
        action: 'member.update',
        entity: 'member',
        entityId: id,
        before: audited(before),
        // Which fields changed is kept (gender included), never the gender itself.
        after: { ...audited(after), changed: changedFields(before, after), ...(historyChanged ? { effectiveFrom } : {}) },
      });
      return after;
    });
  }

  async history(id: string): Promise<MemberHistoryView> {
    if (!(await this.members.memberExists(id))) throw notFound('Member', id);
    const [careerStages, affiliations] = await Promise.all([this.members.careerStageHistory(id), this.members.affiliationHistory(id)]);
    return { careerStages, affiliations };
  }

  /** CSV in the import's columns (gender included: only admins reach the export). */
  async exportCsv(filter: MemberFilter): Promise<string> {
    const rows = await this.members.exportRows(filter);
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
      await this.members.queueMemberImport(manager);
      const { errors: databaseErrors, newInstitutes } = await this.checkImportAgainstDatabase(manager, rows);
      const errors = [...fileErrors, ...databaseErrors];
      if (errors.length) throw importRefused(errors, total);

      const institutesCreated = await this.createInstitutes(manager, newInstitutes, actor);
      const { created, updated } = await this.members.upsertImportedMembers(manager, rows);
      const result = { created, updated, unchanged: rows.length - created - updated, institutesCreated };
      await this.audit.record(manager, actor, {
        action: 'member.import',
        entity: 'member',
        after: { rows: rows.length, ...result },
      });
      return result;
    });
  }

  /** Institutes must exist or be creatable (a country given), and e-mail addresses must be free. */
  private async checkImportAgainstDatabase(manager: EntityManager, rows: MemberImportRow[]) {
    const errors: ImportRowError[] = [];
    const spellings = [...new Set(rows.map((r) => r.institute))];
    const found = await this.members.institutesSpelled(manager, spellings);
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

    const taken = await this.members.emailsOfOtherMembers(manager, rows);
    for (const t of taken) errors.push({ row: t.row, field: 'email', message: `already belongs to member ${t.owner}` });
    return { errors, newInstitutes: [...newInstitutes.values()] };
  }

  private async createInstitutes(manager: EntityManager, institutes: { name: string; country: string }[], actor: Actor): Promise<number> {
    if (institutes.length === 0) return 0;
    const created = await this.members.insertInstitutes(manager, institutes);
    await this.audit.recordMany(
      manager,
      actor,
      created.map((i) => ({
        action: 'institute.create',
        entity: 'institute',
        entityId: i.id,
        after: { ...i, via: 'member.import' },
      })),
    );
    return created.length;
  }

  private async assertInstitute(manager: EntityManager, instituteId: string): Promise<void> {
    if (!(await this.members.instituteExists(manager, instituteId))) {
      throw unprocessable(`Institute ${instituteId} does not exist`, [{ field: 'instituteId', message: 'unknown institute' }]);
    }
  }

  /** Friendlier than the unique-index error: says which value is taken and by whom. */
  private async assertUnique(manager: EntityManager, values: { externalId?: string; email?: string }, exceptId?: string): Promise<void> {
    const taken = await this.members.memberHolding(manager, values, exceptId);
    if (!taken) return;
    throw conflict(
      taken.sameExternalId
        ? `A member with externalId ${values.externalId} already exists`
        : `E-mail ${values.email} belongs to another member`,
      { memberId: taken.id },
    );
  }
}

function audited(member: MemberView) {
  return Object.fromEntries(AUDITED_FIELDS.map((field) => [field, member[field]]));
}

function changedFields(before: MemberView, after: MemberView): string[] {
  const fields = [...AUDITED_FIELDS, 'gender'] as const;
  return fields.filter((field) => before[field] !== after[field]);
}
