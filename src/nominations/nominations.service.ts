import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, hasRole } from '../auth/actor';
import { Page } from '../common/pagination';
import { conflict, notFound, ProblemFieldError, unprocessable } from '../common/problem';
import { NominationLifecycle } from './nomination-lifecycle';
import { NominationActor } from './nomination-status';
import { ChangeNominationStatusDto, CreateNominationDto, NominationQuery, NominationView } from './nominations.dto';
import { NominationFilters, NominationsRepository, VIEW_KEYS } from './nominations.repository';

/** Nominators who are not on the committee see only their own nominations and no committee notes. */
const seesAll = (actor: Actor) => hasRole(actor, 'committee');

@Injectable()
export class NominationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly nominations: NominationsRepository,
    private readonly lifecycle: NominationLifecycle,
  ) {}

  /**
   * One statement, one round trip: the checks, the insert (only when they pass), its audit entry and
   * the view are common table expressions of a single INSERT, which commits on its own. When nothing
   * was inserted, the checked facts come back and say why. Prepared: planning this statement costs
   * more than running it, and nominations come in bursts before a deadline.
   */
  async create(dto: CreateNominationDto, actor: Actor): Promise<NominationView> {
    const row = await this.nominations.createNomination(dto, actor);
    if (row.id) return pick(row, VIEW_KEYS);

    const errors: ProblemFieldError[] = [];
    if (!row.member_id) errors.push({ field: 'memberId', message: `member ${dto.memberId} does not exist` });
    else if (row.has_left) errors.push({ field: 'memberId', message: `member left the collaboration on ${row.left_on}` });
    if (!row.slot_id) errors.push({ field: 'slotId', message: `slot ${dto.slotId} does not exist` });
    else if (row.has_started) {
      errors.push({ field: 'slotId', message: `the conference ${row.conference_name} started on ${row.start_date}` });
    }
    if (errors.length) throw unprocessable(errors.map((e) => e.message).join('; '), errors);
    if (row.self_refused) {
      throw unprocessable(
        'You cannot nominate yourself for this slot; ask a colleague to nominate you',
        [{ field: 'memberId', message: 'is your own member record, and this slot does not take self-nominations' }],
        { rule: 'no-self-nomination' },
      );
    }
    // Another nominator's nomination is theirs: a nominator learns only that one exists. The committee
    // reads every nomination anyway, so it is told which one.
    if (!seesAll(actor)) throw conflict(`${row.member_name} is already nominated for this slot`);
    throw conflict(`${row.member_name} is already nominated for this slot (nomination ${row.active_id}, ${row.active_status})`, {
      nominationId: row.active_id,
    });
  }

  async list(query: NominationQuery, actor: Actor): Promise<Page<NominationView>> {
    const filters: NominationFilters = {
      nominatorId: seesAll(actor) ? (query.nominatorId ?? null) : actor.id,
      slotId: query.slotId,
      conferenceId: query.conferenceId,
      memberId: query.memberId,
      status: query.status,
    };
    const rows = await this.nominations.nominations(filters, query.limit, query.offset);
    let total = rows[0]?.total ?? 0;
    if (rows.length === 0 && query.offset > 0) total = await this.nominations.countNominations(filters);
    return {
      items: rows.map(({ total: _total, ...view }) => forActor(view, actor)),
      total,
      limit: query.limit,
      offset: query.offset,
    };
  }

  async get(id: string, actor: Actor): Promise<NominationView> {
    const view = await this.view(this.dataSource.manager, id);
    if (!seesAll(actor) && view.nominatorId !== actor.id) throw notFound('Nomination', id);
    return forActor(view, actor);
  }

  /** One step of the state machine in nomination-status.ts, through the lifecycle's one door. */
  async changeStatus(id: string, dto: ChangeNominationStatusDto, actor: Actor): Promise<NominationView> {
    return this.dataSource.transaction(async (manager) => {
      const current = await this.nominations.lockNominator(manager, id);
      const own = current?.nominatorId === actor.id;
      if (!current || (!seesAll(actor) && !own)) throw notFound('Nomination', id);
      const actors: NominationActor[] = [];
      if (hasRole(actor, 'committee')) actors.push('committee');
      if (hasRole(actor, 'nominator') && own) actors.push('nominator');
      await this.lifecycle.changeNominationStatus(manager, {
        nominationId: id,
        to: dto.status,
        as: actors,
        actor,
        expectedVersion: dto.version,
        note: dto.note,
      });
      return forActor(await this.view(manager, id), actor);
    });
  }

  private async view(manager: EntityManager, id: string): Promise<NominationView> {
    const view = await this.nominations.nomination(manager, id);
    if (!view) throw notFound('Nomination', id);
    return view;
  }
}

function forActor(view: NominationView, actor: Actor): NominationView {
  if (seesAll(actor)) return view;
  const { committeeNote: _note, ...rest } = view;
  return rest;
}

function pick(row: Record<string, unknown>, keys: ReadonlyArray<keyof NominationView>): NominationView {
  return Object.fromEntries(keys.map((key) => [key, row[key]])) as unknown as NominationView;
}
