import { HttpStatus, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AllocationLifecycle } from '../allocations/allocation-lifecycle';
import { AuditService } from '../audit/audit.service';
import { Actor, hasRole } from '../auth/actor';
import { Gender } from '../common/enums';
import { Page } from '../common/pagination';
import { conflict, notFound, ProblemException, unprocessable } from '../common/problem';
import { RankingService } from '../ranking/ranking.service';
import { conflictView, NomineeSnapshot, problemFrom, resultView, SlateInputs, SlateResult, SlotSnapshot } from './slate-inputs';
import { SlateInputError, suggestSlate } from './slate-model';
import { loadSlateSolver } from './slate-solver';
import {
  CreateSlateSuggestionDto,
  SlateAcceptanceView,
  SlateReplayView,
  SlateSuggestionQuery,
  SlateSuggestionSummary,
  SlateSuggestionView,
} from './slates.dto';
import { SlatesRepository, StoredSuggestion } from './slates.repository';
import { ServiceConfig } from '../config/service-config';

const seatKey = (a: { slotId: string; memberId: string }) => `${a.slotId}/${a.memberId}`;

// An answer computed with a gender target depends on individual genders, which only admins may see:
// asked with and without the target, or with everyone but one person left out, it would tell a
// person's gender. These refusals are constant texts, so they are the same whatever anyone's gender.
const GENDER_TARGET_RESERVED =
  'A gender target would make the answer depend on individual genders, which only admins may see: ' +
  'ask an admin of the diversity office, or use the aggregate balance reports (GET /reports/balance).';
const GENDER_TARGETED_SUGGESTION =
  'This suggestion was made with a gender target, so its answer depends on individual genders, ' +
  'which only admins may see: ask an admin of the diversity office, or use the aggregate balance reports (GET /reports/balance).';

const forbidden = (detail: string) => new ProblemException(HttpStatus.FORBIDDEN, detail);
// A null gender is no target (the optimiser ignores it), here as in the list's SQL.
const hasGenderTarget = (request: CreateSlateSuggestionDto) => request.gender !== undefined && request.gender !== null;
const isGenderTargeted = (inputs: SlateInputs) => hasGenderTarget(inputs.request);

@Injectable()
export class SlatesService {
  /** The slate's gender aggregate is shown under the reports' small-cell rule (env REPORT_MIN_CELL). */
  private readonly minCell: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly slates: SlatesRepository,
    private readonly ranking: RankingService,
    private readonly audit: AuditService,
    private readonly allocations: AllocationLifecycle,
    config: ServiceConfig,
  ) {
    this.minCell = config.reports.minimumCellCount;
  }

  /**
   * Solve for the conference's current nominees and store the suggestion with its inputs. The tool is
   * the committee's (the route); a gender target also needs the admin role, and is refused without it
   * before anything is read, solved or stored.
   */
  async suggest(conferenceId: string, dto: CreateSlateSuggestionDto, actor: Actor): Promise<SlateSuggestionView> {
    if (hasGenderTarget(dto) && !hasRole(actor, 'admin')) throw forbidden(GENDER_TARGET_RESERVED);
    if (dto.shortlistWeight !== undefined && dto.objective !== 'scoreWithShortlist') {
      throw unprocessable('shortlistWeight applies only with objective scoreWithShortlist', [
        { field: 'shortlistWeight', message: 'give objective: "scoreWithShortlist" with it' },
      ]);
    }
    await this.knownRegions(Object.keys(dto.minPerRegion ?? {}));
    const { inputs, policyVersion } = await this.gatherInputs(conferenceId, dto);
    // Read, used and stored (select: false) only for an admin's gender target.
    const genders = hasGenderTarget(dto) ? await this.slates.gendersOf(inputs.nominees.map((n) => n.memberId)) : null;
    const result = await this.solve(inputs, genders);

    return this.dataSource.transaction(async (manager) => {
      const row = await this.slates.insertSuggestion(manager, {
        conferenceId,
        policyVersion,
        inputs,
        genders,
        result,
        createdBy: actor.id,
      });
      await this.audit.record(manager, actor, {
        action: 'slate_suggestion.create',
        entity: 'slate_suggestion',
        entityId: row.id,
        after: { conferenceId, policyVersion, objective: result.objective, targetCost: result.targetCost, request: dto },
      });
      return this.view({
        id: row.id,
        conferenceId,
        policyVersion,
        inputs,
        result,
        createdBy: actor.id,
        createdAt: row.created_at,
        acceptedAt: null,
      });
    });
  }

  async get(id: string, actor: Actor): Promise<SlateSuggestionView> {
    return this.view(this.visibleTo(actor, await this.load(id)));
  }

  /** Non-admins see only the suggestions made without a gender target. */
  async list(conferenceId: string, query: SlateSuggestionQuery, actor: Actor): Promise<Page<SlateSuggestionSummary>> {
    await this.conferenceMustExist(conferenceId);
    const { items, total } = await this.slates.suggestions(conferenceId, hasRole(actor, 'admin'), query.limit, query.offset);
    return { items, total, limit: query.limit, offset: query.offset };
  }

  /** Solve again from the stored inputs (same nominees, scores and genders) and compare. */
  async replay(id: string, actor: Actor): Promise<SlateReplayView> {
    const stored = this.visibleTo(actor, await this.load(id, true));
    const replayed = await this.solve(stored.inputs, stored.genderSnapshot);
    const before = new Map(stored.result.slate.map((s) => [s.slotId, s.speakers.map((p) => p.memberId)]));
    const differences = replayed.slate
      .map((s) => ({ slotId: s.slotId, stored: before.get(s.slotId) ?? [], replayed: s.speakers.map((p) => p.memberId) }))
      .filter((d) => d.stored.join() !== d.replayed.join());
    return {
      id,
      identical: differences.length === 0 && replayed.objective === stored.result.objective,
      objective: replayed.objective,
      storedObjective: stored.result.objective,
      slate: replayed.slate,
      differences,
    };
  }

  /**
   * Turn the suggestion into invitations, all or nothing. Refused (409, nothing written) when the
   * conference's allocations changed since the suggestion or a suggested nomination is no longer
   * open; the seat trigger stays the last word on seats. A suggestion made with a gender target is
   * accepted only by someone who is also an admin (403 otherwise).
   */
  async accept(id: string, actor: Actor): Promise<SlateAcceptanceView> {
    return this.dataSource.transaction(async (manager) => {
      const row = await this.slates.lockSuggestion(manager, id);
      if (!row) throw notFound('Slate suggestion', id);
      // Accepting is the committee's (the route); a gender-targeted slate also needs the admin role.
      if (isGenderTargeted(row.inputs) && !hasRole(actor, 'admin')) throw forbidden(GENDER_TARGETED_SUGGESTION);
      if (row.accepted_at) throw conflict(`Slate suggestion ${id} was already accepted`, { acceptedAt: row.accepted_at });
      const inputs: SlateInputs = row.inputs;
      const result: SlateResult = row.result;

      await this.slates.lockSlots(manager, row.conference_id);
      const now = await this.slates.activeAllocations(manager, row.conference_id);
      const then = new Set(inputs.activeAllocations.map(seatKey));
      const added = now.filter((a) => !then.has(seatKey(a)));
      const nowKeys = new Set(now.map(seatKey));
      const removed = inputs.activeAllocations.filter((a) => !nowKeys.has(seatKey(a)));
      if (added.length || removed.length) {
        throw conflict(
          `The conference's allocations changed since this suggestion was made (${added.length} new, ${removed.length} ended); ` +
            'make a new suggestion',
          { added, removed },
        );
      }

      const nominees = new Map(inputs.nominees.map((n) => [seatKey(n), n]));
      const wanted = result.slate.flatMap((slot) =>
        slot.speakers.filter((p) => !p.alreadyAllocated).map((p) => nominees.get(seatKey({ slotId: slot.slotId, memberId: p.memberId }))!),
      );
      const open = await this.slates.lockOpenNominations(manager, wanted);
      const openBySeat = new Map(open.map((n) => [seatKey({ slotId: n.slot_id, memberId: n.member_id }), n]));
      const closed = wanted.filter((w) => !openBySeat.has(seatKey(w)));
      if (closed.length) {
        throw conflict(
          `${closed.length} suggested nomination(s) are no longer open: ${closed.map((c) => c.name).join(', ')}; make a new suggestion`,
          { closed: closed.map(({ slotId, memberId }) => ({ slotId, memberId })) },
        );
      }

      const rationale = `accepted from suggestion ${id}`;
      // Each invitation through the allocation lifecycle's door, as if the committee had made it alone.
      const created: Array<{ id: string; slotId: string; memberId: string }> = [];
      for (const w of wanted) {
        const invitation = await this.allocations.createAllocation(manager, {
          slotId: w.slotId,
          memberId: w.memberId,
          nominationId: openBySeat.get(seatKey(w))!.id,
          rationale,
          rankAtAllocation: w.rank,
          scoreAtAllocation: w.score,
          policyVersion: row.policy_version,
          actor,
          context: { suggestionId: id },
        });
        created.push({ id: invitation.id, slotId: w.slotId, memberId: w.memberId });
      }
      const acceptedAt = await this.slates.markAccepted(manager, id, actor.id);
      await this.audit.record(manager, actor, {
        action: 'slate_suggestion.accept',
        entity: 'slate_suggestion',
        entityId: id,
        after: { conferenceId: row.conference_id, allocationIds: created.map((c) => c.id) },
      });
      return {
        suggestionId: id,
        conferenceId: row.conference_id,
        allocations: created.map((c) => ({ id: c.id, slotId: c.slotId, memberId: c.memberId, status: 'invited' as const })),
        acceptedAt: new Date(acceptedAt).toISOString(),
      };
    });
  }

  private async solve(inputs: SlateInputs, genders: Record<string, Gender> | null): Promise<SlateResult> {
    const solver = await loadSlateSolver();
    let answer;
    try {
      answer = suggestSlate(problemFrom(inputs, genders), solver, this.minCell);
    } catch (error) {
      if (error instanceof SlateInputError) {
        throw unprocessable(
          `The request cannot be applied to this conference: ${error.message}`,
          error.errors.map((e) => ({ field: e.field.replace(/^targets\./, ''), message: e.message })),
        );
      }
      throw error;
    }
    if (!answer.feasible) {
      const conflicting = conflictView(answer);
      throw unprocessable(
        `No slate meets these together: ${conflicting.map((c) => `${c.target} (${c.description})`).join('; ')}`,
        conflicting.map((c) => ({ field: c.target, message: c.description })),
        { conflictingTargets: conflicting },
      );
    }
    return resultView(inputs, answer);
  }

  /**
   * The conference's slots, their active nominees ranked with one policy version, and its active
   * allocations. A nominee whose invitation to the slot was declined or withdrawn is not suggested again.
   */
  private async gatherInputs(
    conferenceId: string,
    request: CreateSlateSuggestionDto,
  ): Promise<{ inputs: SlateInputs; policyVersion: number }> {
    await this.conferenceMustExist(conferenceId);
    const slots = await this.slates.slots(conferenceId);
    if (slots.length === 0) throw unprocessable(`Conference ${conferenceId} has no slots yet`);
    const policyVersion = await this.slates.currentPolicyVersion();
    const allocations = await this.slates.allocationHistory(conferenceId);
    const history = new Map(allocations.map((a) => [seatKey(a), a.active]));

    const nominees: NomineeSnapshot[] = [];
    for (const slot of slots) {
      for (const c of await this.ranking.candidatesForSlot(slot.id, { policyVersion })) {
        if (history.get(seatKey({ slotId: slot.id, memberId: c.memberId })) === false) continue;
        nominees.push({
          slotId: slot.id,
          memberId: c.memberId,
          name: c.name,
          nominationId: c.nominationId,
          nominationStatus: c.nominationStatus,
          rank: c.rank,
          score: c.score,
          careerStage: c.careerStage,
          region: c.region,
          instituteId: c.instituteId,
          instituteName: c.instituteName,
        });
      }
    }
    const nominated = new Set(nominees.map(seatKey));
    const activeAllocations = allocations.filter((a) => a.active).map(({ slotId, memberId }) => ({ slotId, memberId }));
    const slotSnapshots: SlotSnapshot[] = slots.map((s) => ({
      ...s,
      heldByOthers: activeAllocations.filter((a) => a.slotId === s.id && !nominated.has(seatKey(a))).length,
    }));
    return {
      inputs: { request: JSON.parse(JSON.stringify(request)), slots: slotSnapshots, nominees, activeAllocations },
      policyVersion,
    };
  }

  private async knownRegions(codes: string[]): Promise<void> {
    if (codes.length === 0) return;
    const known = await this.slates.knownRegions(codes);
    const unknown = codes.filter((c) => !known.has(c));
    if (unknown.length) {
      throw unprocessable(
        `Unknown region(s): ${unknown.join(', ')}`,
        unknown.map((code) => ({ field: `minPerRegion.${code}`, message: 'no such region (see GET /regions)' })),
      );
    }
  }

  private async conferenceMustExist(id: string): Promise<void> {
    if (!(await this.slates.conferenceExists(id))) throw notFound('Conference', id);
  }

  private visibleTo<T extends { inputs: SlateInputs }>(actor: Actor, suggestion: T): T {
    if (isGenderTargeted(suggestion.inputs) && !hasRole(actor, 'admin')) throw forbidden(GENDER_TARGETED_SUGGESTION);
    return suggestion;
  }

  private async load(id: string, withGenders = false): Promise<StoredSuggestion> {
    const row = await this.slates.suggestion(id, withGenders);
    if (!row) throw notFound('Slate suggestion', id);
    return row;
  }

  private view(s: {
    id: string;
    conferenceId: string;
    policyVersion: number;
    inputs: SlateInputs;
    result: SlateResult;
    createdBy: string | null;
    createdAt: Date | string;
    acceptedAt: Date | string | null;
  }): SlateSuggestionView {
    return {
      id: s.id,
      conferenceId: s.conferenceId,
      ...s.result,
      policyVersion: s.policyVersion,
      request: s.inputs.request,
      createdBy: s.createdBy,
      createdAt: new Date(s.createdAt).toISOString(),
      acceptedAt: s.acceptedAt === null ? null : new Date(s.acceptedAt).toISOString(),
    };
  }
}
