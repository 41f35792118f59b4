import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, hasRole } from '../auth/actor';
import { Page } from '../common/pagination';
import { PreparedStatement, runPrepared } from '../database/prepared';
import { conflict, notFound, ProblemFieldError, unprocessable } from '../common/problem';
import { NominationLifecycle } from './nomination-lifecycle';
import { NominationActor } from './nomination-status';
import { ChangeNominationStatusDto, CreateNominationDto, NominationQuery, NominationView } from './nominations.dto';

/**
 * What the committee should weigh about who nominated: the nominee themselves (where the slot allows
 * it), or a nominator from the nominee's own institute on the day of the nomination.
 */
const CONFLICTS_OF_INTEREST = `array_remove(ARRAY[
    CASE WHEN n.nominator_member_id = n.member_id THEN 'self-nomination' END,
    CASE WHEN n.nominator_member_id <> n.member_id AND n.nominator_institute_id = n.institute_id THEN 'same-institute' END
  ], NULL)`;

/** A nomination with the names the committee reads; never the nominee's gender. `n` is the nomination row. */
const VIEW_COLUMNS = `
  n.id, n.member_id AS "memberId", m.name AS "memberName", n.slot_id AS "slotId", s.title AS "slotTitle",
  s.conference_id AS "conferenceId", c.name AS "conferenceName", n.nominator_id AS "nominatorId",
  n.reason, n.status, n.career_stage AS "careerStage", n.institute_id AS "instituteId",
  n.committee_note AS "committeeNote", n.created_at AS "createdAt", n.updated_at AS "updatedAt", n.version,
  n.nominator_member_id AS "nominatorMemberId", ${CONFLICTS_OF_INTEREST} AS "conflictsOfInterest"`;
const VIEW_JOINS = `
  JOIN member m ON m.id = n.member_id
  JOIN slot s ON s.id = n.slot_id
  JOIN conference c ON c.id = s.conference_id`;
const VIEW_SELECT = `SELECT ${VIEW_COLUMNS} FROM nomination n ${VIEW_JOINS}`;
const VIEW_KEYS: Array<keyof NominationView> = [
  'id', 'memberId', 'memberName', 'slotId', 'slotTitle', 'conferenceId', 'conferenceName', 'nominatorId', 'reason',
  'status', 'careerStage', 'instituteId', 'committeeNote', 'createdAt', 'updatedAt', 'version', 'nominatorMemberId',
  'conflictsOfInterest',
];

/**
 * POST /nominations in one statement (see NominationsService.create): $1 member, $2 slot, $3 nominator,
 * $4 reason, $5 the nominator's roles and $6 the request id (for the audit entry). The nominator's
 * member record (their account's link) and its institute today are recorded with the nomination.
 */
const CREATE_NOMINATION: PreparedStatement = {
  name: 'nomination.create',
  text: `
    WITH found AS (
      SELECT m.id AS member_id, m.name AS member_name, m.left_on, m.left_on <= current_date AS has_left,
             COALESCE(member_career_stage_at(m.id, current_date), m.career_stage) AS career_stage,
             COALESCE(member_institute_at(m.id, current_date), m.institute_id) AS institute_id,
             s.id AS slot_id, c.name AS conference_name, c.start_date, c.start_date <= current_date AS has_started,
             active.id AS active_id, active.status AS active_status,
             nominator.member_id AS nominator_member_id,
             COALESCE(member_institute_at(nm.id, current_date), nm.institute_id) AS nominator_institute_id,
             nominator.member_id = m.id AND NOT s.self_nomination_allowed AS self_refused
      FROM (VALUES ($1::uuid, $2::uuid)) AS asked (member_id, slot_id)
      LEFT JOIN member m ON m.id = asked.member_id
      LEFT JOIN slot s ON s.id = asked.slot_id
      LEFT JOIN app_user nominator ON nominator.id = $3
      LEFT JOIN member nm ON nm.id = nominator.member_id
      LEFT JOIN conference c ON c.id = s.conference_id
      LEFT JOIN nomination active
        ON active.member_id = asked.member_id AND active.slot_id = asked.slot_id AND active.status <> 'withdrawn'
    ),
    -- The unique index nomination_active_key still answers a concurrent duplicate (409).
    inserted AS (
      INSERT INTO nomination (member_id, slot_id, nominator_id, reason, career_stage, institute_id, nominator_member_id,
                              nominator_institute_id)
      SELECT member_id, slot_id, $3, $4, career_stage, institute_id, nominator_member_id, nominator_institute_id FROM found
      WHERE member_id IS NOT NULL AND has_left IS NOT TRUE AND slot_id IS NOT NULL AND NOT has_started
        AND active_id IS NULL AND self_refused IS NOT TRUE
      RETURNING *
    ),
    audited AS (
      INSERT INTO audit_event (actor_id, actor_roles, action, entity, entity_id, after, request_id)
      SELECT $3, $5::text[], 'nomination.create', 'nomination', n.id::text,
             jsonb_build_object('memberId', n.member_id, 'slotId', n.slot_id, 'nominatorId', n.nominator_id,
                                'status', n.status, 'careerStage', n.career_stage, 'instituteId', n.institute_id)
             -- Who nominated as a member, when their account is linked to one (else nothing to record).
             || CASE WHEN n.nominator_member_id IS NULL THEN '{}'::jsonb
                     ELSE jsonb_build_object('nominatorMemberId', n.nominator_member_id, 'conflictsOfInterest', ${CONFLICTS_OF_INTEREST}) END,
             $6
      FROM inserted n
    )
    SELECT found.*, v.* FROM found
    LEFT JOIN (SELECT ${VIEW_COLUMNS} FROM inserted n ${VIEW_JOINS}) v ON true`,
};

/** Nominators who are not on the committee see only their own nominations and no committee notes. */
const seesAll = (actor: Actor) => hasRole(actor, 'committee');

@Injectable()
export class NominationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly lifecycle: NominationLifecycle,
  ) {}

  /**
   * One statement, one round trip: the checks, the insert (only when they pass), its audit entry and
   * the view are common table expressions of a single INSERT, which commits on its own. When nothing
   * was inserted, the checked facts come back and say why. Prepared: planning this statement costs
   * more than running it, and nominations come in bursts before a deadline.
   */
  async create(dto: CreateNominationDto, actor: Actor): Promise<NominationView> {
    const [row] = await runPrepared<Record<string, unknown>>(this.dataSource, CREATE_NOMINATION,
      [dto.memberId, dto.slotId, actor.id, dto.reason, actor.roles, actor.requestId || null]);
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
      throw unprocessable('You cannot nominate yourself for this slot; ask a colleague to nominate you',
        [{ field: 'memberId', message: 'is your own member record, and this slot does not take self-nominations' }],
        { rule: 'no-self-nomination' });
    }
    // Another nominator's nomination is theirs: a nominator learns only that one exists. The committee
    // reads every nomination anyway, so it is told which one.
    if (!seesAll(actor)) throw conflict(`${row.member_name} is already nominated for this slot`);
    throw conflict(`${row.member_name} is already nominated for this slot (nomination ${row.active_id}, ${row.active_status})`, {
      nominationId: row.active_id,
    });
  }

  async list(query: NominationQuery, actor: Actor): Promise<Page<NominationView>> {
    const where: string[] = [];
    const values: unknown[] = [];
    const add = (condition: string, value: unknown) => {
      values.push(value);
      where.push(condition.replace('?', `$${values.length}`));
    };
    if (!seesAll(actor)) add('n.nominator_id = ?', actor.id);
    else if (query.nominatorId) add('n.nominator_id = ?', query.nominatorId);
    if (query.slotId) add('n.slot_id = ?', query.slotId);
    if (query.conferenceId) add('s.conference_id = ?', query.conferenceId);
    if (query.memberId) add('n.member_id = ?', query.memberId);
    if (query.status) add('n.status = ?', query.status);
    values.push(query.limit, query.offset);
    const rows: Array<NominationView & { total: number }> = await this.dataSource.query(
      `SELECT v.*, count(*) OVER ()::int AS total FROM (${VIEW_SELECT}
         ${where.length ? `WHERE ${where.join(' AND ')}` : ''}) v
       ORDER BY v."createdAt" DESC, v.id
       LIMIT $${values.length - 1} OFFSET $${values.length}`,
      values,
    );
    let total = rows[0]?.total ?? 0;
    if (rows.length === 0 && query.offset > 0) {
      const [count] = await this.dataSource.query(
        `SELECT count(*)::int AS total FROM nomination n JOIN slot s ON s.id = n.slot_id
         ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`,
        values.slice(0, -2),
      );
      total = count.total;
    }
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
      const [current] = await manager.query(`SELECT nominator_id FROM nomination WHERE id = $1 FOR UPDATE`, [id]);
      const own = current?.nominator_id === actor.id;
      if (!current || (!seesAll(actor) && !own)) throw notFound('Nomination', id);
      const actors: NominationActor[] = [];
      if (hasRole(actor, 'committee')) actors.push('committee');
      if (hasRole(actor, 'nominator') && own) actors.push('nominator');
      await this.lifecycle.changeNominationStatus(manager, {
        nominationId: id, to: dto.status, as: actors, actor, expectedVersion: dto.version, note: dto.note,
      });
      return forActor(await this.view(manager, id), actor);
    });
  }

  private async view(manager: EntityManager, id: string): Promise<NominationView> {
    const [view] = await manager.query(`${VIEW_SELECT} WHERE n.id = $1`, [id]);
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
