import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../auth/actor';
import { conflict, notFound } from '../common/problem';
import { ConferencesRepository } from './conferences.repository';
import { CreateSlotDto, SlotView, UpdateSlotDto } from './conferences.dto';
import { hasOffset, wallClockToInstant } from './local-time';

@Injectable()
export class SlotsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly conferences: ConferencesRepository,
    private readonly audit: AuditService,
  ) {}

  async create(conferenceId: string, dto: CreateSlotDto, actor: Actor): Promise<SlotView> {
    return this.dataSource.transaction(async (manager) => {
      if (!(await this.conferences.holdConference(manager, conferenceId))) throw notFound('Conference', conferenceId);
      const startsAt = (await this.startInstant(manager, conferenceId, dto.startsAt)) ?? null;
      const id = await this.conferences.insertSlot(manager, conferenceId, dto, startsAt);
      const view = await this.find(id, manager);
      await this.audit.record(manager, actor, { action: 'slot.create', entity: 'slot', entityId: id, after: view });
      return view;
    });
  }

  async update(id: string, dto: UpdateSlotDto, actor: Actor): Promise<SlotView> {
    return this.dataSource.transaction(async (manager) => {
      // Locking the slot row queues this change behind (and ahead of) invitations, which lock it too.
      const locked = await this.conferences.lockSlot(manager, id);
      if (!locked) throw notFound('Slot', id);
      const startsAt = await this.startInstant(manager, locked.conferenceId, dto.startsAt);
      const before = await this.find(id, manager);
      if (dto.seats !== undefined && dto.seats < before.seatsTaken) {
        throw conflict(
          `The slot has ${before.seatsTaken} seats taken by invited or accepted speakers; ` +
            `seats cannot go below that (asked for ${dto.seats})`,
          { seatsTaken: before.seatsTaken },
        );
      }
      await this.conferences.updateSlot(manager, id, dto, startsAt);
      const after = await this.find(id, manager);
      await this.audit.record(manager, actor, { action: 'slot.update', entity: 'slot', entityId: id, before, after });
      return after;
    });
  }

  async get(id: string): Promise<SlotView> {
    return this.find(id, this.dataSource.manager);
  }

  async listForConference(conferenceId: string): Promise<SlotView[]> {
    return this.conferences.slotsOf(conferenceId);
  }

  private async find(id: string, manager: EntityManager): Promise<SlotView> {
    const slot = await this.conferences.slot(id, manager);
    if (!slot) throw notFound('Slot', id);
    return slot;
  }

  /**
   * The instant a slot's startsAt names: as given when it carries an offset, else the wall-clock time at
   * the venue (the conference's time zone; UTC when it has none, as before time zones were kept).
   */
  private async startInstant(
    manager: EntityManager,
    conferenceId: string,
    startsAt: string | null | undefined,
  ): Promise<string | null | undefined> {
    if (startsAt === undefined || startsAt === null || hasOffset(startsAt)) return startsAt;
    const timeZone = await this.conferences.conferenceTimeZone(manager, conferenceId);
    return wallClockToInstant(startsAt, timeZone ?? 'UTC').toISOString();
  }
}
