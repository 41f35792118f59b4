import { HttpStatus, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor, hasRole } from '../auth/actor';
import { Clock } from '../clock/clock';
import { GENDERS, Role } from '../common/enums';
import { Page } from '../common/pagination';
import { conflict, notFound, ProblemException, staleVersion, unprocessable } from '../common/problem';
import { IncidentDecryptionError, open, seal } from '../incidents/incident-crypto';
import { IncidentKeyring } from '../incidents/incident-keyring';
import { Outbox } from '../mail/outbox.service';
import { NoiseKey } from '../privacy/disclosure';
import { cellIdentity } from '../privacy/gender-release';
import { cellNoise, noiseVariance } from '../privacy/noise';
import { loadPairSolver } from './matching-solver';
import { introductionLetter } from './mentorship-letters';
import {
  assessPair,
  ConsentedIdentity,
  KIND_NAMES,
  MatchParticipant,
  matchRound,
  MENTORSHIP_KINDS,
  UnmatchedParticipant,
} from './mentorship-model';
import { rate, reportGroup } from './mentorship-report';
import {
  CreateRoundDto,
  CreateSignupDto,
  IDENTITY_GROUPS,
  IdentityGroup,
  MatchingView,
  MentorshipReportView,
  MyMentorshipView,
  PairPartyView,
  ReplacePairDto,
  RoundView,
  SignupQuery,
  SignupView,
  UpdateSignupDto,
} from './mentorship.dto';
import { MentorshipRepository, RoundRow, SignupRow, SignupValues } from './mentorship.repository';
import { ServiceConfig } from '../config/service-config';

const MANAGERS: Role[] = ['mentorship-coordinator', 'admin'];
const IDENTITY_FIELD = 'mentorship-identity';
const OBJECTIVE_NOTE =
  'The optimiser maximised the total of the shown scores plus preferences people consented to for ' +
  "matching only, which are never shown; a pair's score is what can be explained.";
// The same words whatever was sent: a refusal never repeats anything consented for matching only.
const NOT_YOURS_TO_GIVE = 'Identity groups can only be given or changed by the person themself, signed in as a member';

const isManager = (actor: Actor) => hasRole(actor, ...MANAGERS);

/**
 * The mentorship programme: rounds, sign-ups, the matching and its publication. Every write is audited
 * in its transaction; no audit entry, explanation, error or mail carries consented identity groups.
 */
@Injectable()
export class MentorshipService {
  private readonly minCell: number;
  private readonly epsilon: number;
  private readonly noiseKey: NoiseKey;

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: MentorshipRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly keyring: IncidentKeyring,
    private readonly outbox: Outbox,
    config: ServiceConfig,
  ) {
    this.minCell = config.reports.minimumCellCount;
    this.epsilon = config.reports.epsilon;
    this.noiseKey = new NoiseKey(() => this.repository.noiseKey());
  }

  private today(): string {
    return this.clock.now().toISOString().slice(0, 10);
  }

  private roundView(r: RoundRow): RoundView {
    const today = this.today();
    return { ...r, signUpOpen: r.status === 'open' && r.signUpOpens <= today && today <= r.signUpCloses };
  }

  // Rounds

  async createRound(dto: CreateRoundDto, actor: Actor): Promise<RoundView> {
    const errors = [
      ...(dto.signUpOpens > dto.signUpCloses ? [{ field: 'signUpCloses', message: 'must be on or after signUpOpens' }] : []),
      ...(dto.signUpCloses > dto.matchingOn ? [{ field: 'matchingOn', message: 'must be on or after signUpCloses' }] : []),
    ];
    if (errors.length) throw unprocessable("The round's dates are out of order", errors);
    const id = await this.dataSource.transaction(async (manager) => {
      // One open round at a time; the partial unique index holds it against a race too.
      await this.repository.lockRounds(manager);
      const open = await this.repository.openRound(manager);
      if (open) {
        throw unprocessable(
          `The ${open.year} round is still open: publish its pairs before opening another`,
          [{ field: 'year', message: 'another round is open' }],
          { openRoundId: open.id },
        );
      }
      if (await this.repository.roundOfYearExists(manager, dto.year)) throw conflict(`A round for ${dto.year} exists already`);
      const created = await this.repository.insertRound(manager, dto, actor.id);
      await this.audit.record(manager, actor, {
        action: 'mentorship_round.create',
        entity: 'mentorship_round',
        entityId: created,
        after: dto,
      });
      return created;
    });
    return this.getRound(id);
  }

  async getRound(id: string): Promise<RoundView> {
    const round = await this.repository.round(id);
    if (!round) throw notFound('Mentorship round', id);
    return this.roundView(round);
  }

  async listRounds(limit: number, offset: number): Promise<Page<RoundView>> {
    const { items, total } = await this.repository.rounds(limit, offset);
    return { items: items.map((r) => this.roundView(r)), total, limit, offset };
  }

  // Sign-ups

  /** The member record of the account, or null (an account without one). */
  private memberOf(actor: Actor): Promise<string | null> {
    return this.repository.memberOfAccount(actor.id);
  }

  /** The signed-in member's pairings in published rounds; 404 for an account without a member record. */
  async myPairs(actor: Actor): Promise<MyMentorshipView> {
    const memberId = await this.memberOf(actor);
    if (!memberId) throw new ProblemException(HttpStatus.NOT_FOUND, 'No member record is linked to your account; ask an admin to link it');
    return { pairs: await this.repository.publishedPairsOf(memberId) };
  }

  /** Whom a sign-up is for: a member themself; a coordinator or admin anyone, named by memberId. */
  private async subjectOf(dto: CreateSignupDto, actor: Actor): Promise<{ memberId: string; self: boolean }> {
    const own = hasRole(actor, 'member') ? await this.memberOf(actor) : null;
    if (dto.memberId === undefined || dto.memberId === own) {
      if (!own) {
        throw unprocessable('Say whom to sign up: memberId is required unless you sign up yourself as a member', [
          { field: 'memberId', message: 'required' },
        ]);
      }
      return { memberId: own, self: true };
    }
    if (!isManager(actor)) throw new ProblemException(HttpStatus.FORBIDDEN, 'A member signs up only themself: leave memberId out');
    return { memberId: dto.memberId, self: false };
  }

  private checkWindow(round: RoundRow): void {
    const today = this.today();
    if (round.status !== 'open' || today < round.signUpOpens || today > round.signUpCloses) {
      throw unprocessable(
        `Sign-up for the ${round.year} round is open from ${round.signUpOpens} to ${round.signUpCloses}` +
          (round.status === 'open' ? '' : ', and its pairs are published'),
        [{ field: 'roundId', message: 'outside the sign-up window' }],
      );
    }
  }

  async createSignup(roundId: string, dto: CreateSignupDto, actor: Actor): Promise<SignupView> {
    const round = await this.repository.round(roundId);
    if (!round) throw notFound('Mentorship round', roundId);
    const { memberId, self } = await this.subjectOf(dto, actor);
    if (!self && dto.identityGroups !== undefined)
      throw unprocessable(NOT_YOURS_TO_GIVE, [{ field: 'identityGroups', message: 'only the person themself' }]);
    const values = signupValues(dto, null);
    identityErrors(values, dto.identityGroups, dto.preferSharedIdentity);
    this.checkWindow(round);
    const today = this.today();
    const member = await this.repository.memberOn(memberId, today);
    if (!member) throw unprocessable(`Member ${memberId} does not exist`, [{ field: 'memberId', message: 'no such member' }]);
    if (member.leftOn !== null && member.leftOn <= today) {
      throw unprocessable('Only current members of the collaboration can sign up', [{ field: 'memberId', message: 'has left' }]);
    }
    const id = randomUUID();
    const identity = dto.identityGroups?.length ? this.sealIdentity(id, dto.identityGroups, dto.preferSharedIdentity ?? false) : null;
    await this.dataSource.transaction(async (manager) => {
      const locked = await this.repository.round(roundId, manager, true);
      if (!locked) throw notFound('Mentorship round', roundId);
      this.checkWindow(locked);
      const taken = await this.repository.signupIdOf(manager, roundId, memberId);
      if (taken) {
        throw conflict(
          self
            ? 'You have signed up for this round already: change your sign-up instead'
            : 'This member has signed up for this round already',
          { signupId: taken },
        );
      }
      await this.repository.insertSignup(manager, id, roundId, memberId, member, values, identity, actor.id);
      await this.audit.record(manager, actor, {
        action: 'mentorship_signup.create',
        entity: 'mentorship_signup',
        entityId: id,
        after: { roundId, memberId, ...values },
      });
    });
    return this.getSignup(roundId, id, actor);
  }

  /** A member reads only their own sign-up (anything else: 404); coordinators and admins any, never its identity groups. */
  async getSignup(roundId: string, id: string, actor: Actor): Promise<SignupView> {
    const row = await this.repository.signup(id);
    const own = hasRole(actor, 'member') ? await this.memberOf(actor) : null;
    if (!row || row.roundId !== roundId || (!isManager(actor) && row.memberId !== own)) throw notFound('Sign-up', id);
    return this.signupView(row, row.memberId === own);
  }

  async listSignups(roundId: string, query: SignupQuery, actor: Actor): Promise<Page<SignupView>> {
    if (!(await this.repository.round(roundId))) throw notFound('Mentorship round', roundId);
    const own = hasRole(actor, 'member') ? await this.memberOf(actor) : null;
    // A member's list holds their own sign-up only.
    if (!isManager(actor) && !own) return { items: [], total: 0, limit: query.limit, offset: query.offset };
    const { items, total } = await this.repository.signups(
      roundId,
      { role: query.role, memberId: isManager(actor) ? undefined : own! },
      query.limit,
      query.offset,
    );
    const views = await Promise.all(items.map((row) => this.signupView(row, row.memberId === own)));
    return { items: views, total, limit: query.limit, offset: query.offset };
  }

  async updateSignup(roundId: string, id: string, dto: UpdateSignupDto, actor: Actor): Promise<SignupView> {
    const own = hasRole(actor, 'member') ? await this.memberOf(actor) : null;
    const current = await this.repository.signup(id);
    if (!current || current.roundId !== roundId || (!isManager(actor) && current.memberId !== own)) throw notFound('Sign-up', id);
    const self = current.memberId === own;
    const touchesIdentity = dto.identityGroups !== undefined || dto.preferSharedIdentity !== undefined;
    if (!self && touchesIdentity)
      throw unprocessable(NOT_YOURS_TO_GIVE, [{ field: 'identityGroups', message: 'only the person themself' }]);
    const values = signupValues(dto, current);
    let identity: Buffer | null | undefined;
    if (touchesIdentity) {
      const before = await this.ownIdentity(id);
      const groups = dto.identityGroups ?? before?.groups ?? [];
      const preferShared = dto.preferSharedIdentity ?? before?.preferShared ?? false;
      identityErrors(values, groups, preferShared);
      identity = groups.length ? this.sealIdentity(id, groups, preferShared) : null;
    }
    const round = await this.repository.round(roundId);
    this.checkWindow(round!);
    await this.dataSource.transaction(async (manager) => {
      const locked = await this.repository.signup(id, manager, true);
      if (dto.version !== undefined && locked!.version !== dto.version) {
        throw staleVersion('The sign-up changed since the version the change is based on', locked!.version);
      }
      this.checkWindow((await this.repository.round(roundId, manager, true))!);
      await this.repository.updateSignup(manager, id, values, identity);
      await this.audit.record(manager, actor, {
        action: 'mentorship_signup.update',
        entity: 'mentorship_signup',
        entityId: id,
        before: pick(current),
        after: values,
      });
    });
    return this.getSignup(roundId, id, actor);
  }

  private async signupView(row: SignupRow, own: boolean): Promise<SignupView> {
    const { email: _email, institute: _institute, stageSince: _since, ...view } = row;
    if (!own) return view;
    const identity = await this.ownIdentity(row.id);
    return { ...view, identityGroups: (identity?.groups ?? []) as IdentityGroup[], preferSharedIdentity: identity?.preferShared ?? false };
  }

  private sealIdentity(signupId: string, groups: string[], preferShared: boolean): Buffer {
    return seal(this.identityKey(), JSON.stringify({ groups, preferShared }), signupId, IDENTITY_FIELD);
  }

  private identityKey(): Buffer {
    try {
      return this.keyring.keys().encryption;
    } catch {
      throw new ProblemException(
        HttpStatus.SERVICE_UNAVAILABLE,
        'Identity groups cannot be stored safely: the encryption key (INCIDENT_KEY) is not configured. Sign up without them, ' +
          'or ask the operators to set the key.',
      );
    }
  }

  private async ownIdentity(signupId: string): Promise<ConsentedIdentity | null> {
    const sealed = await this.repository.sealedIdentity(signupId);
    return sealed ? this.openIdentity(signupId, sealed) : null;
  }

  private openIdentity(signupId: string, sealed: Buffer): ConsentedIdentity {
    try {
      return JSON.parse(open(this.identityKey(), sealed, signupId, IDENTITY_FIELD)) as ConsentedIdentity;
    } catch (error) {
      if (error instanceof IncidentDecryptionError) {
        throw new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, 'A sealed value could not be read with the configured key');
      }
      throw error;
    }
  }

  // Matching

  /** Solves the round after sign-up closed: replaces any earlier proposal; refused once published. */
  async solve(roundId: string, actor: Actor): Promise<MatchingView> {
    const round = await this.repository.round(roundId);
    if (!round) throw notFound('Mentorship round', roundId);
    if (round.status === 'published') throw conflict(`The ${round.year} pairs are published: the matching can no longer change`);
    if (this.today() <= round.signUpCloses) {
      throw unprocessable(`Sign-up for the ${round.year} round closes on ${round.signUpCloses}: match after that`, [
        { field: 'roundId', message: 'sign-up still open' },
      ]);
    }
    const rows = await this.repository.participants(roundId);
    const participants: MatchParticipant[] = rows.map(({ identitySealed, ...row }) => ({
      ...row,
      identity: identitySealed ? this.openIdentity(row.id, identitySealed) : null,
      signupId: row.id,
    }));
    const previousPairs = await this.repository.previousPairs(round.year);
    const result = matchRound({ participants, previousPairs, on: new Date(`${round.matchingOn}T12:00:00Z`) }, await loadPairSolver());
    await this.dataSource.transaction(async (manager) => {
      const locked = await this.repository.round(roundId, manager, true);
      if (locked!.status === 'published') throw conflict(`The ${round.year} pairs are published: the matching can no longer change`);
      await this.repository.storeMatching(
        manager,
        roundId,
        {
          objective: result.score,
          unmatched: result.unmatched,
          continuations: result.continuations,
          pairs: result.pairs,
        },
        actor.id,
      );
      await this.audit.record(manager, actor, {
        action: 'mentorship_matching.solve',
        entity: 'mentorship_round',
        entityId: roundId,
        after: {
          pairs: result.pairs.length,
          score: result.score,
          unmatched: result.unmatched.length,
          continued: result.continuations.filter((c) => c.kept).length,
        },
      });
    });
    return this.matching(roundId);
  }

  async matching(roundId: string): Promise<MatchingView> {
    const round = await this.repository.round(roundId);
    if (!round) throw notFound('Mentorship round', roundId);
    const stored = await this.repository.matching(roundId);
    if (!stored) throw notFound(`A matching of the ${round.year} round`);
    const [pairs, signups] = await Promise.all([this.repository.pairs(roundId), this.repository.signups(roundId, {}, 100_000, 0)]);
    const byId = new Map(signups.items.map((s) => [s.id, s]));
    const party = (id: string): PairPartyView => {
      const s = byId.get(id)!;
      return { signupId: s.id, memberId: s.memberId, name: s.name, careerStage: s.careerStage, institute: s.institute, region: s.region };
    };
    const pairedMentees = new Set(pairs.map((p) => p.menteeSignupId));
    const pairedMentors = new Set(pairs.map((p) => p.mentorSignupId));
    const stillUnmatched = stored.unmatched.filter((u) =>
      u.as === 'mentee' ? !pairedMentees.has(u.signupId) : !pairedMentors.has(u.signupId),
    );
    const known = new Set(stillUnmatched.filter((u) => u.as === 'mentee').map((u) => u.signupId));
    // A mentee left without a mentor by a coordinator's edit.
    const leftByEdit: UnmatchedParticipant[] = signups.items
      .filter((s) => s.role !== 'mentor' && !pairedMentees.has(s.id) && !known.has(s.id))
      .map((s) => ({
        signupId: s.id,
        memberId: s.memberId,
        name: s.name,
        as: 'mentee',
        reason: "left without a mentor by a coordinator's edit",
      }));
    return {
      roundId,
      status: stored.publishedAt ? 'published' : 'proposed',
      score: Math.round(pairs.reduce((t, p) => t + p.score, 0) * 100) / 100,
      objectiveNote: OBJECTIVE_NOTE,
      pairs: pairs.map((p) => ({
        id: p.id,
        mentor: party(p.mentorSignupId),
        mentee: party(p.menteeSignupId),
        score: p.score,
        components: p.components,
        source: p.source,
      })),
      unmatched: [...stillUnmatched, ...leftByEdit],
      continuations: stored.continuations,
      solvedAt: stored.solvedAt,
      editedAt: stored.editedAt,
      publishedAt: stored.publishedAt,
      version: stored.version,
    };
  }

  /** A coordinator's edit: the pair becomes the given mentor and mentee, under the optimiser's rules. */
  async replacePair(roundId: string, pairId: string, dto: ReplacePairDto, actor: Actor): Promise<MatchingView> {
    await this.dataSource.transaction(async (manager) => {
      const round = await this.repository.round(roundId, manager, true);
      if (!round) throw notFound('Mentorship round', roundId);
      if (round.status === 'published') throw conflict(`The ${round.year} pairs are published: they can no longer change`);
      const pairs = await this.repository.pairs(roundId, manager);
      const pair = pairs.find((p) => p.id === pairId);
      if (!pair) throw notFound('Pair', pairId);
      // One connection in a transaction: one statement after the other.
      const mentor = await this.repository.signup(dto.mentorSignupId, manager);
      const mentee = await this.repository.signup(dto.menteeSignupId, manager);
      const errors = [
        ...(!mentor || mentor.roundId !== roundId ? [{ field: 'mentorSignupId', message: 'not a sign-up of this round' }] : []),
        ...(!mentee || mentee.roundId !== roundId ? [{ field: 'menteeSignupId', message: 'not a sign-up of this round' }] : []),
      ];
      if (errors.length) throw unprocessable('Both must be sign-ups of this round', errors);
      const assessed = assessPair(
        { ...mentor!, signupId: mentor!.id },
        { ...mentee!, signupId: mentee!.id },
        new Date(`${round.matchingOn}T12:00:00Z`),
      );
      if (!assessed.allowed) {
        throw unprocessable(
          `This pair breaks a rule of the programme: ${assessed.reason}`,
          [{ field: 'mentorSignupId', message: assessed.rule }],
          { rule: assessed.rule },
        );
      }
      const others = pairs.filter((p) => p.id !== pairId);
      if (others.some((p) => p.menteeSignupId === mentee!.id)) {
        throw unprocessable('This mentee already has a mentor in another pair', [{ field: 'menteeSignupId', message: 'already paired' }]);
      }
      const load = others.filter((p) => p.mentorSignupId === mentor!.id).length;
      if (load >= mentor!.capacity) {
        throw unprocessable(
          `This mentor takes ${mentor!.capacity} mentee${mentor!.capacity === 1 ? '' : 's'} and has as many in other pairs`,
          [{ field: 'mentorSignupId', message: 'at capacity' }],
        );
      }
      const replacement = {
        mentorSignupId: mentor!.id,
        menteeSignupId: mentee!.id,
        score: assessed.score,
        components: assessed.components,
        source: 'coordinator' as const,
      };
      await this.repository.replacePair(manager, pairId, replacement);
      await this.repository.markEdited(manager, roundId);
      await this.audit.record(manager, actor, {
        action: 'mentorship_pair.replace',
        entity: 'mentorship_pair',
        entityId: pairId,
        before: { mentorSignupId: pair.mentorSignupId, menteeSignupId: pair.menteeSignupId, score: pair.score },
        after: { mentorSignupId: replacement.mentorSignupId, menteeSignupId: replacement.menteeSignupId, score: replacement.score },
      });
    });
    return this.matching(roundId);
  }

  /** Publishes the pairs: the round closes and each pair is introduced by mail, in the same transaction. */
  async publish(roundId: string, actor: Actor): Promise<MatchingView> {
    await this.dataSource.transaction(async (manager) => {
      const round = await this.repository.round(roundId, manager, true);
      if (!round) throw notFound('Mentorship round', roundId);
      if (round.status === 'published') throw conflict(`The ${round.year} pairs are published already`);
      const matching = await this.repository.matching(roundId, manager, true);
      if (!matching)
        throw unprocessable(`The ${round.year} round has no matching yet: solve it first`, [{ field: 'roundId', message: 'no matching' }]);
      await this.repository.publish(manager, roundId, actor.id);
      const pairs = await this.repository.pairs(roundId, manager);
      const signups = await this.repository.signups(roundId, {}, 100_000, 0, manager);
      const byId = new Map(signups.items.map((row) => [row.id, row]));
      let mails = 0;
      for (const pair of pairs) {
        mails += (await this.introduce(manager, round.year, pair, byId.get(pair.mentorSignupId)!, byId.get(pair.menteeSignupId)!)) ? 1 : 0;
      }
      await this.audit.record(manager, actor, {
        action: 'mentorship_matching.publish',
        entity: 'mentorship_round',
        entityId: roundId,
        after: { pairs: pairs.length, mails },
      });
    });
    return this.matching(roundId);
  }

  private async introduce(
    manager: EntityManager,
    year: number,
    pair: { id: string; source: string },
    mentor: SignupRow,
    mentee: SignupRow,
  ): Promise<boolean> {
    const kinds = MENTORSHIP_KINDS.filter((k) => mentee.kindsSought.includes(k) && mentor.kindsOffered.includes(k)).map(
      (k) => KIND_NAMES[k],
    );
    const letter = introductionLetter({
      year,
      mentorName: mentor.name,
      mentorInstitute: mentor.institute,
      menteeName: mentee.name,
      menteeInstitute: mentee.institute,
      kinds,
      continued: pair.source === 'continued',
    });
    const written = await this.outbox.write(manager, {
      kind: 'mentorship',
      to: [mentor.email ?? '', mentee.email ?? ''],
      subject: letter.subject,
      body: letter.body,
      dedupeKey: `mentorship-pair:${pair.id}`,
    });
    return written !== null;
  }

  // Report

  async report(roundId: string, actor: Actor): Promise<MentorshipReportView> {
    const round = await this.repository.round(roundId);
    if (!round) throw notFound('Mentorship round', roundId);
    const [counts, genders, matching, pairs, continuation] = await Promise.all([
      this.repository.participationCounts(roundId),
      this.repository.genderCounts(roundId),
      this.repository.matching(roundId),
      this.repository.pairs(roundId),
      this.repository.continuationCounts(roundId, round.year),
    ]);
    const of = (dimension: string) => new Map(counts.filter((c) => c.dimension === dimension).map((c) => [c.value, c.count]));
    const exact = hasRole(actor, 'admin');
    const closed = this.today() > round.signUpCloses;
    let genderCounts = new Map(genders.rows.map((r) => [r.gender as string, r.count]));
    let note: string;
    if (exact) {
      note = 'exact counts (admin), small cells hidden';
    } else if (!closed) {
      genderCounts = new Map();
      note = "gender counts are published once sign-up has closed, when the round's participants no longer change";
    } else {
      // Like a quarter that has ended: the round's whole table, drawn anew whenever any sign-up changes.
      const key = await this.noiseKey.get();
      const table = { count: genders.count, keys: genders.keys };
      genderCounts = new Map(
        GENDERS.map((g) => {
          const identity = cellIdentity('mentorship-participants', `round:${roundId}`, {}, g, null);
          return [g, genders.count === 0 ? 0 : Math.max(0, (genderCounts.get(g) ?? 0) + cellNoise(key, identity, table, this.epsilon))];
        }),
      );
      note = 'every gender count carries two-sided geometric noise, the same for the same sign-ups; small published counts are hidden';
    }
    const paired = new Set(pairs.map((p) => p.menteeSignupId));
    const byRole = of('role');
    const mentees = (byRole.get('mentee') ?? 0) + (byRole.get('both') ?? 0);
    const mentorsWithout = matching
      ? matching.unmatched.filter((u) => u.as === 'mentor' && !pairs.some((p) => p.mentorSignupId === u.signupId)).length
      : 0;
    return {
      roundId,
      year: round.year,
      participants: round.signups,
      byRole: { mentor: byRole.get('mentor') ?? 0, mentee: byRole.get('mentee') ?? 0, both: byRole.get('both') ?? 0 },
      groups: [
        reportGroup(
          'careerStage',
          of('careerStage'),
          ['student', 'postdoc', 'nontenured', 'tenured', 'engineer', 'other'],
          this.minCell,
          false,
        ),
        reportGroup('region', of('region'), [], this.minCell, false),
        reportGroup('gender', genderCounts, GENDERS, this.minCell, true),
      ],
      minimumCellCount: this.minCell,
      disclosure: {
        perturbed: !exact && closed,
        epsilon: !exact && closed ? this.epsilon : null,
        noiseStdDev: !exact && closed ? Math.round(Math.sqrt(noiseVariance(this.epsilon)) * 100) / 100 : null,
        note,
      },
      matching: {
        solved: matching !== null,
        published: matching?.publishedAt != null,
        pairs: pairs.length,
        matchedMentees: paired.size,
        unmatchedMentees: matching ? mentees - paired.size : 0,
        mentorsWithoutMentee: mentorsWithout,
      },
      continuation: { ...continuation, rate: rate(continuation.continued, continuation.previousPairs) },
    };
  }
}

/** The stored values after a change: what the request gives, else what is stored, else the defaults. */
function signupValues(dto: Partial<CreateSignupDto>, current: SignupRow | null): SignupValues {
  const role = dto.role ?? current!.role;
  const mentor = role !== 'mentee';
  const mentee = role !== 'mentor';
  const values: SignupValues = {
    role,
    kindsSought: mentee ? (dto.kindsSought ?? current?.kindsSought ?? []) : [],
    kindsOffered: mentor ? (dto.kindsOffered ?? current?.kindsOffered ?? []) : [],
    capacity: mentor ? (dto.capacity ?? (current?.capacity || 1)) : 0,
    regionPreference: dto.regionPreference ?? current?.regionPreference ?? 'any',
    timeZone: dto.timeZone ?? current?.timeZone ?? null,
    languages: dto.languages ?? current?.languages ?? [],
    continueWithPrevious: dto.continueWithPrevious ?? current?.continueWithPrevious ?? false,
  };
  const errors = [
    ...(mentee && values.kindsSought.length === 0
      ? [{ field: 'kindsSought', message: 'a mentee names at least one kind of mentoring sought' }]
      : []),
    ...(mentor && values.kindsOffered.length === 0
      ? [{ field: 'kindsOffered', message: 'a mentor names at least one kind of mentoring offered' }]
      : []),
    ...(!mentee && dto.kindsSought?.length ? [{ field: 'kindsSought', message: 'only mentees seek' }] : []),
    ...(!mentor && dto.kindsOffered?.length ? [{ field: 'kindsOffered', message: 'only mentors offer' }] : []),
    ...(!mentor && dto.capacity !== undefined ? [{ field: 'capacity', message: 'only mentors take mentees' }] : []),
  ];
  if (errors.length) throw unprocessable('The sign-up does not fit its role', errors);
  return values;
}

/** preferSharedIdentity needs groups and a mentee's role; the words never repeat the groups. */
function identityErrors(values: SignupValues, groups: readonly string[] | undefined, preferShared: boolean | undefined): void {
  if (groups?.some((g) => !(IDENTITY_GROUPS as readonly string[]).includes(g))) {
    throw unprocessable('Unknown identity group', [
      { field: 'identityGroups', message: 'each identity group must be one of the listed values' },
    ]);
  }
  if (preferShared && !groups?.length) {
    throw unprocessable('preferSharedIdentity needs identity groups', [
      { field: 'preferSharedIdentity', message: 'give identityGroups with it' },
    ]);
  }
  if (preferShared && values.role === 'mentor') {
    throw unprocessable('Only mentees ask for a mentor who shares an identity group', [
      { field: 'preferSharedIdentity', message: 'mentees only' },
    ]);
  }
}

/** What the audit entry keeps of a sign-up before a change: its values, never identity groups. */
function pick(row: SignupRow): SignupValues {
  return {
    role: row.role,
    kindsSought: row.kindsSought,
    kindsOffered: row.kindsOffered,
    capacity: row.capacity,
    regionPreference: row.regionPreference,
    timeZone: row.timeZone,
    languages: row.languages,
    continueWithPrevious: row.continueWithPrevious,
  };
}
