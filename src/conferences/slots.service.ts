import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../auth/actor';
import { conflict, notFound } from '../common/problem';
import { CreateSlotDto, SlotView, UpdateSlotDto } from './conferences.dto';
import { hasOffset, wallClockToInstant } from './local-time';

// Seats taken = invited or accepted allocations: the same rule the allocation_seats trigger enforces.
const SLOT_VIEW = `
  SELECT s.id, s.conference_id AS "conferenceId", s.title, s.talk_type AS "talkType", s.seats,
         (SELECT count(*) FROM allocation a WHERE a.slot_id = s.id AND a.status IN ('invited','accepted'))::int AS "seatsTaken",
         s.topic, to_char(s.starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "startsAt",
         s.duration_minutes AS "durationMinutes", s.room, s.respond_within_days AS "respondWithinDays",
         s.self_nomination_allowed AS "selfNominationAllowed"
  FROM slot s`;

/**
 * The instant a slot's startsAt names: as given when it carries an offset, else the wall-clock time at
 * the venue (the conference's time zone; UTC when it has none, as before time zones were kept).
 */
async function startInstant(manager: EntityManager, conferenceId: string, startsAt: string | null | undefined): Promise<string | null | undefined> {
  if (startsAt === undefined || startsAt === null || hasOffset(startsAt)) return startsAt;
  const [{ timeZone }] = await manager.query(`SELECT time_zone AS "timeZone" FROM conference WHERE id = $1`, [conferenceId]);
  return wallClockToInstant(startsAt, timeZone ?? 'UTC').toISOString();
}

@Injectable()
export class SlotsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async create(conferenceId: string, dto: CreateSlotDto, actor: Actor): Promise<SlotView> {
    return this.dataSource.transaction(async (manager) => {
      const conference = await manager.query(`SELECT 1 FROM conference WHERE id = $1 FOR SHARE`, [conferenceId]);
      if (conference.length === 0) throw notFound('Conference', conferenceId);
      const [{ id }] = await manager.query(
        `INSERT INTO slot (conference_id, title, talk_type, seats, topic, starts_at, duration_minutes, room, respond_within_days,
                           self_nomination_allowed)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
        [conferenceId, dto.title, dto.talkType, dto.seats ?? 1, dto.topic ?? null,
          (await startInstant(manager, conferenceId, dto.startsAt)) ?? null, dto.durationMinutes ?? null, dto.room ?? null,
          dto.respondWithinDays ?? null, dto.selfNominationAllowed ?? false],
      );
      const view = await this.find(id, manager);
      await this.audit.record(manager, actor, { action: 'slot.create', entity: 'slot', entityId: id, after: view });
      return view;
    });
  }

  async update(id: string, dto: UpdateSlotDto, actor: Actor): Promise<SlotView> {
    return this.dataSource.transaction(async (manager) => {
      // Locking the slot row queues this change behind (and ahead of) invitations, which lock it too.
      const [locked] = await manager.query(`SELECT conference_id AS "conferenceId" FROM slot WHERE id = $1 FOR UPDATE`, [id]);
      if (!locked) throw notFound('Slot', id);
      const startsAt = await startInstant(manager, locked.conferenceId, dto.startsAt);
      const before = await this.find(id, manager);
      if (dto.seats !== undefined && dto.seats < before.seatsTaken) {
        throw conflict(`The slot has ${before.seatsTaken} seats taken by invited or accepted speakers; `
          + `seats cannot go below that (asked for ${dto.seats})`, { seatsTaken: before.seatsTaken });
      }
      await manager.query(
        `UPDATE slot SET
           title = COALESCE($2, title),
           talk_type = COALESCE($3, talk_type),
           seats = COALESCE($4, seats),
           topic = CASE WHEN $5 THEN $6 ELSE topic END,
           starts_at = CASE WHEN $7 THEN $8::timestamptz ELSE starts_at END,
           duration_minutes = CASE WHEN $9 THEN $10::int ELSE duration_minutes END,
           room = CASE WHEN $11 THEN $12 ELSE room END,
           respond_within_days = CASE WHEN $13 THEN $14::int ELSE respond_within_days END,
           self_nomination_allowed = COALESCE($15, self_nomination_allowed),
           updated_at = now()
         WHERE id = $1`,
        [id, dto.title ?? null, dto.talkType ?? null, dto.seats ?? null,
          dto.topic !== undefined, dto.topic ?? null, startsAt !== undefined, startsAt ?? null,
          dto.durationMinutes !== undefined, dto.durationMinutes ?? null, dto.room !== undefined, dto.room ?? null,
          dto.respondWithinDays !== undefined, dto.respondWithinDays ?? null, dto.selfNominationAllowed ?? null],
      );
      const after = await this.find(id, manager);
      await this.audit.record(manager, actor, { action: 'slot.update', entity: 'slot', entityId: id, before, after });
      return after;
    });
  }

  async get(id: string): Promise<SlotView> {
    return this.find(id, this.dataSource.manager);
  }

  async listForConference(conferenceId: string): Promise<SlotView[]> {
    return this.dataSource.query(
      `${SLOT_VIEW} WHERE s.conference_id = $1 ORDER BY s.starts_at NULLS LAST, s.title, s.id`,
      [conferenceId],
    );
  }

  private async find(id: string, manager: EntityManager): Promise<SlotView> {
    const [slot] = await manager.query(`${SLOT_VIEW} WHERE s.id = $1`, [id]);
    if (!slot) throw notFound('Slot', id);
    return slot;
  }
}
