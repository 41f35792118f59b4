import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../clock/clock';
import {
  answerLetter,
  InvitationFacts,
  invitationLetter,
  lapsedLetter,
  lapsedNotice,
  outcomeLetter,
  reminderLetter,
  withdrawnLetter,
} from '../mail/letters';
import { Outbox } from '../mail/outbox.service';
import { RankingService } from '../ranking/ranking.service';
import { nextCandidates } from './allocation-rules';
import { DEFAULT_TALK_MINUTES, invitationICalendar, venueLocation } from './programme-export';
import { AllocationsRepository, InvitationRow } from './allocations.repository';
import { InvitationLinks } from './invitation-links';

/** How long a speaker has to answer when neither the slot nor the conference says. */
export const DEFAULT_RESPOND_WITHIN_DAYS = 7;
const DAY_MS = 86_400_000;

/**
 * The mail an allocation's life causes, written to the outbox on the transaction of the change itself:
 * the invitation (with its answer link and calendar file), the reminder, the speaker's confirmation,
 * the nominators' outcome, and the committee's notice when an invitation lapses.
 */
@Injectable()
export class AllocationNotices {
  constructor(
    private readonly allocations: AllocationsRepository,
    private readonly outbox: Outbox,
    private readonly links: InvitationLinks,
    private readonly ranking: RankingService,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  /**
   * Sets the answer deadline of a new invitation (the slot's days, else the conference's, else 7, but
   * never after the talk or the conference begins) and mails the speaker. Returns the deadline.
   */
  async invited(manager: EntityManager, allocationId: string): Promise<Date> {
    const row = await this.invitation(manager, allocationId);
    const now = this.clock.now();
    const days = row.slotDays ?? row.conference.respondWithinDays ?? DEFAULT_RESPOND_WITHIN_DAYS;
    const begins = row.startsAt ?? new Date(`${row.conference.startDate}T00:00:00Z`);
    let respondBy = new Date(Math.min(now.getTime() + days * DAY_MS, begins.getTime()));
    // An invitation made at the last minute still leaves a day to answer.
    if (respondBy.getTime() < now.getTime() + DAY_MS) respondBy = new Date(now.getTime() + DAY_MS);
    await this.allocations.setRespondBy(manager, allocationId, respondBy);
    if (row.email) {
      const { url } = await this.links.issue(manager, allocationId, respondBy);
      await this.outbox.write(manager, {
        kind: 'invitation',
        to: [row.email],
        allocationId,
        dedupeKey: `invitation:${allocationId}`,
        ...invitationLetter(this.facts(row, respondBy, url)),
        attachments: [this.calendar(row)],
      });
    }
    return respondBy;
  }

  /** The one reminder before the deadline, with a fresh link; audited as the service's own act. */
  async remind(manager: EntityManager, allocationId: string): Promise<void> {
    const row = await this.invitation(manager, allocationId);
    const at = this.clock.now();
    await this.allocations.setRemindedAt(manager, allocationId, at);
    await this.audit.record(manager, null, {
      action: 'allocation.remind',
      entity: 'allocation',
      entityId: allocationId,
      after: { remindedAt: at.toISOString(), respondBy: row.respondBy?.toISOString() ?? null, mailed: Boolean(row.email) },
    });
    if (!row.email || !row.respondBy) return;
    const { url } = await this.links.issue(manager, allocationId, row.respondBy);
    await this.outbox.write(manager, {
      kind: 'reminder',
      to: [row.email],
      allocationId,
      dedupeKey: `reminder:${allocationId}`,
      ...reminderLetter(this.facts(row, row.respondBy, url)),
    });
  }

  /** After a status change: the speaker's confirmation, the nominators' outcome, the committee's notice of a lapse. */
  async changed(manager: EntityManager, change: { id: string; from?: string; to: string; slotId: string }): Promise<void> {
    const row = await this.invitation(manager, change.id);
    if (change.to === 'withdrawn' && row.email) {
      // The committee's reason stays with the committee: the speaker is told that, not why.
      await this.outbox.write(manager, {
        kind: 'withdrawn',
        to: [row.email],
        allocationId: change.id,
        dedupeKey: `withdrawn:${change.id}`,
        ...withdrawnLetter(
          { speakerName: row.memberName, slotTitle: row.slotTitle, conferenceName: row.conference.name },
          change.from === 'accepted',
        ),
      });
    }
    if (change.to === 'accepted' || change.to === 'declined') {
      if (row.email) {
        await this.outbox.write(manager, {
          kind: 'answer',
          to: [row.email],
          allocationId: change.id,
          dedupeKey: `answer:${change.id}`,
          ...answerLetter(this.facts(row, new Date(0), ''), change.to === 'accepted'),
          attachments: change.to === 'accepted' ? [this.calendar(row)] : [],
        });
      }
    }
    if (change.to === 'accepted') await this.tellNominators(manager, row);
    if (change.to === 'expired') {
      if (row.email) {
        await this.outbox.write(manager, {
          kind: 'expired',
          to: [row.email],
          allocationId: change.id,
          dedupeKey: `lapsed:${change.id}`,
          ...lapsedLetter({ speakerName: row.memberName, slotTitle: row.slotTitle, conferenceName: row.conference.name }),
        });
      }
      const ranked = await this.ranking.candidatesForSlot(row.slotId, { manager });
      const next = nextCandidates(ranked, await this.allocations.membersAllocatedInSlot(manager, row.slotId));
      await this.outbox.write(manager, {
        kind: 'expired',
        to: await this.committee(manager),
        allocationId: change.id,
        dedupeKey: `lapsed-committee:${change.id}`,
        ...lapsedNotice({
          speakerName: row.memberName,
          slotTitle: row.slotTitle,
          conferenceName: row.conference.name,
          nextCandidates: next.map((c) => ({ name: c.name, rank: c.rank, careerStage: c.careerStage, region: c.region })),
        }),
      });
    }
  }

  /**
   * The nominee's nominator hears "selected"; once every seat of the slot is accepted, the nominators
   * of everyone else still nominated hear "not this time". Each nomination's outcome goes out once.
   */
  private async tellNominators(manager: EntityManager, row: InvitationRow): Promise<void> {
    const nominations = await this.allocations.nominationsToTell(manager, row.slotId, row.nominationId);
    for (const n of nominations) {
      if (!n.email) continue;
      await this.outbox.write(manager, {
        kind: 'outcome',
        to: [n.email],
        dedupeKey: `outcome:${n.id}`,
        ...outcomeLetter({
          nominatorName: n.nominator,
          nomineeName: n.nominee,
          slotTitle: row.slotTitle,
          conferenceName: row.conference.name,
          selected: n.selected,
        }),
      });
    }
  }

  /** The committee's addresses: every enabled account holding the committee role. */
  committee(manager: EntityManager): Promise<string[]> {
    return this.allocations.committeeAddresses(manager);
  }

  private invitation(manager: EntityManager, allocationId: string): Promise<InvitationRow> {
    return this.allocations.invitation(manager, allocationId);
  }

  private facts(row: InvitationRow, respondBy: Date, link: string): InvitationFacts {
    return {
      speakerName: row.memberName,
      slotTitle: row.slotTitle,
      talkType: row.talkType,
      conferenceName: row.conference.name,
      startDate: row.conference.startDate,
      endDate: row.conference.endDate,
      location: venueLocation(row.conference, row.room),
      startsAt: row.startsAt,
      durationMinutes: row.durationMinutes ?? DEFAULT_TALK_MINUTES[row.talkType] ?? 30,
      timeZone: row.conference.timeZone,
      respondBy,
      link,
    };
  }

  private calendar(row: InvitationRow) {
    return {
      filename: 'talk.ics',
      contentType: 'text/calendar; method=PUBLISH; charset=utf-8',
      content: invitationICalendar(row.conference, {
        allocationId: row.id,
        slotTitle: row.slotTitle,
        talkType: row.talkType,
        startsAt: row.startsAt ? row.startsAt.toISOString() : null,
        durationMinutes: row.durationMinutes,
        room: row.room,
        speaker: row.memberName,
        institute: row.institute,
        updatedAt: row.updatedAt.toISOString(),
      }),
    };
  }
}
