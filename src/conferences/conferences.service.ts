import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../auth/actor';
import { Page } from '../common/pagination';
import { conflict, notFound, unprocessable } from '../common/problem';
import { Conference } from './conference.entity';
import { ConferenceFields, ConferencesRepository } from './conferences.repository';
import { ConferenceQuery, ConferenceView, ConferenceWithSlotsView, CreateConferenceDto, UpdateConferenceDto } from './conferences.dto';
import { SlotsService } from './slots.service';

@Injectable()
export class ConferencesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly conferences: ConferencesRepository,
    private readonly audit: AuditService,
    private readonly slots: SlotsService,
  ) {}

  async create(dto: CreateConferenceDto, actor: Actor): Promise<ConferenceView> {
    checkDates(dto.startDate, dto.endDate);
    return this.dataSource.transaction(async (manager) => {
      const conference = await saveNamedOnce(dto.name, dto.startDate, () => this.conferences.insertConference(manager, fields(dto)));
      const view = toView(conference);
      await this.audit.record(manager, actor, { action: 'conference.create', entity: 'conference', entityId: view.id, after: view });
      return view;
    });
  }

  async update(id: string, dto: UpdateConferenceDto, actor: Actor): Promise<ConferenceView> {
    return this.dataSource.transaction(async (manager) => {
      const current = await this.conferences.lockedConference(manager, id);
      if (!current) throw notFound('Conference', id);
      const before = toView(current);
      const next = { ...before, ...given(dto) };
      checkDates(next.startDate, next.endDate);
      const saved = await saveNamedOnce(next.name, next.startDate, () => this.conferences.updateConference(manager, current, fields(next)));
      const after = toView(saved);
      await this.audit.record(manager, actor, { action: 'conference.update', entity: 'conference', entityId: id, before, after });
      return after;
    });
  }

  async get(id: string): Promise<ConferenceWithSlotsView> {
    const conference = await this.conferences.conference(id);
    if (!conference) throw notFound('Conference', id);
    return { ...toView(conference), slots: await this.slots.listForConference(id) };
  }

  async list(query: ConferenceQuery): Promise<Page<ConferenceView>> {
    const [items, total] = await this.conferences.conferencesPage({
      from: query.from,
      to: query.to,
      tier: query.tier,
      namePattern: query.q ? `%${escapeLike(query.q)}%` : undefined,
      limit: query.limit,
      offset: query.offset,
    });
    return { items: items.map(toView), total, limit: query.limit, offset: query.offset };
  }

  /** 404 unless the conference exists; used by the nested routes of slots and talks. */
  async mustExist(id: string, manager: EntityManager = this.dataSource.manager): Promise<void> {
    if (!(await this.conferences.conferenceExists(id, manager))) throw notFound('Conference', id);
  }
}

export function toView(c: Conference): ConferenceView {
  return {
    id: c.id,
    name: c.name,
    startDate: c.startDate,
    endDate: c.endDate,
    country: c.country,
    tier: c.tier,
    url: c.url,
    city: c.city,
    timeZone: c.timeZone,
    respondWithinDays: c.respondWithinDays,
  };
}

/** The stored fields of a conference as created or changed; the optional ones null when not given. */
function fields(c: CreateConferenceDto | ConferenceView): ConferenceFields {
  return {
    name: c.name,
    startDate: c.startDate,
    endDate: c.endDate,
    country: c.country ?? null,
    tier: c.tier,
    url: c.url ?? null,
    city: c.city ?? null,
    timeZone: c.timeZone ?? null,
    respondWithinDays: c.respondWithinDays ?? null,
  };
}

function checkDates(startDate: string, endDate: string): void {
  if (endDate < startDate) {
    throw unprocessable('The conference cannot end before it starts', [
      { field: 'endDate', message: `endDate ${endDate} is before startDate ${startDate}` },
    ]);
  }
}

/** A conference is known by its name and year: a second one of the same name in that year is a conflict. */
async function saveNamedOnce(name: string, startDate: string, save: () => Promise<Conference>): Promise<Conference> {
  try {
    return await save();
  } catch (error) {
    if (error instanceof QueryFailedError && (error.driverError as { constraint?: string })?.constraint === 'conference_name_year_key') {
      throw conflict(`A conference named "${name}" already exists in ${startDate.slice(0, 4)}`);
    }
    throw error;
  }
}

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The fields a PATCH body actually sent (absent ones may exist as undefined class fields). */
export function given<T extends object>(dto: T): Partial<T> {
  return Object.fromEntries(Object.entries(dto).filter(([, value]) => value !== undefined)) as Partial<T>;
}
