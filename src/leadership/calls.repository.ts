// The SQL of open calls and their nominations. Reads leadership_call, leadership_position,
// leadership_nomination, leadership_appointment, member, app_user; writes leadership_call and
// leadership_nomination.
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { StatementParts } from '../database/sql';
import { pageWithTotal } from '../database/statements';
import { CallNominationView, CallQuery, CallView } from './calls.dto';
import { POSITION_COLUMNS } from './positions.repository';

/** A call with its position; `$2` says whether the reader sees the committee's rationale. */
const CALL_SELECT = `
  SELECT c.id, (SELECT to_jsonb(x) FROM (SELECT ${POSITION_COLUMNS} FROM leadership_position p WHERE p.id = c.position_id) x) AS position,
         c.opens_on AS "opensOn", c.deadline, c.term_starts_on AS "termStartsOn", c.note, c.status,
         (c.status = 'open' AND c.deadline >= $1::date) AS "acceptingNominations",
         (SELECT count(*)::int FROM leadership_nomination n WHERE n.call_id = c.id AND n.status <> 'withdrawn') AS nominations,
         (SELECT jsonb_build_object('appointmentId', a.id, 'memberId', a.member_id, 'memberName', m.name, 'decidedAt', c.decided_at)
                 || CASE WHEN $2::boolean THEN jsonb_build_object('rationale', c.rationale) ELSE '{}'::jsonb END
          FROM leadership_appointment a JOIN member m ON m.id = a.member_id WHERE a.call_id = c.id) AS decision,
         c.created_at AS "createdAt", c.version
  FROM leadership_call c`;

const NOMINATION_SELECT = `
  SELECT n.id, n.call_id AS "callId", n.member_id AS "memberId", m.name AS "memberName", n.nominator_id AS "nominatorId",
         (n.nominator_member_id IS NOT DISTINCT FROM n.member_id) AS "selfNomination", n.statement, n.status,
         n.created_at AS "createdAt"
  FROM leadership_nomination n JOIN member m ON m.id = n.member_id`;

/** Who hears the outcome of a call: every nominee and every nominator (once, for a self-nomination). */
const OUTCOME_RECIPIENTS = `
  SELECT n.id, n.member_id AS "memberId", m.name AS "nomineeName", m.email AS "nomineeEmail",
         u.name AS "nominatorName", u.email AS "nominatorEmail", (n.nominator_member_id IS NOT DISTINCT FROM n.member_id) AS "selfNomination"
  FROM leadership_nomination n JOIN member m ON m.id = n.member_id JOIN app_user u ON u.id = n.nominator_id
  WHERE n.call_id = $1 AND n.status <> 'withdrawn'
  ORDER BY n.created_at, n.id`;

export interface OutcomeRecipient {
  id: string;
  memberId: string;
  nomineeName: string;
  nomineeEmail: string | null;
  nominatorName: string;
  nominatorEmail: string | null;
  selfNomination: boolean;
}

@Injectable()
export class CallsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The call as `today` sees it; `withRationale` says whether the reader sees the committee's rationale. */
  async call(
    id: string,
    today: string,
    withRationale: boolean,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<CallView | undefined> {
    const [row] = await manager.query(`${CALL_SELECT} WHERE c.id = $3`, [today, withRationale, id]);
    return row;
  }

  calls(q: CallQuery, today: string, withRationale: boolean): Promise<{ items: CallView[]; total: number }> {
    const filter = (p: StatementParts) => {
      const [status, position] = [p.add(q.status ?? null, 'text'), p.add(q.positionId ?? null, 'uuid')];
      return `WHERE (${status} IS NULL OR c.status = ${status}) AND (${position} IS NULL OR c.position_id = ${position})`;
    };
    return pageWithTotal(
      this.dataSource,
      (p) => {
        // CALL_SELECT reads $1 (today) and $2 (whether the rationale shows).
        p.add(today, 'date');
        p.add(withRationale, 'boolean');
        return `${CALL_SELECT} ${filter(p)} ORDER BY c.deadline DESC, c.id LIMIT ${p.add(q.limit, 'int')} OFFSET ${p.add(q.offset, 'int')}`;
      },
      (p) => `SELECT count(*)::int AS total FROM leadership_call c ${filter(p)}`,
    );
  }

  async callExists(id: string): Promise<boolean> {
    const [row] = await this.dataSource.query(`SELECT id FROM leadership_call WHERE id = $1`, [id]);
    return row !== undefined;
  }

  async positionExists(manager: EntityManager, id: string): Promise<boolean> {
    const [row] = await manager.query(`SELECT id FROM leadership_position WHERE id = $1`, [id]);
    return row !== undefined;
  }

  async insertCall(
    manager: EntityManager,
    call: {
      positionId: string;
      opensOn: string;
      deadline: string;
      termStartsOn: string;
      note: string;
      createdBy: string;
    },
  ): Promise<string> {
    const [{ id }] = await manager.query(
      `INSERT INTO leadership_call (position_id, opens_on, deadline, term_starts_on, note, created_by)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [call.positionId, call.opensOn, call.deadline, call.termStartsOn, call.note, call.createdBy],
    );
    return id;
  }

  /** The call's status and deadline, locked until the transaction ends. */
  async lockCall(manager: EntityManager, id: string): Promise<{ status: string; deadline: string } | undefined> {
    const [row] = await manager.query(`SELECT status, deadline FROM leadership_call WHERE id = $1 FOR UPDATE`, [id]);
    return row;
  }

  /** The call with what its decision needs (its position's title), locked until the transaction ends. */
  async lockCallForDecision(
    manager: EntityManager,
    id: string,
  ): Promise<
    | {
        status: string;
        deadline: string;
        termStartsOn: string;
        positionId: string;
        version: number;
        title: string;
      }
    | undefined
  > {
    const [row] = await manager.query(
      `SELECT c.status, c.deadline, c.term_starts_on AS "termStartsOn", c.position_id AS "positionId", c.version, p.title
       FROM leadership_call c JOIN leadership_position p ON p.id = c.position_id WHERE c.id = $1 FOR UPDATE OF c`,
      [id],
    );
    return row;
  }

  async memberOfAccount(manager: EntityManager, userId: string): Promise<string | null> {
    const [{ memberId }] = await manager.query(`SELECT member_id AS "memberId" FROM app_user WHERE id = $1`, [userId]);
    return memberId;
  }

  /** The member's name and whether they have left the collaboration by `on`. */
  async memberStanding(manager: EntityManager, memberId: string, on: string): Promise<{ name: string; hasLeft: boolean } | undefined> {
    const [row] = await manager.query(`SELECT name, left_on IS NOT NULL AND left_on <= $2::date AS "hasLeft" FROM member WHERE id = $1`, [
      memberId,
      on,
    ]);
    return row;
  }

  /** Whether the member stands nominated for the call (a nomination not withdrawn). */
  async standsNominated(manager: EntityManager, callId: string, memberId: string): Promise<boolean> {
    const [row] = await manager.query(
      `SELECT id FROM leadership_nomination WHERE call_id = $1 AND member_id = $2 AND status <> 'withdrawn'`,
      [callId, memberId],
    );
    return row !== undefined;
  }

  /** Whether the member has a submitted nomination for the call. */
  async hasSubmittedNomination(manager: EntityManager, callId: string, memberId: string): Promise<boolean> {
    const [row] = await manager.query(
      `SELECT id FROM leadership_nomination WHERE call_id = $1 AND member_id = $2 AND status = 'submitted'`,
      [callId, memberId],
    );
    return row !== undefined;
  }

  async insertNomination(
    manager: EntityManager,
    n: {
      callId: string;
      memberId: string;
      nominatorId: string;
      nominatorMemberId: string | null;
      statement: string;
    },
  ): Promise<string> {
    const [{ id }] = await manager.query(
      `INSERT INTO leadership_nomination (call_id, member_id, nominator_id, nominator_member_id, statement)
       VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [n.callId, n.memberId, n.nominatorId, n.nominatorMemberId, n.statement],
    );
    return id;
  }

  async nomination(manager: EntityManager, id: string): Promise<CallNominationView> {
    const [view] = await manager.query(`${NOMINATION_SELECT} WHERE n.id = $1`, [id]);
    return view;
  }

  /** The call's nominations: all of them, or only those the account made (`all` false). */
  nominations(callId: string, all: boolean, userId: string): Promise<CallNominationView[]> {
    return this.dataSource.query(
      `${NOMINATION_SELECT} WHERE n.call_id = $1 AND ($2::boolean OR n.nominator_id = $3) ORDER BY n.created_at, n.id`,
      [callId, all, userId],
    );
  }

  /** A nomination of the call, locked, with its call's status and the member the account belongs to. */
  async lockNomination(
    manager: EntityManager,
    callId: string,
    nominationId: string,
    userId: string,
  ): Promise<
    | {
        status: string;
        nominatorId: string;
        memberId: string;
        callStatus: string;
        ownMember: string | null;
      }
    | undefined
  > {
    const [row] = await manager.query(
      `SELECT n.status, n.nominator_id AS "nominatorId", n.member_id AS "memberId", c.status AS "callStatus",
              (SELECT member_id FROM app_user WHERE id = $3) AS "ownMember"
       FROM leadership_nomination n JOIN leadership_call c ON c.id = n.call_id
       WHERE n.id = $1 AND n.call_id = $2 FOR UPDATE OF n`,
      [nominationId, callId, userId],
    );
    return row;
  }

  async withdrawNomination(manager: EntityManager, id: string): Promise<void> {
    await manager.query(`UPDATE leadership_nomination SET status = 'withdrawn', updated_at = now() WHERE id = $1`, [id]);
  }

  /** The call decided with its rationale, and each submitted nomination appointed or not. */
  async recordDecision(
    manager: EntityManager,
    callId: string,
    decision: { memberId: string; rationale: string; by: string },
  ): Promise<void> {
    await manager.query(
      `UPDATE leadership_call SET status = 'decided', rationale = $2, decided_at = now(), decided_by = $3, version = version + 1, updated_at = now()
       WHERE id = $1`,
      [callId, decision.rationale, decision.by],
    );
    await manager.query(
      `UPDATE leadership_nomination SET status = CASE WHEN member_id = $2 THEN 'appointed' ELSE 'not-appointed' END, updated_at = now()
       WHERE call_id = $1 AND status = 'submitted'`,
      [callId, decision.memberId],
    );
  }

  outcomeRecipients(manager: EntityManager, callId: string): Promise<OutcomeRecipient[]> {
    return manager.query(OUTCOME_RECIPIENTS, [callId]);
  }
}
