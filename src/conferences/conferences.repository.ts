// The conferences feature's SQL: conferences (through their entity) and their slots, with the seats
// the invitations take. Writes run on the caller's transaction.
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Conference } from './conference.entity';
import { CreateSlotDto, SlotView, UpdateSlotDto } from './conferences.dto';

// Seats taken = invited or accepted allocations: the same rule the allocation_seats trigger enforces.
const SLOT_VIEW = `
  SELECT s.id, s.conference_id AS "conferenceId", s.title, s.talk_type AS "talkType", s.seats,
         (SELECT count(*) FROM allocation a WHERE a.slot_id = s.id AND a.status IN ('invited','accepted'))::int AS "seatsTaken",
         s.topic, to_char(s.starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "startsAt",
         s.duration_minutes AS "durationMinutes", s.room, s.respond_within_days AS "respondWithinDays",
         s.self_nomination_allowed AS "selfNominationAllowed"
  FROM slot s`;

export type ConferenceFields = Omit<Conference, 'id' | 'createdAt' | 'updatedAt'>;

export interface ConferenceFilter {
  from?: string;
  to?: string;
  tier?: string;
  /** A LIKE pattern on the name, its wildcards escaped with a backslash. */
  namePattern?: string;
  limit: number;
  offset: number;
}

@Injectable()
export class ConferencesRepository {
  constructor(private readonly dataSource: DataSource) {}

  // Conferences

  async insertConference(manager: EntityManager, fields: ConferenceFields): Promise<Conference> {
    const repo = manager.getRepository(Conference);
    return repo.save(repo.create(fields));
  }

  /** The conference, its row locked for the rest of the transaction; null when there is none. */
  async lockedConference(manager: EntityManager, id: string): Promise<Conference | null> {
    return manager.getRepository(Conference).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** Writes the fields onto the conference read (and locked) before. */
  async updateConference(manager: EntityManager, current: Conference, fields: ConferenceFields): Promise<Conference> {
    return manager.getRepository(Conference).save(Object.assign(current, fields));
  }

  async conference(id: string): Promise<Conference | null> {
    return this.dataSource.getRepository(Conference).findOne({ where: { id } });
  }

  /** Latest first, then by name. */
  async conferencesPage(f: ConferenceFilter): Promise<[Conference[], number]> {
    const qb = this.dataSource.getRepository(Conference).createQueryBuilder('c');
    if (f.from) qb.andWhere('c.end_date >= :from', { from: f.from });
    if (f.to) qb.andWhere('c.start_date <= :to', { to: f.to });
    if (f.tier) qb.andWhere('c.tier = :tier', { tier: f.tier });
    if (f.namePattern) qb.andWhere(`c.name ILIKE :q ESCAPE '\\'`, { q: f.namePattern });
    return qb
      .orderBy('c.start_date', 'DESC')
      .addOrderBy('c.name', 'ASC')
      .addOrderBy('c.id', 'ASC')
      .take(f.limit)
      .skip(f.offset)
      .getManyAndCount();
  }

  async conferenceExists(id: string, manager: EntityManager = this.dataSource.manager): Promise<boolean> {
    return (await manager.query(`SELECT 1 FROM conference WHERE id = $1`, [id])).length > 0;
  }

  /** Holds the conference (FOR SHARE) until the transaction ends, so it stays while a slot is added; false when there is none. */
  async holdConference(manager: EntityManager, id: string): Promise<boolean> {
    return (await manager.query(`SELECT 1 FROM conference WHERE id = $1 FOR SHARE`, [id])).length > 0;
  }

  async conferenceTimeZone(manager: EntityManager, id: string): Promise<string | null> {
    const [{ timeZone }] = await manager.query(`SELECT time_zone AS "timeZone" FROM conference WHERE id = $1`, [id]);
    return timeZone;
  }

  // Slots

  async slot(id: string, manager: EntityManager = this.dataSource.manager): Promise<SlotView | null> {
    const [slot] = await manager.query(`${SLOT_VIEW} WHERE s.id = $1`, [id]);
    return slot ?? null;
  }

  async slotsOf(conferenceId: string): Promise<SlotView[]> {
    return this.dataSource.query(`${SLOT_VIEW} WHERE s.conference_id = $1 ORDER BY s.starts_at NULLS LAST, s.title, s.id`, [conferenceId]);
  }

  /**
   * Locks the slot's row for the rest of the transaction: a change then queues behind (and ahead of)
   * invitations, which lock it too. Returns the slot's conference, or null when there is no such slot.
   */
  async lockSlot(manager: EntityManager, id: string): Promise<{ conferenceId: string } | null> {
    const [locked] = await manager.query(`SELECT conference_id AS "conferenceId" FROM slot WHERE id = $1 FOR UPDATE`, [id]);
    return locked ?? null;
  }

  /** `startsAt` is the instant, already resolved; returns the new slot's id. */
  async insertSlot(manager: EntityManager, conferenceId: string, dto: CreateSlotDto, startsAt: string | null): Promise<string> {
    const [{ id }] = await manager.query(
      `INSERT INTO slot (conference_id, title, talk_type, seats, topic, starts_at, duration_minutes, room, respond_within_days,
                         self_nomination_allowed)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
      [
        conferenceId,
        dto.title,
        dto.talkType,
        dto.seats ?? 1,
        dto.topic ?? null,
        startsAt,
        dto.durationMinutes ?? null,
        dto.room ?? null,
        dto.respondWithinDays ?? null,
        dto.selfNominationAllowed ?? false,
      ],
    );
    return id;
  }

  /** Writes the fields the change gives (a null clears the optional ones); `startsAt` is the resolved instant, undefined to keep it. */
  async updateSlot(manager: EntityManager, id: string, dto: UpdateSlotDto, startsAt: string | null | undefined): Promise<void> {
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
      [
        id,
        dto.title ?? null,
        dto.talkType ?? null,
        dto.seats ?? null,
        dto.topic !== undefined,
        dto.topic ?? null,
        startsAt !== undefined,
        startsAt ?? null,
        dto.durationMinutes !== undefined,
        dto.durationMinutes ?? null,
        dto.room !== undefined,
        dto.room ?? null,
        dto.respondWithinDays !== undefined,
        dto.respondWithinDays ?? null,
        dto.selfNominationAllowed ?? null,
      ],
    );
  }
}
