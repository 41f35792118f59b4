import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AllocationLifecycle } from '../allocations/allocation-lifecycle';
import { DEFAULT_TALK_MINUTES, venueLocation } from '../allocations/programme-export';
import { InvitationLinks, LinkClaims } from '../allocations/invitation-links';
import { venueTime } from '../conferences/local-time';
import { DeclineCategory } from '../common/enums';
import { notFound } from '../common/problem';
import { InvitationLinkView } from './invitation-answers.dto';
import { SpeakersRepository } from './speakers.repository';

/**
 * The speaker's side: reading and answering an invitation with the link from the mail, signed in or
 * not. The answer goes through the allocation lifecycle's door as the speaker, with the same checks
 * and audit entries as the committee's PATCH, and uses the link up in the same transaction.
 */
@Injectable()
export class InvitationAnswers {
  constructor(
    private readonly dataSource: DataSource,
    private readonly speakers: SpeakersRepository,
    private readonly links: InvitationLinks,
    private readonly lifecycle: AllocationLifecycle,
  ) {}

  async read(token: string | undefined): Promise<InvitationLinkView> {
    const claims = await this.links.verify(token);
    return this.view(this.dataSource.manager, claims, (await this.links.usage(claims))?.answer as 'accepted' | 'declined' | undefined);
  }

  async answer(
    token: string | undefined,
    answer: 'accepted' | 'declined',
    reason?: string,
    category?: DeclineCategory,
  ): Promise<InvitationLinkView> {
    const claims = await this.links.verify(token);
    return this.dataSource.transaction(async (manager) => {
      await this.links.consume(manager, claims, answer);
      await this.lifecycle.changeAllocationStatus(manager, {
        allocationId: claims.allocationId,
        to: answer,
        as: ['speaker'],
        actor: null,
        reason,
        category,
        via: 'invitation-link',
      });
      return this.view(manager, claims, answer);
    });
  }

  private async view(
    manager: EntityManager,
    claims: LinkClaims,
    usedFor: 'accepted' | 'declined' | undefined,
  ): Promise<InvitationLinkView> {
    const row = await this.speakers.linkedInvitation(manager, claims.allocationId);
    if (!row) throw notFound('Invitation');
    const conference = {
      id: row.conferenceId,
      name: row.name,
      startDate: row.startDate,
      endDate: row.endDate,
      country: row.country,
      city: row.city,
      timeZone: row.timeZone,
    };
    return {
      allocationId: row.id,
      speakerName: row.speakerName,
      status: row.status,
      respondBy: row.respondBy,
      canAnswer: row.status === 'invited' && usedFor === undefined,
      answeredWithThisLink: usedFor ?? null,
      slot: {
        title: row.title,
        talkType: row.talkType,
        startsAt: row.startsAt ? row.startsAt.toISOString() : null,
        startsLocal: row.startsAt ? venueTime(row.startsAt, row.timeZone) : null,
        durationMinutes: row.durationMinutes ?? DEFAULT_TALK_MINUTES[row.talkType] ?? 30,
        room: row.room,
      },
      conference: {
        name: row.name,
        startDate: row.startDate,
        endDate: row.endDate,
        location: venueLocation(conference, null),
        timeZone: row.timeZone,
      },
    };
  }
}
