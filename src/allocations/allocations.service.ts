import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditEntry, AuditService } from '../audit/audit.service';
import { Actor } from '../auth/actor';
import { AllocationStatus } from '../common/enums';
import { Page } from '../common/pagination';
import { conflict, notFound, unprocessable } from '../common/problem';
import { RankingService } from '../ranking/ranking.service';
import { insertTalkFromAllocation } from '../talks/talk-records';
import { canTransition, allowedTransitions, freesSeat, holdsSeat, takesReason } from './allocation-status';
import { nextCandidates, passedOver } from './allocation-rules';
import { ALLOCATION_SELECT, balancePreview } from './allocation.sql';
import {
  AllocationAnswer, AllocationQuery, AllocationView, CreateAllocationDto, NextCandidateView, UpdateAllocationDto,
} from './allocations.dto';

const AUDIT_ACTION: Record<Exclude<AllocationStatus, 'invited'>, string> = {
  accepted: 'allocation.accept',
  declined: 'allocation.decline',
  withdrawn: 'allocation.withdraw',
};

@Injectable()
export class AllocationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly ranking: RankingService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Invite a nominee to a slot. The slot row is locked first, so the seat count, the ranking the
   * rationale rule is checked against and the insert all see the same slot; concurrent invitations
   * to one slot queue behind each other and the seat trigger stays the last word.
   */
  async allocate(slotId: string, dto: CreateAllocationDto, actor: Actor): Promise<AllocationAnswer> {
    return this.dataSource.transaction(async (manager) => {
      const [slot] = await manager.query(`SELECT id, seats FROM slot WHERE id = $1 FOR UPDATE`, [slotId]);
      if (!slot) throw notFound('Slot', slotId);
      // Counted in its own statement: only a snapshot taken after the lock sees the invitations
      // committed while this one waited.
      const [{ taken }] = await manager.query(
        `SELECT count(*)::int AS taken FROM allocation WHERE slot_id = $1 AND status IN ('invited', 'accepted')`,
        [slotId],
      );
      if (taken >= slot.seats) {
        throw conflict(`Every seat of slot ${slotId} is taken (${taken} of ${slot.seats}); decline or withdraw one first`,
          { seats: slot.seats, taken });
      }

      const nomination = await this.activeNomination(manager, slotId, dto.memberId);
      const ranked = await this.ranking.candidatesForSlot(slotId, { manager });
      const allocatedInSlot = await this.membersAllocatedInSlot(manager, slotId);
      const skipped = passedOver(ranked, dto.memberId, allocatedInSlot);
      if (skipped.length > 0 && !dto.rationale) {
        throw unprocessable(
          `Choosing this nominee passes over ${skipped.length} better-ranked nominee(s) still available: `
            + `${skipped.map((p) => `${p.name} (rank ${p.rank})`).join(', ')}; give a rationale`,
          [{ field: 'rationale', message: 'required when a better-ranked nominee is passed over' }],
          { passedOver: skipped },
        );
      }
      const chosen = ranked.find((c) => c.memberId === dto.memberId);
      const policyVersion = chosen?.breakdown.policyVersion ?? (await this.ranking.policy(undefined, manager)).version;

      const [created] = await manager.query(
        `INSERT INTO allocation (slot_id, member_id, nomination_id, status, rationale, rank_at_allocation,
                                 score_at_allocation, policy_version, allocated_by)
         VALUES ($1, $2, $3, 'invited', $4, $5, $6, $7, $8) RETURNING id`,
        [slotId, dto.memberId, nomination.id, dto.rationale ?? null, chosen?.rank ?? null, chosen?.score ?? null,
          policyVersion, actor.id],
      );
      await manager.query(
        `UPDATE nomination SET status = 'allocated', version = version + 1, updated_at = now() WHERE id = $1`,
        [nomination.id],
      );
      await this.audit.recordMany(manager, actor, [
        {
          action: 'allocation.create', entity: 'allocation', entityId: created.id,
          after: {
            slotId, memberId: dto.memberId, nominationId: nomination.id, status: 'invited',
            rankAtAllocation: chosen?.rank ?? null, scoreAtAllocation: chosen?.score ?? null, policyVersion,
            rationale: dto.rationale ?? null,
            passedOver: skipped.map(({ memberId, rank }) => ({ memberId, rank })),
          },
        },
        {
          action: 'nomination.allocate', entity: 'nomination', entityId: nomination.id,
          before: { status: nomination.status }, after: { status: 'allocated', allocationId: created.id },
        },
      ]);
      const view = await this.view(manager, created.id);
      return {
        ...view,
        passedOver: skipped,
        balancePreview: await balancePreview(manager, view.conferenceId, view.id, false),
      };
    });
  }

  /**
   * Move an allocation along its lifecycle. Acceptance records the talk; withdrawing an accepted
   * allocation deletes that talk again (a withdrawn talk was never given, so it must not count
   * against the speaker's eligibility). A decline creates no talk, so it never lowers eligibility.
   */
  async transition(id: string, dto: UpdateAllocationDto, expectedVersion: number | undefined, actor: Actor):
  Promise<AllocationAnswer> {
    return this.dataSource.transaction(async (manager) => {
      const [current] = await manager.query(
        `SELECT a.id, a.slot_id AS "slotId", a.nomination_id AS "nominationId", a.status, a.version
         FROM allocation a WHERE a.id = $1 FOR UPDATE`,
        [id],
      );
      if (!current) throw notFound('Allocation', id);
      if (expectedVersion !== undefined && expectedVersion !== current.version) {
        throw conflict(
          `Allocation ${id} has changed since version ${expectedVersion} (now version ${current.version}, ${current.status}); reload and retry`,
          { currentVersion: current.version, currentStatus: current.status },
        );
      }
      const from: AllocationStatus = current.status;
      if (!canTransition(from, dto.status)) {
        throw conflict(`An allocation that is ${from} cannot become ${dto.status}`,
          { currentStatus: from, allowed: allowedTransitions(from) });
      }
      if (dto.reason !== undefined && !takesReason(dto.status)) {
        throw unprocessable('A reason is recorded only for a decline or a withdrawal',
          [{ field: 'reason', message: `not recorded when the allocation becomes ${dto.status}` }]);
      }
      await manager.query(
        `UPDATE allocation
         SET status = $2, decline_reason = COALESCE($3, decline_reason), version = version + 1, updated_at = now(),
             responded_at = CASE WHEN $2 IN ('accepted', 'declined') THEN now() ELSE responded_at END
         WHERE id = $1`,
        [id, dto.status, dto.reason ?? null],
      );
      const entries: AuditEntry[] = [{
        action: AUDIT_ACTION[dto.status], entity: 'allocation', entityId: id,
        before: { status: from, version: current.version },
        after: { status: dto.status, version: current.version + 1 },
      }];
      if (dto.status === 'accepted') {
        const talk = await insertTalkFromAllocation(manager, id);
        if (talk) {
          entries.push({ action: 'talk.create', entity: 'talk', entityId: talk.id, after: {
            memberId: talk.memberId, conferenceId: talk.conferenceId, talkType: talk.talkType, date: talk.date,
            allocationId: id,
          } });
        }
      }
      if (from === 'accepted' && dto.status === 'withdrawn') {
        // As a CTE so the driver hands back the deleted rows themselves.
        const removed = await manager.query(
          `WITH removed AS (
             DELETE FROM talk WHERE allocation_id = $1
             RETURNING id, member_id AS "memberId", conference_id AS "conferenceId", talk_type AS "talkType", date,
                       allocation_id AS "allocationId")
           SELECT * FROM removed`,
          [id],
        );
        for (const talk of removed) entries.push({ action: 'talk.delete', entity: 'talk', entityId: talk.id, before: talk });
      }
      if (freesSeat(from, dto.status)) {
        // The nomination goes back to the shortlist (the nomination lifecycle's allocated -> shortlisted):
        // the committee may invite the person again, but they are not offered the seat automatically.
        const released = await manager.query(
          `WITH released AS (
             UPDATE nomination SET status = 'shortlisted', version = version + 1, updated_at = now()
             WHERE id = $1 AND status = 'allocated' RETURNING id)
           SELECT id FROM released`,
          [current.nominationId],
        );
        if (released.length > 0) {
          entries.push({ action: 'nomination.release', entity: 'nomination', entityId: current.nominationId,
            before: { status: 'allocated' }, after: { status: 'shortlisted', allocationId: id } });
        }
      }
      await this.audit.recordMany(manager, actor, entries);

      const view = await this.view(manager, id);
      const answer: AllocationAnswer = {
        ...view,
        balancePreview: await balancePreview(manager, view.conferenceId, id, holdsSeat(from)),
      };
      if (freesSeat(from, dto.status)) answer.nextCandidates = await this.nextCandidates(manager, current.slotId);
      return answer;
    });
  }

  async get(id: string): Promise<AllocationAnswer> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const view = await this.view(manager, id);
      return { ...view, balancePreview: await balancePreview(manager, view.conferenceId, id, false) };
    });
  }

  async list(query: AllocationQuery): Promise<Page<AllocationView>> {
    const rows: Array<AllocationView & { total: number }> = await this.dataSource.query(
      `SELECT x.*, count(*) OVER ()::int AS total FROM (${ALLOCATION_SELECT}
         WHERE ($1::uuid IS NULL OR s.conference_id = $1) AND ($2::uuid IS NULL OR a.slot_id = $2)
           AND ($3::uuid IS NULL OR a.member_id = $3) AND ($4::text IS NULL OR a.status = $4)) x
       ORDER BY x."createdAt", x.id
       LIMIT $5 OFFSET $6`,
      [query.conferenceId ?? null, query.slotId ?? null, query.memberId ?? null, query.status ?? null,
        query.limit, query.offset],
    );
    const total = rows[0]?.total ?? (query.offset > 0 ? await this.count(query) : 0);
    return { items: rows.map(({ total: _total, ...item }) => item), total, limit: query.limit, offset: query.offset };
  }

  /** 404 for an unknown slot, so an empty list means "no allocations yet", not "no such slot". */
  async listForSlot(slotId: string, query: AllocationQuery): Promise<Page<AllocationView>> {
    const [slot] = await this.dataSource.query(`SELECT 1 FROM slot WHERE id = $1`, [slotId]);
    if (!slot) throw notFound('Slot', slotId);
    return this.list({ ...query, slotId });
  }

  private async count(query: AllocationQuery): Promise<number> {
    const [row] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM allocation a JOIN slot s ON s.id = a.slot_id
       WHERE ($1::uuid IS NULL OR s.conference_id = $1) AND ($2::uuid IS NULL OR a.slot_id = $2)
         AND ($3::uuid IS NULL OR a.member_id = $3) AND ($4::text IS NULL OR a.status = $4)`,
      [query.conferenceId ?? null, query.slotId ?? null, query.memberId ?? null, query.status ?? null],
    );
    return row.n;
  }

  private async view(manager: EntityManager, id: string): Promise<AllocationView> {
    const [row] = await manager.query(`${ALLOCATION_SELECT} WHERE a.id = $1`, [id]);
    if (!row) throw notFound('Allocation', id);
    return row;
  }

  /** The member's nomination for the slot that can still become an allocation, locked against a parallel withdrawal. */
  private async activeNomination(manager: EntityManager, slotId: string, memberId: string):
  Promise<{ id: string; status: string }> {
    const nominations: Array<{ id: string; status: string }> = await manager.query(
      `SELECT id, status FROM nomination WHERE slot_id = $1 AND member_id = $2 ORDER BY created_at DESC FOR UPDATE`,
      [slotId, memberId],
    );
    const active = nominations.find((n) => n.status === 'submitted' || n.status === 'shortlisted');
    if (active) return active;
    const latest = nominations[0];
    throw unprocessable(
      latest
        ? `Member ${memberId}'s nomination for this slot is ${latest.status}; only submitted or shortlisted nominees can be invited`
        : `Member ${memberId} is not nominated for slot ${slotId}`,
      [{ field: 'memberId', message: 'must have a submitted or shortlisted nomination for this slot' }],
    );
  }

  /** Everyone who already had an allocation of any status in the slot: they are not offered it again. */
  private async membersAllocatedInSlot(manager: EntityManager, slotId: string): Promise<Set<string>> {
    const rows: Array<{ memberId: string }> = await manager.query(
      `SELECT DISTINCT member_id AS "memberId" FROM allocation WHERE slot_id = $1`,
      [slotId],
    );
    return new Set(rows.map((r) => r.memberId));
  }

  private async nextCandidates(manager: EntityManager, slotId: string): Promise<NextCandidateView[]> {
    const ranked = await this.ranking.candidatesForSlot(slotId, { manager });
    const allocated = await this.membersAllocatedInSlot(manager, slotId);
    return nextCandidates(ranked, allocated).map((c) => ({
      memberId: c.memberId, name: c.name, nominationId: c.nominationId, rank: c.rank, score: c.score,
      careerStage: c.careerStage, region: c.region, instituteName: c.instituteName,
    }));
  }
}
