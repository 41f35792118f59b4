// The SQL of nominations. Reads nomination, member (and its histories), slot, conference, app_user;
// writes nomination and, for POST /nominations, its audit entry in the same prepared statement.
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../auth/actor';
import { NominationStatus } from '../common/enums';
import { PreparedStatement, runPrepared } from '../database/prepared';
import { StatementParts } from '../database/sql';
import { NominationQuery, NominationView } from './nominations.dto';

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
export const VIEW_KEYS: Array<keyof NominationView> = [
  'id',
  'memberId',
  'memberName',
  'slotId',
  'slotTitle',
  'conferenceId',
  'conferenceName',
  'nominatorId',
  'reason',
  'status',
  'careerStage',
  'instituteId',
  'committeeNote',
  'createdAt',
  'updatedAt',
  'version',
  'nominatorMemberId',
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

/** The list's filters: whose nominations (null: everyone's) and the query's own. */
export interface NominationFilters extends Pick<NominationQuery, 'slotId' | 'conferenceId' | 'memberId' | 'status'> {
  nominatorId: string | null;
}

function nominationFilter(p: StatementParts, f: NominationFilters): string {
  const where = [
    ...(f.nominatorId ? [`n.nominator_id = ${p.add(f.nominatorId, 'uuid')}`] : []),
    ...(f.slotId ? [`n.slot_id = ${p.add(f.slotId, 'uuid')}`] : []),
    ...(f.conferenceId ? [`s.conference_id = ${p.add(f.conferenceId, 'uuid')}`] : []),
    ...(f.memberId ? [`n.member_id = ${p.add(f.memberId, 'uuid')}`] : []),
    ...(f.status ? [`n.status = ${p.add(f.status, 'text')}`] : []),
  ];
  return where.length ? `WHERE ${where.join(' AND ')}` : '';
}

@Injectable()
export class NominationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The prepared CREATE_NOMINATION, outside any transaction (it commits on its own): the new
   * nomination's view, or the checked facts that say why nothing was inserted.
   */
  async createNomination(n: { memberId: string; slotId: string; reason: string }, actor: Actor): Promise<Record<string, unknown>> {
    const [row] = await runPrepared<Record<string, unknown>>(this.dataSource, CREATE_NOMINATION, [
      n.memberId,
      n.slotId,
      actor.id,
      n.reason,
      actor.roles,
      actor.requestId || null,
    ]);
    return row;
  }

  async nomination(manager: EntityManager, id: string): Promise<NominationView | undefined> {
    const [view] = await manager.query(`${VIEW_SELECT} WHERE n.id = $1`, [id]);
    return view;
  }

  /** A page of nominations, newest first, with the total of the whole filtered list when the page has rows. */
  async nominations(f: NominationFilters, limit: number, offset: number): Promise<Array<NominationView & { total: number }>> {
    const p = new StatementParts();
    const where = nominationFilter(p, f);
    const query = p.query(`SELECT v.*, count(*) OVER ()::int AS total FROM (${VIEW_SELECT}
         ${where}) v
       ORDER BY v."createdAt" DESC, v.id
       LIMIT ${p.add(limit, 'int')} OFFSET ${p.add(offset, 'int')}`);
    return this.dataSource.query(query.text, query.values);
  }

  async countNominations(f: NominationFilters): Promise<number> {
    const p = new StatementParts();
    const query = p.query(`SELECT count(*)::int AS total FROM nomination n JOIN slot s ON s.id = n.slot_id
         ${nominationFilter(p, f)}`);
    const [count] = await this.dataSource.query(query.text, query.values);
    return count.total;
  }

  /** Who nominated, the nomination locked until the transaction ends. */
  async lockNominator(manager: EntityManager, id: string): Promise<{ nominatorId: string } | undefined> {
    const [current] = await manager.query(`SELECT nominator_id AS "nominatorId" FROM nomination WHERE id = $1 FOR UPDATE`, [id]);
    return current;
  }

  /** The nomination's status, nominator and version, locked until the transaction ends. */
  async lockNomination(
    manager: EntityManager,
    id: string,
  ): Promise<{ id: string; status: NominationStatus; nominatorId: string; version: number } | undefined> {
    const [current] = await manager.query(
      `SELECT id, status, nominator_id AS "nominatorId", version FROM nomination WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return current;
  }

  /** The new status, with the committee's note when `note` is given (null leaves the note as it was). */
  async updateNominationStatus(
    manager: EntityManager,
    id: string,
    to: NominationStatus,
    note: { set: boolean; text: string | null },
  ): Promise<void> {
    await manager.query(
      `UPDATE nomination SET status = $2, committee_note = CASE WHEN $3 THEN $4 ELSE committee_note END,
              version = version + 1, updated_at = now()
       WHERE id = $1`,
      [id, to, note.set, note.text],
    );
  }
}
