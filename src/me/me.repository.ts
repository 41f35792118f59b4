// The SQL of a member's own pages. Every statement is keyed by the member (or account) of the
// request, never by an id the request names alone: that is what keeps one member out of another's data.
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Page } from '../common/pagination';
import { MyActivityView, MyInvitationView, MyNominationView, MyTalkView, NominationDisclosurePolicyView } from './me.dto';

const MY_TALK = `
  SELECT t.id, t.conference_id AS "conferenceId", c.name AS conference, c.tier, t.talk_type AS "talkType", t.date, t.title,
         t.career_stage AS "careerStage", i.name AS institute
  FROM talk t
  JOIN conference c ON c.id = t.conference_id
  JOIN institute i ON i.id = t.institute_id`;

// No rationale, rank, decline reason or who allocated: those are the committee's.
const MY_INVITATION = `
  SELECT a.id, a.status, a.version, a.slot_id AS "slotId", s.title AS "slotTitle", s.talk_type AS "talkType",
         to_char(s.starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "startsAt",
         s.conference_id AS "conferenceId", c.name AS conference, c.start_date AS "conferenceStartDate",
         c.end_date AS "conferenceEndDate", a.created_at AS "invitedAt", a.respond_by AS "respondBy",
         a.responded_at AS "respondedAt"
  FROM allocation a
  JOIN slot s ON s.id = a.slot_id
  JOIN conference c ON c.id = s.conference_id`;

const POLICY = `
  SELECT version, show_nominator AS "showNominator", show_reason AS "showReason", note, created_at AS "createdAt"
  FROM nomination_disclosure_policy`;

type Counted<T> = T & { total: number };

function page<T>(rows: Array<Counted<T>>, limit: number, offset: number, total?: number): Page<T> {
  return {
    items: rows.map(({ total: _total, ...item }) => item as T),
    total: total ?? rows[0]?.total ?? 0,
    limit,
    offset,
  };
}

@Injectable()
export class MeRepository {
  constructor(private readonly dataSource: DataSource) {}

  async memberOf(userId: string): Promise<string | null> {
    const [row] = await this.dataSource.query(`SELECT member_id AS "memberId" FROM app_user WHERE id = $1`, [userId]);
    return row?.memberId ?? null;
  }

  async talks(memberId: string, limit: number, offset: number): Promise<Page<MyTalkView>> {
    const rows = await this.dataSource.query(
      `SELECT x.*, count(*) OVER ()::int AS total FROM (${MY_TALK} WHERE t.member_id = $1) x
       ORDER BY x.date DESC, x.id LIMIT $2 OFFSET $3`,
      [memberId, limit, offset],
    );
    return page(rows, limit, offset, rows.length ? undefined : await this.count('talk', memberId));
  }

  /** Nominations of the member that stand or stood (a withdrawn one was taken back by its nominator). */
  async nominations(
    memberId: string,
    disclose: { nominator: boolean; reason: boolean },
    limit: number,
    offset: number,
  ): Promise<Page<MyNominationView>> {
    const rows = await this.dataSource.query(
      `SELECT n.id, n.slot_id AS "slotId", s.title AS "slotTitle", s.talk_type AS "talkType", s.conference_id AS "conferenceId",
              c.name AS conference, c.start_date AS "conferenceStartDate", n.status, n.created_at AS "createdAt",
              n.updated_at AS "updatedAt",
              CASE WHEN $2 THEN COALESCE(nm.name, u.name) END AS "nominatorName",
              CASE WHEN $3 THEN n.reason END AS reason,
              count(*) OVER ()::int AS total
       FROM nomination n
       JOIN slot s ON s.id = n.slot_id
       JOIN conference c ON c.id = s.conference_id
       JOIN app_user u ON u.id = n.nominator_id
       LEFT JOIN member nm ON nm.id = n.nominator_member_id
       WHERE n.member_id = $1 AND n.status <> 'withdrawn'
       ORDER BY n.created_at DESC, n.id
       LIMIT $4 OFFSET $5`,
      [memberId, disclose.nominator, disclose.reason, limit, offset],
    );
    const items = rows.map((row: Counted<MyNominationView>) => {
      const { nominatorName, reason, ...rest } = row;
      // Left out, not null, when the policy withholds them: the answer has no such key at all.
      return { ...rest, ...(disclose.nominator ? { nominatorName } : {}), ...(disclose.reason ? { reason } : {}) };
    });
    return page(items, limit, offset, rows.length ? undefined : await this.count('nomination', memberId, `status <> 'withdrawn'`));
  }

  async invitations(memberId: string, limit: number, offset: number): Promise<Page<Omit<MyInvitationView, 'answers'>>> {
    const rows = await this.dataSource.query(
      `SELECT x.*, count(*) OVER ()::int AS total FROM (${MY_INVITATION} WHERE a.member_id = $1) x
       ORDER BY x."invitedAt" DESC, x.id LIMIT $2 OFFSET $3`,
      [memberId, limit, offset],
    );
    return page(rows, limit, offset, rows.length ? undefined : await this.count('allocation', memberId));
  }

  /** The member's own invitation, or null: someone else's is as absent as one that does not exist. */
  async invitation(
    memberId: string,
    id: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Omit<MyInvitationView, 'answers'> | null> {
    const [row] = await manager.query(`${MY_INVITATION} WHERE a.id = $1 AND a.member_id = $2`, [id, memberId]);
    return row ?? null;
  }

  /**
   * The audit entries about the member's own record and account, and their own answers to
   * invitations. Entries about invitations written by the committee (rationale, who was passed over)
   * are the committee's and stay out.
   */
  async activity(userId: string, memberId: string, limit: number, offset: number): Promise<Page<MyActivityView>> {
    const rows = await this.dataSource.query(
      `SELECT e.at, e.action, e.entity, e.entity_id AS "entityId", e.actor_id IS NOT DISTINCT FROM $1::uuid AS "byYou",
              e.actor_roles AS "actorRoles", e.before, e.after, count(*) OVER ()::int AS total
       FROM audit_event e
       WHERE (e.entity = 'member' AND e.entity_id = $2::text)
          OR (e.entity = 'user' AND e.entity_id = $1::text)
          OR (e.entity = 'session' AND e.actor_id = $1::uuid)
          OR (e.actor_id = $1::uuid AND e.action IN ('allocation.accept', 'allocation.decline'))
       ORDER BY e.id DESC
       LIMIT $3 OFFSET $4`,
      [userId, memberId, limit, offset],
    );
    return page(rows, limit, offset);
  }

  /** Whether another member uses this e-mail (unique among members); says nothing of whom. */
  async emailTaken(email: string, memberId: string): Promise<boolean> {
    const [row] = await this.dataSource.query(`SELECT EXISTS (SELECT 1 FROM member WHERE lower(email) = lower($1) AND id <> $2) AS taken`, [
      email,
      memberId,
    ]);
    return row.taken;
  }

  async currentPolicy(manager: EntityManager = this.dataSource.manager): Promise<NominationDisclosurePolicyView> {
    const [policy] = await manager.query(`${POLICY} ORDER BY version DESC LIMIT 1`);
    return policy;
  }

  async addPolicy(
    manager: EntityManager,
    p: { showNominator: boolean; showReason: boolean; note: string | null; by: string },
  ): Promise<NominationDisclosurePolicyView> {
    // The table lock makes two policies written at once get consecutive versions instead of one failing.
    await manager.query(`LOCK TABLE nomination_disclosure_policy IN SHARE ROW EXCLUSIVE MODE`);
    const [created] = await manager.query(
      `INSERT INTO nomination_disclosure_policy (version, show_nominator, show_reason, note, created_by)
       SELECT COALESCE(max(version), 0) + 1, $1, $2, $3, $4 FROM nomination_disclosure_policy
       RETURNING version, show_nominator AS "showNominator", show_reason AS "showReason", note, created_at AS "createdAt"`,
      [p.showNominator, p.showReason, p.note, p.by],
    );
    return created;
  }

  private async count(table: 'talk' | 'nomination' | 'allocation', memberId: string, extra?: string): Promise<number> {
    const [row] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM ${table} WHERE member_id = $1${extra ? ` AND ${extra}` : ''}`,
      [memberId],
    );
    return row.n;
  }
}
