import { HttpStatus, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../auth/actor';
import { Page } from '../common/pagination';
import { conflict, notFound, ProblemException, unprocessable } from '../common/problem';
import { IncidentDecryptionError, open, seal } from './incident-crypto';
import { IncidentKeyring } from './incident-keyring';
import { checkMove } from '../common/lifecycle';
import {
  ChangeDiversityOfficeMessageDto,
  DO_MESSAGE_TRANSITIONS,
  DiversityOfficeMessageQuery,
  DiversityOfficeMessageStatus,
  DiversityOfficeMessageReceivedView,
  DiversityOfficeMessageView,
  SendDiversityOfficeMessageDto,
} from './diversity-office.dto';
import { IncidentsRepository } from './incidents.repository';

const FIELD = 'diversity-office-message';

/**
 * The diversity office's anonymous box ("an anonymous message box reaching the DO co-chairs"). Anyone
 * signed in may write; only the role do-chair reads, which is neither the conference contact nor an
 * admin. Nothing of the sender is kept: no account, no request id, only the day. The audit log records
 * that a message arrived, without the actor and without the message's id, so its entry cannot be tied
 * to the message either; the co-chairs' reading and status changes are audited with their names.
 */
@Injectable()
export class DiversityOfficeService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly incidents: IncidentsRepository,
    private readonly audit: AuditService,
    private readonly keyring: IncidentKeyring,
  ) {}

  async send(dto: SendDiversityOfficeMessageDto): Promise<DiversityOfficeMessageReceivedView> {
    const keys = this.keyring.keys();
    const id = randomUUID();
    return this.dataSource.transaction(async (manager) => {
      if (dto.conferenceId) {
        if (!(await this.incidents.conferenceExists(manager, dto.conferenceId))) {
          throw unprocessable(`conference ${dto.conferenceId} does not exist`, [{ field: 'conferenceId', message: 'does not exist' }]);
        }
      }
      const receivedOn = await this.incidents.insertMessage(manager, {
        id,
        body: seal(keys.encryption, dto.text, id, FIELD),
        conferenceId: dto.conferenceId ?? null,
      });
      await this.audit.record(manager, null, { action: 'diversity-office.message', entity: 'diversity_office_message' });
      return { receivedOn };
    });
  }

  /** The box, newest day first; reading it is audited (who read, never what). */
  async list(query: DiversityOfficeMessageQuery, actor: Actor): Promise<Page<DiversityOfficeMessageView>> {
    const keys = this.keyring.keys();
    return this.dataSource.transaction(async (manager) => {
      const rows = await this.incidents.messages(manager, query);
      await this.audit.record(manager, actor, {
        action: 'diversity-office.read',
        entity: 'diversity_office_message',
        after: { messages: rows.map((r) => r.id) },
      });
      return {
        items: rows.map(({ body, total: _total, ...message }) => ({ ...message, text: decrypt(keys.encryption, body, message.id) })),
        total: rows[0]?.total ?? 0,
        limit: query.limit,
        offset: query.offset,
      };
    });
  }

  /** The one place a message's status changes: new -> dealt_with, and back when it needs more. */
  async changeStatus(id: string, dto: ChangeDiversityOfficeMessageDto, actor: Actor): Promise<DiversityOfficeMessageView> {
    const keys = this.keyring.keys();
    return this.dataSource.transaction(async (manager) => {
      const current = await this.incidents.lockMessage(manager, id);
      if (!current) throw notFound('Message', id);
      if (dto.version !== undefined && dto.version !== current.version) {
        throw conflict(`The message changed since you read it (version ${dto.version}, now ${current.version}); reload it`, {
          currentVersion: current.version,
          currentStatus: current.status,
        });
      }
      if (!checkMove(DO_MESSAGE_TRANSITIONS, current.status as DiversityOfficeMessageStatus, dto.status, ['do-chair']).allowed) {
        throw conflict(`A message that is ${current.status} cannot become ${dto.status}`, { currentStatus: current.status });
      }
      await this.incidents.updateMessageStatus(manager, id, dto.status);
      await this.audit.record(manager, actor, {
        action: 'diversity-office.status',
        entity: 'diversity_office_message',
        entityId: id,
        before: { status: current.status, version: current.version },
        after: { status: dto.status, version: current.version + 1 },
      });
      const { body, ...message } = await this.incidents.message(manager, id);
      return { ...message, text: decrypt(keys.encryption, body, id) };
    });
  }
}

function decrypt(key: Buffer, body: Buffer, id: string): string {
  try {
    return open(key, body, id, FIELD);
  } catch (error) {
    if (!(error instanceof IncidentDecryptionError)) throw error;
    throw new ProblemException(
      HttpStatus.INTERNAL_SERVER_ERROR,
      'A stored message could not be decrypted with the configured INCIDENT_KEY (was the key changed, or the row altered?)',
    );
  }
}
