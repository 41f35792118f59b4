import { HttpStatus, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor, hasRole } from '../auth/actor';
import { Clock } from '../clock/clock';
import { checkMove, LifecycleTable } from '../common/lifecycle';
import { Page } from '../common/pagination';
import { conflict, notFound, ProblemException, unprocessable } from '../common/problem';
import { leadershipOutcomeLetter } from '../mail/letters';
import { Outbox } from '../mail/outbox.service';
import { AppointmentLifecycle } from './appointment-lifecycle';
import { refused } from './appointments.service';
import { CallsRepository } from './calls.repository';
import { CallDecisionDto, CallNominationDto, CallNominationView, CallQuery, CallView, CreateCallDto } from './calls.dto';

type CallStatus = 'open' | 'decided' | 'cancelled';
/** A call is decided by the committee once; a decided or cancelled call is final. */
const CALL_TRANSITIONS: LifecycleTable<CallStatus, 'committee'> = {
  open: { decided: ['committee'], cancelled: ['committee'] },
  decided: {},
  cancelled: {},
};

type CallNominationStatus = 'submitted' | 'withdrawn' | 'appointed' | 'not-appointed';
/**
 * A nomination is withdrawn by its nominator, the nominee (declining to stand) or the committee while
 * the call is open; the decision settles the rest.
 */
const NOMINATION_TRANSITIONS: LifecycleTable<CallNominationStatus, 'nominator' | 'nominee' | 'committee' | 'decision'> = {
  submitted: { withdrawn: ['nominator', 'nominee', 'committee'], appointed: ['decision'], 'not-appointed': ['decision'] },
  withdrawn: {},
  appointed: {},
  'not-appointed': {},
};

const seesAll = (actor: Actor) => hasRole(actor, 'committee', 'admin');

@Injectable()
export class CallsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly calls: CallsRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly appointments: AppointmentLifecycle,
    private readonly outbox: Outbox,
  ) {}

  private today(): string {
    return this.clock.now().toISOString().slice(0, 10);
  }

  async create(dto: CreateCallDto, actor: Actor): Promise<CallView> {
    const today = this.today();
    const errors = [
      ...(dto.deadline < today ? [{ field: 'deadline', message: `must be today (${today}) or later` }] : []),
      ...(dto.termStartsOn < dto.deadline ? [{ field: 'termStartsOn', message: 'must be on or after the deadline' }] : []),
    ];
    return this.dataSource.transaction(async (manager) => {
      if (!(await this.calls.positionExists(manager, dto.positionId)))
        errors.unshift({ field: 'positionId', message: `position ${dto.positionId} does not exist` });
      if (errors.length)
        throw unprocessable(`The call cannot be opened: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`, errors);
      const id = await this.calls.insertCall(manager, {
        positionId: dto.positionId,
        opensOn: today,
        deadline: dto.deadline,
        termStartsOn: dto.termStartsOn,
        note: dto.note ?? '',
        createdBy: actor.id,
      });
      await this.audit.record(manager, actor, {
        action: 'leadership-call.create',
        entity: 'leadership_call',
        entityId: id,
        after: { positionId: dto.positionId, opensOn: today, deadline: dto.deadline, termStartsOn: dto.termStartsOn, note: dto.note ?? '' },
      });
      return this.view(manager, id, actor);
    });
  }

  async list(q: CallQuery, actor: Actor): Promise<Page<CallView>> {
    const { items, total } = await this.calls.calls(q, this.today(), seesAll(actor));
    return { items, total, limit: q.limit, offset: q.offset };
  }

  get(id: string, actor: Actor): Promise<CallView> {
    return this.view(this.dataSource.manager, id, actor);
  }

  /**
   * A nomination for an open call before its deadline. Anyone who nominates may nominate themselves;
   * a member who is neither nominator nor committee may nominate only themselves.
   */
  async nominate(callId: string, dto: CallNominationDto, actor: Actor): Promise<CallNominationView> {
    return this.dataSource.transaction(async (manager) => {
      const call = await this.calls.lockCall(manager, callId);
      if (!call) throw notFound('Call', callId);
      const ownMember = await this.calls.memberOfAccount(manager, actor.id);
      if (!hasRole(actor, 'nominator', 'committee') && dto.memberId !== ownMember) {
        throw new ProblemException(
          HttpStatus.FORBIDDEN,
          'As a member you may nominate yourself; nominators and the committee nominate others',
        );
      }
      if (call.status !== 'open') throw unprocessable(`The call is ${call.status}`, undefined, { rule: 'call-closed' });
      if (call.deadline < this.today()) {
        throw unprocessable(`The call took nominations until ${call.deadline}`, [{ field: 'callId', message: 'the deadline has passed' }], {
          rule: 'deadline-passed',
        });
      }
      const member = await this.calls.memberStanding(manager, dto.memberId, this.today());
      if (!member) throw unprocessable(`member ${dto.memberId} does not exist`, [{ field: 'memberId', message: 'does not exist' }]);
      if (member.hasLeft)
        throw unprocessable(`${member.name} has left the collaboration`, [{ field: 'memberId', message: 'has left the collaboration' }]);
      if (await this.calls.standsNominated(manager, callId, dto.memberId))
        throw conflict(`${member.name} is already nominated for this call`);
      const id = await this.calls.insertNomination(manager, {
        callId,
        memberId: dto.memberId,
        nominatorId: actor.id,
        nominatorMemberId: ownMember ?? null,
        statement: dto.statement,
      });
      await this.audit.record(manager, actor, {
        action: 'leadership-nomination.create',
        entity: 'leadership_nomination',
        entityId: id,
        after: { callId, memberId: dto.memberId, selfNomination: ownMember === dto.memberId },
      });
      return this.calls.nomination(manager, id);
    });
  }

  async withdraw(callId: string, nominationId: string, actor: Actor): Promise<CallNominationView> {
    return this.dataSource.transaction(async (manager) => {
      const n = await this.calls.lockNomination(manager, callId, nominationId, actor.id);
      const as = [
        ...(n?.nominatorId === actor.id ? ['nominator' as const] : []),
        ...(n && n.ownMember === n.memberId ? ['nominee' as const] : []),
        ...(hasRole(actor, 'committee') ? ['committee' as const] : []),
      ];
      // Someone else's nomination is not theirs to know of.
      if (!n || as.length === 0) throw notFound('Nomination', nominationId);
      const move = checkMove(NOMINATION_TRANSITIONS, n.status as CallNominationStatus, 'withdrawn', as);
      if (!move.allowed || n.callStatus !== 'open') {
        throw conflict(`A nomination that is ${n.status} on a call that is ${n.callStatus} cannot be withdrawn`, {
          from: n.status,
          to: 'withdrawn',
        });
      }
      await this.calls.withdrawNomination(manager, nominationId);
      await this.audit.record(manager, actor, {
        action: 'leadership-nomination.withdraw',
        entity: 'leadership_nomination',
        entityId: nominationId,
        before: { status: n.status },
        after: { status: 'withdrawn', by: as[0] },
      });
      return this.calls.nomination(manager, nominationId);
    });
  }

  /** The committee and admins see every nomination of a call; anyone else their own. */
  async nominations(callId: string, actor: Actor): Promise<CallNominationView[]> {
    if (!(await this.calls.callExists(callId))) throw notFound('Call', callId);
    return this.calls.nominations(callId, seesAll(actor), actor.id);
  }

  /**
   * The committee's choice among the nominees, once the deadline has passed: the appointment (through
   * the appointment lifecycle, term rules and all), the call decided with its rationale, every
   * nomination's outcome, and a mail to every nominee and nominator, in one transaction.
   */
  async decide(callId: string, dto: CallDecisionDto, actor: Actor): Promise<CallView> {
    return this.dataSource.transaction(async (manager) => {
      const call = await this.calls.lockCallForDecision(manager, callId);
      if (!call) throw notFound('Call', callId);
      const move = checkMove(CALL_TRANSITIONS, call.status as CallStatus, 'decided', ['committee']);
      if (!move.allowed) throw conflict(`A call cannot go from ${call.status} to decided`, { from: call.status, to: 'decided' });
      if (call.deadline >= this.today()) {
        throw unprocessable(`The call takes nominations until ${call.deadline}; decide after the deadline`, undefined, {
          rule: 'call-still-open',
        });
      }
      if (!(await this.calls.hasSubmittedNomination(manager, callId, dto.memberId))) {
        throw unprocessable(
          "The committee appoints one of the call's nominees",
          [{ field: 'memberId', message: 'was not nominated for this call' }],
          { rule: 'not-nominated' },
        );
      }
      const startsOn = dto.startsOn ?? call.termStartsOn;
      const result = await this.appointments.appoint(
        manager,
        [
          {
            positionId: call.positionId,
            memberId: dto.memberId,
            startsOn,
            endsOn: null,
            overrideReason: dto.override?.reason ?? null,
            source: 'call',
            callId,
          },
        ],
        actor,
      );
      if (!result.ok) throw refused(result.refusals);
      await this.calls.recordDecision(manager, callId, { memberId: dto.memberId, rationale: dto.rationale, by: actor.id });
      await this.audit.record(manager, actor, {
        action: 'leadership-call.decide',
        entity: 'leadership_call',
        entityId: callId,
        before: { status: call.status, version: call.version },
        after: {
          status: 'decided',
          memberId: dto.memberId,
          appointmentId: result.appointments[0].id,
          rationale: dto.rationale,
          version: call.version + 1,
        },
      });
      await this.tellOutcome(manager, callId, { title: call.title, startsOn, appointeeId: dto.memberId });
      return this.view(manager, callId, actor);
    });
  }

  private async tellOutcome(
    manager: EntityManager,
    callId: string,
    decision: { title: string; startsOn: string; appointeeId: string },
  ): Promise<void> {
    const recipients = await this.calls.outcomeRecipients(manager, callId);
    const appointee = recipients.find((r) => r.memberId === decision.appointeeId)!;
    for (const r of recipients) {
      const facts = {
        nomineeName: r.nomineeName,
        positionTitle: decision.title,
        appointeeName: appointee.nomineeName,
        startsOn: decision.startsOn,
        selected: r.memberId === decision.appointeeId,
      };
      if (r.nomineeEmail) {
        await this.outbox.write(manager, {
          kind: 'outcome',
          to: [r.nomineeEmail],
          dedupeKey: `leadership-outcome:${r.id}:nominee`,
          ...leadershipOutcomeLetter({ ...facts, recipientName: r.nomineeName, to: 'nominee' }),
        });
      }
      if (!r.selfNomination && r.nominatorEmail) {
        await this.outbox.write(manager, {
          kind: 'outcome',
          to: [r.nominatorEmail],
          dedupeKey: `leadership-outcome:${r.id}:nominator`,
          ...leadershipOutcomeLetter({ ...facts, recipientName: r.nominatorName, to: 'nominator' }),
        });
      }
    }
  }

  private async view(manager: EntityManager, id: string, actor: Actor): Promise<CallView> {
    const row = await this.calls.call(id, this.today(), seesAll(actor), manager);
    if (!row) throw notFound('Call', id);
    return row;
  }
}
