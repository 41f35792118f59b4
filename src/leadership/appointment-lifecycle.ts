import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../auth/actor';
import { conflict, notFound, staleVersion, unprocessable } from '../common/problem';
import { AppointmentsRepository, NewAppointmentRow } from './appointments.repository';
import { RuleBreach, termRuleBreaches, Tenure } from './term-rules';

export interface AppointmentRequest {
  positionId: string;
  memberId: string;
  startsOn: string;
  endsOn: string | null;
  /** Given: the overridable term rules this appointment breaks are recorded as overridden for this reason. */
  overrideReason: string | null;
  source: 'direct' | 'call' | 'import';
  callId?: string | null;
}

/** Why one request cannot be made: the field at fault and, for a term rule, which one. */
export interface AppointmentRefusal {
  index: number;
  field: string;
  message: string;
  rule?: string;
}

export type AppointResult =
  { ok: true; appointments: Array<{ id: string; overriddenRules: string[] }> } | { ok: false; refusals: AppointmentRefusal[] };

const FIELD_OF: Record<RuleBreach['rule'], string> = {
  'already-holding': 'memberId',
  'seats-full': 'startsOn',
  'max-consecutive-terms': 'startsOn',
  'term-length': 'endsOn',
};

/**
 * The one door of the appointment lifecycle: every appointment (made directly, by a call's decision or
 * by an import of the historical record) and every end of one is checked, written and audited here, on
 * the caller's transaction. An appointment is never changed afterwards except to end it.
 */
@Injectable()
export class AppointmentLifecycle {
  constructor(
    private readonly repository: AppointmentsRepository,
    private readonly audit: AuditService,
  ) {}

  /**
   * All the requests, or none: each is checked against the positions' appointments (those on record and
   * the earlier requests of the same batch, in order of their first day). Nothing is written when any
   * is refused.
   */
  async appoint(manager: EntityManager, requests: AppointmentRequest[], actor: Actor | null): Promise<AppointResult> {
    const positionIds = [...new Set(requests.map((r) => r.positionId))];
    const positions = new Map((await this.repository.lockPositions(manager, positionIds)).map((p) => [p.id, p]));
    const tenures = new Map<string, Tenure[]>(positionIds.map((id) => [id, []]));
    for (const t of await this.repository.tenuresOf(manager, positionIds)) tenures.get(t.positionId)!.push(t);
    const holders = await this.repository.holdersOnDay(
      manager,
      requests.map((r, index) => ({ index, memberId: r.memberId, startsOn: r.startsOn })),
    );

    const refusals: AppointmentRefusal[] = [];
    const rows: Array<NewAppointmentRow & { index: number }> = [];
    const order = requests.map((r, index) => ({ r, index })).sort((a, b) => a.r.startsOn.localeCompare(b.r.startsOn) || a.index - b.index);
    for (const { r, index } of order) {
      const refuse = (field: string, message: string, rule?: string) => refusals.push({ index, field, message, ...(rule ? { rule } : {}) });
      const position = positions.get(r.positionId);
      const holder = holders[index];
      if (!position) refuse('positionId', `position ${r.positionId} does not exist`);
      if (!holder.memberId) refuse('memberId', `member ${r.memberId} does not exist`);
      else if (holder.joinedOn! > r.startsOn || (holder.leftOn !== null && holder.leftOn <= r.startsOn)) {
        refuse('memberId', `${holder.name} is not a member of the collaboration on ${r.startsOn}`, 'not-a-member');
      }
      if (r.endsOn !== null && r.endsOn <= r.startsOn) refuse('endsOn', 'must be after startsOn');
      if (!position || !holder.memberId || refusals.some((x) => x.index === index)) continue;
      const proposed: Tenure = { memberId: r.memberId, startsOn: r.startsOn, endsOn: r.endsOn };
      const others = tenures.get(r.positionId)!;
      const breaches = termRuleBreaches(position, others, proposed);
      const blocking = breaches.filter((b) => !b.overridable || r.overrideReason === null);
      for (const b of blocking) refuse(FIELD_OF[b.rule], `${holder.name} ${b.message}`, b.rule);
      if (blocking.length) continue;
      others.push(proposed);
      rows.push({
        index,
        positionId: r.positionId,
        memberId: r.memberId,
        startsOn: r.startsOn,
        endsOn: r.endsOn,
        careerStage: holder.careerStage!,
        instituteId: holder.instituteId!,
        regionCode: holder.regionCode!,
        source: r.source,
        callId: r.callId ?? null,
        overriddenRules: breaches.map((b) => b.rule),
        overrideReason: r.overrideReason,
      });
    }
    if (refusals.length) return { ok: false, refusals: refusals.sort((a, b) => a.index - b.index) };

    const inserted = await this.repository.insertAppointments(manager, rows, actor?.id ?? null);
    const idOf = new Map(inserted.map((i) => [`${i.positionId}|${i.memberId}|${i.startsOn}`, i.id]));
    const made = rows.map((row) => ({ ...row, id: idOf.get(`${row.positionId}|${row.memberId}|${row.startsOn}`)! }));
    await this.audit.recordMany(
      manager,
      actor,
      made.map((row) => ({
        action: row.source === 'import' ? 'leadership-appointment.import' : 'leadership-appointment.create',
        entity: 'leadership_appointment',
        entityId: row.id,
        after: {
          positionId: row.positionId,
          memberId: row.memberId,
          startsOn: row.startsOn,
          endsOn: row.endsOn,
          careerStage: row.careerStage,
          instituteId: row.instituteId,
          region: row.regionCode,
          source: row.source,
          callId: row.callId,
          ...(row.overriddenRules.length ? { overriddenRules: row.overriddenRules, overrideReason: row.overrideReason } : {}),
        },
      })),
    );
    made.sort((a, b) => a.index - b.index);
    return { ok: true, appointments: made.map((m) => ({ id: m.id, overriddenRules: m.overriddenRules })) };
  }

  /** Ends an appointment in force: sets endsOn, once. */
  async end(
    manager: EntityManager,
    change: { id: string; endsOn: string; reason: string | null; expectedVersion?: number },
    actor: Actor,
  ): Promise<void> {
    const current = await this.repository.lockAppointment(manager, change.id);
    if (!current) throw notFound('Appointment', change.id);
    if (change.expectedVersion !== undefined && change.expectedVersion !== current.version) {
      throw staleVersion(
        `Appointment ${change.id} changed since version ${change.expectedVersion} (now version ${current.version})`,
        current.version,
      );
    }
    if (current.endsOn !== null) {
      throw conflict(`The appointment already ended on ${current.endsOn}; history is not rewritten`, { endsOn: current.endsOn });
    }
    if (change.endsOn <= current.startsOn) {
      throw unprocessable(`An appointment that began on ${current.startsOn} cannot end on ${change.endsOn}`, [
        { field: 'endsOn', message: "must be after the appointment's startsOn" },
      ]);
    }
    await this.repository.endAppointment(manager, change.id, change.endsOn, change.reason);
    await this.audit.record(manager, actor, {
      action: 'leadership-appointment.end',
      entity: 'leadership_appointment',
      entityId: change.id,
      before: { endsOn: null, version: current.version },
      after: { endsOn: change.endsOn, reason: change.reason, version: current.version + 1 },
    });
  }
}
