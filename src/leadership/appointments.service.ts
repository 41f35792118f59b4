import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, hasRole } from '../auth/actor';
import { importRefused, ImportFormatError, ImportRowError } from '../common/import-rows';
import { Page } from '../common/pagination';
import { badRequest, notFound, ProblemException, unprocessable } from '../common/problem';
import { AppointmentLifecycle, AppointmentRefusal, AppointmentRequest } from './appointment-lifecycle';
import { checkAppointmentImport, readAppointmentCsv } from './appointment-import';
import { AppointmentsRepository } from './appointments.repository';
import { OVERRIDABLE_RULES } from './term-rules';
import { AppointmentImportResult, AppointmentQuery, AppointmentView, CreateAppointmentDto } from './appointments.dto';

/** 422 for one appointment, naming every rule broken (`rule`: the first, `rules`: all of them). */
export function refused(refusals: AppointmentRefusal[]): ProblemException {
  const rules = [...new Set(refusals.map((r) => r.rule).filter((r): r is string => r !== undefined))];
  const overridable = rules.length > 0 && rules.every((r) => (OVERRIDABLE_RULES as readonly string[]).includes(r));
  return unprocessable(
    refusals.map((r) => r.message).join('; ') + (overridable ? '. To appoint anyway, give override: { reason }' : ''),
    refusals.map(({ field, message }) => ({ field, message })),
    rules.length ? { rule: rules[0], rules } : undefined,
  );
}

/** Only admins see an individual's gender. */
const seesGender = (actor: Actor) => hasRole(actor, 'admin');

@Injectable()
export class AppointmentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly appointments: AppointmentsRepository,
    private readonly lifecycle: AppointmentLifecycle,
  ) {}

  async create(dto: CreateAppointmentDto, actor: Actor): Promise<AppointmentView> {
    if (dto.endsOn !== undefined && dto.endsOn <= dto.startsOn) {
      throw badRequest('Invalid input: endsOn', [{ field: 'endsOn', message: 'endsOn must be after startsOn' }]);
    }
    return this.dataSource.transaction(async (manager) => {
      const result = await this.lifecycle.appoint(
        manager,
        [
          {
            positionId: dto.positionId,
            memberId: dto.memberId,
            startsOn: dto.startsOn,
            endsOn: dto.endsOn ?? null,
            overrideReason: dto.override?.reason ?? null,
            source: 'direct',
          },
        ],
        actor,
      );
      if (!result.ok) throw refused(result.refusals);
      return this.view(manager, result.appointments[0].id, actor);
    });
  }

  async list(q: AppointmentQuery, actor: Actor): Promise<Page<AppointmentView>> {
    const { items, total } = await this.appointments.appointments(q, seesGender(actor));
    return { items, total, limit: q.limit, offset: q.offset };
  }

  get(id: string, actor: Actor): Promise<AppointmentView> {
    return this.view(this.dataSource.manager, id, actor);
  }

  async end(
    id: string,
    change: { endsOn: string; reason?: string },
    expectedVersion: number | undefined,
    actor: Actor,
  ): Promise<AppointmentView> {
    return this.dataSource.transaction(async (manager) => {
      await this.lifecycle.end(manager, { id, endsOn: change.endsOn, reason: change.reason ?? null, expectedVersion }, actor);
      return this.view(manager, id, actor);
    });
  }

  /** The historical record, from a JSON array or CSV: every row is appointed, or none is (422 naming each bad row). */
  async importHistory(input: unknown, actor: Actor): Promise<AppointmentImportResult> {
    let checked: ReturnType<typeof checkAppointmentImport>;
    try {
      const records = typeof input === 'string' ? readAppointmentCsv(input) : input;
      if (!Array.isArray(records)) throw new ImportFormatError('Send a JSON array of appointments or text/csv');
      checked = checkAppointmentImport(records);
      if (records.length === 0) throw unprocessable('The import has no rows');
    } catch (error) {
      if (error instanceof ImportFormatError) throw badRequest(error.message);
      throw error;
    }
    const total = checked.rows.length + new Set(checked.errors.map((e) => e.row)).size;
    return this.dataSource.transaction(async (manager) => {
      const errors: ImportRowError[] = [...checked.errors];
      const titles = [...new Set(checked.rows.flatMap((r) => ('title' in r.position ? [r.position.title.toLowerCase()] : [])))];
      const externalIds = [...new Set(checked.rows.flatMap((r) => ('externalId' in r.member ? [r.member.externalId] : [])))];
      const positions = await this.appointments.positionsTitled(manager, titles);
      const members = await this.appointments.membersByExternalId(manager, externalIds);
      const requests: Array<AppointmentRequest & { row: number }> = [];
      for (const r of checked.rows) {
        const positionId = 'id' in r.position ? r.position.id : positions.get(r.position.title.toLowerCase());
        const memberId = 'id' in r.member ? r.member.id : members.get(r.member.externalId);
        if (!positionId)
          errors.push({ row: r.row, field: 'position', message: `no position is titled ${(r.position as { title: string }).title}` });
        if (!memberId)
          errors.push({
            row: r.row,
            field: 'externalId',
            message: `no member has externalId ${(r.member as { externalId: string }).externalId}`,
          });
        if (positionId && memberId) {
          requests.push({
            row: r.row,
            positionId,
            memberId,
            startsOn: r.startsOn,
            endsOn: r.endsOn,
            overrideReason: r.overrideReason,
            source: 'import',
          });
        }
      }
      let overridden = 0;
      if (requests.length) {
        const result = await this.lifecycle.appoint(manager, requests, actor);
        if (!result.ok) errors.push(...result.refusals.map((x) => ({ row: requests[x.index].row, field: x.field, message: x.message })));
        // Refused or not, nothing is kept unless every row passed: the transaction rolls back on the 422 below.
        else overridden = result.appointments.filter((a) => a.overriddenRules.length > 0).length;
      }
      if (errors.length) throw importRefused(errors, total);
      return { created: requests.length, overridden };
    });
  }

  private async view(manager: EntityManager, id: string, actor: Actor): Promise<AppointmentView> {
    const row = await this.appointments.appointment(id, seesGender(actor), manager);
    if (!row) throw notFound('Appointment', id);
    return row;
  }
}
