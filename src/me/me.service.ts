import { HttpStatus, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AllocationsService } from '../allocations/allocations.service';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../auth/actor';
import { Page } from '../common/pagination';
import { conflict, ProblemException } from '../common/problem';
import { MembersService } from '../members/members.service';
import { EligibilityQuery, EligibilityView } from '../ranking/ranking.dto';
import { RankingService } from '../ranking/ranking.service';
import {
  DeclineInvitationDto,
  MyActivityView,
  MyInvitationView,
  MyNominationPage,
  MyRecordView,
  MyTalkView,
  NominationDisclosurePolicyDto,
  NominationDisclosurePolicyView,
  UpdateMyRecordDto,
} from './me.dto';
import { MeRepository } from './me.repository';

/** The same answer for an invitation that is someone else's and one that does not exist: nothing to learn from it. */
const NO_SUCH_INVITATION = () => new ProblemException(HttpStatus.NOT_FOUND, 'No such invitation of yours');

/**
 * A member's own data. Every method starts from the account of the request and its member record;
 * an id in the request only ever narrows within what is the member's own.
 */
@Injectable()
export class MeService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: MeRepository,
    private readonly members: MembersService,
    private readonly ranking: RankingService,
    private readonly allocations: AllocationsService,
    private readonly audit: AuditService,
  ) {}

  /** The member record of the account; the role `member` implies one, but an admin may have just unlinked it. */
  async memberOf(actor: Actor): Promise<string> {
    const memberId = await this.repository.memberOf(actor.id);
    if (!memberId) throw new ProblemException(HttpStatus.NOT_FOUND, 'No member record is linked to your account; ask an admin to link it');
    return memberId;
  }

  async record(actor: Actor): Promise<MyRecordView> {
    const memberId = await this.memberOf(actor);
    const [member, history] = await Promise.all([this.members.get(memberId, true), this.members.history(memberId)]);
    return {
      ...member,
      gender: member.gender!,
      careerStages: history.careerStages,
      affiliations: history.affiliations,
      account: { id: actor.id, name: actor.name, roles: actor.roles },
    };
  }

  /**
   * The member's own gender and contact e-mail, through the members' one write path: the audit entry
   * says which fields changed (gender included) but never the gender, and only admins read the audit
   * log; the member reads their own entries at GET /me/activity.
   */
  async update(actor: Actor, dto: UpdateMyRecordDto, expectedVersions: number[]): Promise<MyRecordView> {
    const memberId = await this.memberOf(actor);
    const { version: _version, ...change } = dto;
    // Checked here so the refusal names nobody: the members' own check names the other member.
    if (change.email && (await this.repository.emailTaken(change.email, memberId))) {
      throw conflict('This e-mail address cannot be used for your record; choose another');
    }
    await this.members.update(memberId, change, expectedVersions, actor);
    return this.record(actor);
  }

  async talks(actor: Actor, limit: number, offset: number): Promise<Page<MyTalkView>> {
    return this.repository.talks(await this.memberOf(actor), limit, offset);
  }

  /** The member's score with its full breakdown: the same formula and answer the committee reads. */
  async eligibility(actor: Actor, query: EligibilityQuery): Promise<EligibilityView> {
    return this.ranking.memberEligibility(await this.memberOf(actor), query);
  }

  async nominations(actor: Actor, limit: number, offset: number): Promise<MyNominationPage> {
    const memberId = await this.memberOf(actor);
    const policy = await this.repository.currentPolicy();
    const found = await this.repository.nominations(
      memberId,
      { nominator: policy.showNominator, reason: policy.showReason },
      limit,
      offset,
    );
    return { ...found, disclosurePolicyVersion: policy.version };
  }

  async invitations(actor: Actor, limit: number, offset: number): Promise<Page<MyInvitationView>> {
    const found = await this.repository.invitations(await this.memberOf(actor), limit, offset);
    return { ...found, items: found.items.map(withAnswers) };
  }

  async invitation(actor: Actor, id: string): Promise<MyInvitationView> {
    const found = await this.repository.invitation(await this.memberOf(actor), id);
    if (!found) throw NO_SUCH_INVITATION();
    return withAnswers(found);
  }

  /**
   * The member's answer, through the allocation lifecycle's door (the same one the committee's PATCH
   * uses), acting as the speaker. Ownership is checked first: an allocation never changes member.
   */
  async answer(
    actor: Actor,
    id: string,
    answer: 'accepted' | 'declined',
    dto: DeclineInvitationDto,
    expectedVersion: number | undefined,
  ): Promise<MyInvitationView> {
    const memberId = await this.memberOf(actor);
    if (!(await this.repository.invitation(memberId, id))) throw NO_SUCH_INVITATION();
    await this.allocations.transition(id, { status: answer, reason: dto.reason, category: dto.category }, expectedVersion, actor, {
      as: ['speaker'],
      via: 'member',
    });
    return this.invitation(actor, id);
  }

  async activity(actor: Actor, limit: number, offset: number): Promise<Page<MyActivityView>> {
    return this.repository.activity(actor.id, await this.memberOf(actor), limit, offset);
  }

  disclosurePolicy(): Promise<NominationDisclosurePolicyView> {
    return this.repository.currentPolicy();
  }

  async setDisclosurePolicy(dto: NominationDisclosurePolicyDto, actor: Actor): Promise<NominationDisclosurePolicyView> {
    return this.dataSource.transaction(async (manager) => {
      const before = await this.repository.currentPolicy(manager);
      const created = await this.repository.addPolicy(manager, {
        showNominator: dto.showNominator,
        showReason: dto.showReason,
        note: dto.note ?? null,
        by: actor.id,
      });
      await this.audit.record(manager, actor, {
        action: 'nomination-disclosure-policy.create',
        entity: 'nomination_disclosure_policy',
        entityId: String(created.version),
        before: { version: before.version, showNominator: before.showNominator, showReason: before.showReason },
        after: { version: created.version, showNominator: created.showNominator, showReason: created.showReason, note: created.note },
      });
      return created;
    });
  }
}

function withAnswers(invitation: Omit<MyInvitationView, 'answers'>): MyInvitationView {
  return { ...invitation, answers: invitation.status === 'invited' ? ['accept', 'decline'] : [] };
}
