import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../auth/actor';
import { Page } from '../common/pagination';
import { conflict, notFound, unprocessable } from '../common/problem';
import { RankingService } from '../ranking/ranking.service';
import { AllocationLifecycle, AllocationStatusChanged } from './allocation-lifecycle';
import { AllocationActor, holdsSeat } from './allocation-status';
import { nextCandidates, passedOver } from './allocation-rules';
import { AllocationsRepository } from './allocations.repository';
import {
  AllocationAnswer,
  AllocationQuery,
  AllocationView,
  CreateAllocationDto,
  NextCandidateView,
  UpdateAllocationDto,
} from './allocations.dto';

@Injectable()
export class AllocationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly allocations: AllocationsRepository,
    private readonly ranking: RankingService,
    private readonly lifecycle: AllocationLifecycle,
  ) {}

  /**
   * Invite a nominee to a slot. The slot row is locked first, so the seat count, the ranking the
   * rationale rule is checked against and the insert all see the same slot; concurrent invitations
   * to one slot queue behind each other and the seat trigger stays the last word.
   */
  async allocate(slotId: string, dto: CreateAllocationDto, actor: Actor): Promise<AllocationAnswer> {
    return this.dataSource.transaction(async (manager) => {
      const slot = await this.allocations.lockSlot(manager, slotId);
      if (!slot) throw notFound('Slot', slotId);
      // Counted in its own statement: only a snapshot taken after the lock sees the invitations
      // committed while this one waited.
      const taken = await this.allocations.seatsTaken(manager, slotId);
      if (taken >= slot.seats) {
        throw conflict(`Every seat of slot ${slotId} is taken (${taken} of ${slot.seats}); decline or withdraw one first`, {
          seats: slot.seats,
          taken,
        });
      }

      const nomination = await this.activeNomination(manager, slotId, dto.memberId);
      const ranked = await this.ranking.candidatesForSlot(slotId, { manager });
      const allocatedInSlot = await this.allocations.membersAllocatedInSlot(manager, slotId);
      const skipped = passedOver(ranked, dto.memberId, allocatedInSlot);
      if (skipped.length > 0 && !dto.rationale) {
        throw unprocessable(
          `Choosing this nominee passes over ${skipped.length} better-ranked nominee(s) still available: ` +
            `${skipped.map((p) => `${p.name} (rank ${p.rank})`).join(', ')}; give a rationale`,
          [{ field: 'rationale', message: 'required when a better-ranked nominee is passed over' }],
          { passedOver: skipped },
        );
      }
      const chosen = ranked.find((c) => c.memberId === dto.memberId);
      const policyVersion = chosen?.breakdown.policyVersion ?? (await this.ranking.policy(undefined, manager)).version;

      const created = await this.lifecycle.createAllocation(manager, {
        slotId,
        memberId: dto.memberId,
        nominationId: nomination.id,
        rationale: dto.rationale ?? null,
        rankAtAllocation: chosen?.rank ?? null,
        scoreAtAllocation: chosen?.score ?? null,
        policyVersion,
        actor,
        context: { passedOver: skipped.map(({ memberId, rank }) => ({ memberId, rank })) },
      });
      const view = await this.view(manager, created.id);
      return {
        ...view,
        passedOver: skipped,
        warnings: await this.allocations.speakerClashes(manager, view.id),
        balancePreview: await this.allocations.balancePreview(manager, view.conferenceId, view.id, false),
      };
    });
  }

  /**
   * The committee's PATCH, and the entry point for anyone else who answers an invitation (a member's
   * own accept or decline passes `as: ['speaker']`): one step through the lifecycle's door, answered
   * with the allocation, its balance preview and, after a freed seat, the next candidates.
   */
  async transition(
    id: string,
    dto: UpdateAllocationDto,
    expectedVersion: number | undefined,
    actor: Actor | null,
    options: { as?: readonly AllocationActor[]; via?: string } = {},
  ): Promise<AllocationAnswer> {
    return this.dataSource.transaction(async (manager) => {
      const changed = await this.lifecycle.changeAllocationStatus(manager, {
        allocationId: id,
        to: dto.status,
        as: options.as ?? ['committee'],
        actor,
        reason: dto.reason,
        category: dto.category,
        expectedVersion,
        via: options.via,
      });
      return this.answer(manager, changed);
    });
  }

  /** What a status change answers: the allocation, the balance before and after, and the next candidates for a freed seat. */
  async answer(manager: EntityManager, changed: AllocationStatusChanged): Promise<AllocationAnswer> {
    const view = await this.view(manager, changed.id);
    const answer: AllocationAnswer = {
      ...view,
      warnings: holdsSeat(changed.to) ? await this.allocations.speakerClashes(manager, changed.id) : [],
      balancePreview: await this.allocations.balancePreview(manager, view.conferenceId, changed.id, holdsSeat(changed.from)),
    };
    if (changed.freedSeat) answer.nextCandidates = await this.nextCandidates(manager, changed.slotId);
    return answer;
  }

  async get(id: string): Promise<AllocationAnswer> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const view = await this.view(manager, id);
      return {
        ...view,
        warnings: holdsSeat(view.status) ? await this.allocations.speakerClashes(manager, id) : [],
        balancePreview: await this.allocations.balancePreview(manager, view.conferenceId, id, false),
      };
    });
  }

  async list(query: AllocationQuery): Promise<Page<AllocationView>> {
    const rows = await this.allocations.allocations(query);
    const total = rows[0]?.total ?? (query.offset > 0 ? await this.allocations.countAllocations(query) : 0);
    return { items: rows.map(({ total: _total, ...item }) => item), total, limit: query.limit, offset: query.offset };
  }

  /** 404 for an unknown slot, so an empty list means "no allocations yet", not "no such slot". */
  async listForSlot(slotId: string, query: AllocationQuery): Promise<Page<AllocationView>> {
    if (!(await this.allocations.slotExists(slotId))) throw notFound('Slot', slotId);
    return this.list({ ...query, slotId });
  }

  private async view(manager: EntityManager, id: string): Promise<AllocationView> {
    const row = await this.allocations.allocation(manager, id);
    if (!row) throw notFound('Allocation', id);
    return row;
  }

  /** The member's nomination for the slot that can still become an allocation, locked against a parallel withdrawal. */
  private async activeNomination(manager: EntityManager, slotId: string, memberId: string): Promise<{ id: string; status: string }> {
    const nominations = await this.allocations.lockNominationsForSeat(manager, slotId, memberId);
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

  async nextCandidates(manager: EntityManager, slotId: string): Promise<NextCandidateView[]> {
    const ranked = await this.ranking.candidatesForSlot(slotId, { manager });
    const allocated = await this.allocations.membersAllocatedInSlot(manager, slotId);
    return nextCandidates(ranked, allocated).map((c) => ({
      memberId: c.memberId,
      name: c.name,
      nominationId: c.nominationId,
      rank: c.rank,
      score: c.score,
      careerStage: c.careerStage,
      region: c.region,
      instituteName: c.instituteName,
    }));
  }
}
