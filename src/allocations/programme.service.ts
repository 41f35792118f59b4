import { Injectable } from '@nestjs/common';
import { AllocationStatus, TalkType } from '../common/enums';
import { notFound } from '../common/problem';
import { venueTime } from '../conferences/local-time';
import { AllocationsRepository } from './allocations.repository';
import { AcceptedTalk, DEFAULT_TALK_MINUTES, ProgrammeConference, programmeCsv, programmeICalendar } from './programme-export';

export interface ProgrammeSpeaker {
  allocationId: string;
  status: AllocationStatus;
  memberId: string;
  name: string;
  instituteId: string;
  instituteName: string;
  region: string;
  updatedAt: Date;
  /** An open invitation's deadline. */
  respondBy: Date | null;
}

export interface ProgrammeSlot {
  id: string;
  title: string;
  talkType: TalkType;
  topic: string | null;
  seats: number;
  /** Seats held by invited or accepted speakers. */
  seatsTaken: number;
  startsAt: Date | null;
  durationMinutes: number | null;
  endsAt: Date | null;
  room: string | null;
  /** startsAt as it reads at the venue (the conference's time zone, else UTC). */
  startsLocal: string | null;
  allocations: ProgrammeSpeaker[];
}

export interface Programme {
  conference: ProgrammeConference & { tier: string };
  slots: ProgrammeSlot[];
}

/**
 * A conference's programme: every slot with whoever was allocated to it and how that stands. Names
 * speakers and their institutes; no gender, rationale or decline reason, so monitors may read it.
 */
@Injectable()
export class ProgrammeService {
  constructor(private readonly allocations: AllocationsRepository) {}

  async programme(conferenceId: string): Promise<Programme> {
    const conference = await this.allocations.programmeConference(conferenceId);
    if (!conference) throw notFound('Conference', conferenceId);
    const rows = await this.allocations.programmeRows(conferenceId);
    const slots = new Map<string, ProgrammeSlot>();
    for (const row of rows) {
      let slot = slots.get(row.slotId);
      if (!slot) {
        const minutes = row.durationMinutes ?? DEFAULT_TALK_MINUTES[row.talkType];
        slot = {
          id: row.slotId,
          title: row.title,
          talkType: row.talkType,
          topic: row.topic,
          seats: row.seats,
          seatsTaken: 0,
          startsAt: row.startsAt,
          durationMinutes: row.durationMinutes,
          room: row.room,
          endsAt: row.startsAt ? new Date(row.startsAt.getTime() + minutes * 60_000) : null,
          startsLocal: row.startsAt ? venueTime(row.startsAt, conference.timeZone) : null,
          allocations: [],
        };
        slots.set(row.slotId, slot);
      }
      if (row.allocationId && row.status) {
        slot.allocations.push({
          allocationId: row.allocationId,
          status: row.status,
          memberId: row.memberId,
          name: row.name,
          instituteId: row.instituteId,
          instituteName: row.instituteName,
          region: row.region,
          updatedAt: row.updatedAt,
          respondBy: row.respondBy,
        });
        if (row.status === 'invited' || row.status === 'accepted') slot.seatsTaken += 1;
      }
    }
    return { conference, slots: [...slots.values()] };
  }

  async csv(conferenceId: string): Promise<{ conference: ProgrammeConference; body: string }> {
    const { conference, talks } = await this.accepted(conferenceId);
    return { conference, body: programmeCsv(conference, talks) };
  }

  async iCalendar(conferenceId: string): Promise<{ conference: ProgrammeConference; body: string }> {
    const { conference, talks } = await this.accepted(conferenceId);
    return { conference, body: programmeICalendar(conference, talks) };
  }

  private async accepted(conferenceId: string): Promise<{ conference: ProgrammeConference; talks: AcceptedTalk[] }> {
    const { conference, slots } = await this.programme(conferenceId);
    const talks = slots.flatMap((slot) =>
      slot.allocations
        .filter((a) => a.status === 'accepted')
        .map((a) => ({
          allocationId: a.allocationId,
          slotId: slot.id,
          slotTitle: slot.title,
          talkType: slot.talkType,
          startsAt: slot.startsAt ? slot.startsAt.toISOString() : null,
          durationMinutes: slot.durationMinutes,
          room: slot.room,
          memberId: a.memberId,
          speaker: a.name,
          institute: a.instituteName,
          region: a.region,
          updatedAt: a.updatedAt.toISOString(),
        })),
    );
    return { conference, talks };
  }
}
