import { HttpStatus, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../auth/actor';
import { Page } from '../common/pagination';
import { conflict, notFound, ProblemException, unprocessable } from '../common/problem';
import {
  followUpCodeMatches,
  hashFollowUpCode,
  IncidentDecryptionError,
  IncidentKeys,
  newFollowUpCode,
  open,
  reporterLookup,
  seal,
  SealedField,
} from './incident-crypto';
import { IncidentKeyring } from './incident-keyring';
import { IncidentLifecycle } from './incident-lifecycle';
import { nextStatuses } from './incident-status';
import { IncidentEntryKind } from './incident.entity';
import {
  AddInformationDto,
  ChangeIncidentStatusDto,
  FiledIncidentView,
  FileIncidentDto,
  FollowUpNoteDto,
  IncidentEntryCreatedView,
  IncidentListQuery,
  IncidentSummaryView,
  IncidentView,
  OwnIncidentView,
} from './incidents.dto';
import { IncidentsRepository } from './incidents.repository';

/**
 * Confidential harassment reports. Reporter-side actions (filing, adding information) are audited
 * without an actor: who reported is itself confidential, known only to the contact through the
 * encrypted reporter link. Contact-side actions are audited with the contact as actor. The audit log
 * never holds content.
 */
@Injectable()
export class IncidentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly incidents: IncidentsRepository,
    private readonly audit: AuditService,
    private readonly keyring: IncidentKeyring,
    private readonly lifecycle: IncidentLifecycle,
  ) {}

  async file(dto: FileIncidentDto, actor: Actor): Promise<FiledIncidentView> {
    const keys = this.keyring.keys();
    if (dto.occurredOn && dto.occurredOn > latestPossibleDate()) {
      throw unprocessable('occurredOn is in the future', [{ field: 'occurredOn', message: 'must not be in the future' }]);
    }
    const id = randomUUID();
    const followUpCode = newFollowUpCode();
    const anonymous = dto.anonymous ?? false;
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.incidents.conferenceExists(manager, dto.conferenceId))) {
        throw unprocessable(`conference ${dto.conferenceId} does not exist`, [{ field: 'conferenceId', message: 'does not exist' }]);
      }
      await this.incidents.insertIncident(manager, {
        id,
        conferenceId: dto.conferenceId,
        occurredOn: dto.occurredOn ?? null,
        anonymous,
        description: seal(keys.encryption, dto.description, id, 'description'),
        concerns: dto.concerns === undefined ? null : seal(keys.encryption, dto.concerns, id, 'concerns'),
        // Anonymous: the reporter is not written anywhere, not even encrypted.
        reporter: anonymous ? null : seal(keys.encryption, actor.id, id, 'reporter'),
        reporterLookup: anonymous ? null : reporterLookup(keys, actor.id),
        followUpCodeHash: hashFollowUpCode(followUpCode),
      });
      await this.audit.record(manager, null, { action: 'incident.file', entity: 'incident', entityId: id });
    });
    return { id, followUpCode, anonymous, status: 'received' };
  }

  /** The reporter adds information with the follow-up code; the addition is attributed to nobody. */
  async addInformation(id: string, dto: AddInformationDto): Promise<IncidentEntryCreatedView> {
    const keys = this.keyring.keys();
    return this.dataSource.transaction(async (manager) => {
      const incident = await this.incidents.lockIncidentForReporter(manager, id);
      if (!incident) throw notFound('incident', id);
      if (!followUpCodeMatches(dto.followUpCode, incident.codeHash)) {
        throw new ProblemException(HttpStatus.FORBIDDEN, 'The follow-up code does not belong to this report');
      }
      if (incident.status === 'closed') {
        throw conflict('This report is closed; please file a new report with the new information');
      }
      const entry = await this.addEntry(manager, keys, id, 'addition', null, dto.text);
      await this.audit.record(manager, null, { action: 'incident.add-information', entity: 'incident', entityId: id });
      return entry;
    });
  }

  /** A named reporter's own reports: status only. */
  async mine(actor: Actor, limit: number, offset: number): Promise<Page<OwnIncidentView>> {
    const lookup = reporterLookup(this.keyring.keys(), actor.id);
    const { items, total } = await this.incidents.reportsOf(lookup, limit, offset);
    return { items, total, limit, offset };
  }

  async list(query: IncidentListQuery): Promise<Page<IncidentSummaryView>> {
    this.keyring.keys();
    const { items, total } = await this.incidents.incidents(query);
    return { items, total, limit: query.limit, offset: query.offset };
  }

  /** Opens a report for the contact; the opening itself is audited (who read which report, never what). */
  async read(id: string, actor: Actor): Promise<IncidentView> {
    const keys = this.keyring.keys();
    return this.dataSource.transaction(async (manager) => {
      const row = await this.incidents.sealedIncident(manager, id);
      if (!row) throw notFound('incident', id);
      const entries = await this.incidents.entries(manager, id);
      const opened = (sealed: Buffer, field: SealedField) => decrypt(keys, sealed, id, field);
      const reporterId = row.reporter ? opened(row.reporter, 'reporter') : null;
      const account = reporterId ? await this.incidents.account(manager, reporterId) : undefined;
      await this.audit.record(manager, actor, { action: 'incident.read', entity: 'incident', entityId: id });
      const { description, concerns, reporter: _sealedReporter, ...summary } = row;
      return {
        ...summary,
        description: opened(description, 'description'),
        concerns: concerns ? opened(concerns, 'concerns') : null,
        reporter: reporterId ? { id: reporterId, name: account?.name ?? null, email: account?.email ?? null } : null,
        nextStatuses: [...nextStatuses(row.status)],
        additions: entries.filter((e) => e.kind === 'addition').map((e) => ({ at: e.at, text: opened(e.body!, 'addition') })),
        notes: entries.filter((e) => e.kind === 'note').map((e) => ({ at: e.at, authorId: e.authorId, text: opened(e.body!, 'note') })),
        history: entries
          .filter((e) => e.kind === 'status_change')
          .map((e) => ({
            at: e.at,
            authorId: e.authorId,
            from: e.fromStatus!,
            to: e.toStatus!,
            action: e.body ? opened(e.body, 'action') : null,
          })),
      };
    });
  }

  async addNote(id: string, dto: FollowUpNoteDto, actor: Actor): Promise<IncidentEntryCreatedView> {
    const keys = this.keyring.keys();
    return this.dataSource.transaction(async (manager) => {
      if (!(await this.incidents.lockIncident(manager, id))) throw notFound('incident', id);
      const entry = await this.addEntry(manager, keys, id, 'note', actor.id, dto.text);
      await this.audit.record(manager, actor, { action: 'incident.note', entity: 'incident', entityId: id });
      return entry;
    });
  }

  async changeStatus(id: string, dto: ChangeIncidentStatusDto, actor: Actor): Promise<IncidentSummaryView> {
    const keys = this.keyring.keys();
    return this.dataSource.transaction(async (manager) => {
      await this.lifecycle.changeIncidentStatus(manager, keys, {
        incidentId: id,
        to: dto.status,
        as: 'contact',
        actor,
        action: dto.action,
        expectedVersion: dto.version,
      });
      return this.incidents.incidentSummary(manager, id);
    });
  }

  private async addEntry(
    manager: EntityManager,
    keys: IncidentKeys,
    incidentId: string,
    kind: Extract<IncidentEntryKind, 'addition' | 'note'>,
    authorId: string | null,
    text: string,
  ): Promise<IncidentEntryCreatedView> {
    const entry = await this.incidents.insertEntry(manager, {
      incidentId,
      kind,
      authorId,
      body: seal(keys.encryption, text, incidentId, kind),
    });
    return { id: entry.id, incidentId, at: entry.at };
  }
}

function decrypt(keys: IncidentKeys, sealed: Buffer, incidentId: string, field: SealedField): string {
  try {
    return open(keys.encryption, sealed, incidentId, field);
  } catch (error) {
    if (!(error instanceof IncidentDecryptionError)) throw error;
    throw new ProblemException(
      HttpStatus.INTERNAL_SERVER_ERROR,
      'A stored report could not be decrypted with the configured INCIDENT_KEY (was the key changed, or the row altered?)',
    );
  }
}

/** Reports come from every time zone: a date is in the future only once it is tomorrow everywhere. */
function latestPossibleDate(): string {
  return new Date(Date.now() + 14 * 3600_000).toISOString().slice(0, 10);
}
