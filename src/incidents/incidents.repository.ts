// The SQL of confidential reports and the diversity office's box. Reads incident, incident_entry,
// diversity_office_message, conference and app_user (a named reporter's account); writes incident,
// incident_entry and diversity_office_message (on the caller's transaction). Content arrives and
// leaves sealed: sealing and opening are the services' (incident-crypto.ts), never SQL's.
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { StatementParts } from '../database/sql';
import { pageWithTotal } from '../database/statements';
import { DiversityOfficeMessageQuery, DiversityOfficeMessageView } from './diversity-office.dto';
import { IncidentStatus } from './incident-status';
import { Incident, IncidentEntry, IncidentEntryKind } from './incident.entity';
import { IncidentListQuery, IncidentSummaryView, OwnIncidentView } from './incidents.dto';

// What the contact sees of a report without opening it: no decrypted content.
const SUMMARY = `
  SELECT i.id, i.conference_id AS "conferenceId", c.name AS "conferenceName", i.status, i.anonymous,
         i.occurred_on AS "occurredOn", i.version, i.received_at AS "receivedAt", i.updated_at AS "updatedAt",
         (SELECT count(*) FROM incident_entry e WHERE e.incident_id = i.id AND e.kind = 'addition') AS "additionCount",
         (SELECT count(*) FROM incident_entry e WHERE e.incident_id = i.id AND e.kind = 'note') AS "noteCount"
  FROM incident i JOIN conference c ON c.id = i.conference_id`;

export interface SealedIncident extends IncidentSummaryView {
  description: Buffer;
  concerns: Buffer | null;
  reporter: Buffer | null;
}

export interface SealedMessage extends Omit<DiversityOfficeMessageView, 'text'> {
  body: Buffer;
}

const MESSAGE_COLUMNS = `d.id, d.body, d.conference_id AS "conferenceId", c.name AS "conferenceName", d.received_on AS "receivedOn",
                d.status, d.version`;

@Injectable()
export class IncidentsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async conferenceExists(manager: EntityManager, id: string): Promise<boolean> {
    const found = await manager.query(`SELECT 1 FROM conference WHERE id = $1`, [id]);
    return found.length > 0;
  }

  // Reports.

  async insertIncident(manager: EntityManager, incident: Omit<Incident, 'status' | 'version' | 'receivedAt' | 'updatedAt'>): Promise<void> {
    await manager.getRepository(Incident).insert(incident);
  }

  /** The report's status and follow-up code hash, locked until the transaction ends. */
  async lockIncidentForReporter(manager: EntityManager, id: string): Promise<{ status: IncidentStatus; codeHash: string } | undefined> {
    const [incident] = await manager.query(`SELECT status, follow_up_code_hash AS "codeHash" FROM incident WHERE id = $1 FOR UPDATE`, [id]);
    return incident;
  }

  /** Whether the report exists, locking it until the transaction ends. */
  async lockIncident(manager: EntityManager, id: string): Promise<boolean> {
    const [incident] = await manager.query(`SELECT 1 FROM incident WHERE id = $1 FOR UPDATE`, [id]);
    return incident !== undefined;
  }

  /** The report's status and version, locked until the transaction ends. */
  async lockIncidentStatus(manager: EntityManager, id: string): Promise<{ status: IncidentStatus; version: number } | undefined> {
    const [current] = await manager.query<{ status: IncidentStatus; version: number }[]>(
      `SELECT status, version FROM incident WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return current;
  }

  /** The reports a named reporter filed, found by their keyed lookup value. */
  async reportsOf(lookup: Buffer, limit: number, offset: number): Promise<{ items: OwnIncidentView[]; total: number }> {
    const [[{ total }], items] = await Promise.all([
      this.dataSource.query(`SELECT count(*) AS total FROM incident WHERE reporter_lookup = $1`, [lookup]),
      this.dataSource.query(
        `SELECT id, conference_id AS "conferenceId", status, received_at AS "receivedAt", updated_at AS "updatedAt"
         FROM incident WHERE reporter_lookup = $1 ORDER BY received_at DESC, id LIMIT $2 OFFSET $3`,
        [lookup, limit, offset],
      ),
    ]);
    return { items, total };
  }

  /** A page of reports, newest first, and the total of the filtered list. */
  incidents(q: IncidentListQuery): Promise<{ items: IncidentSummaryView[]; total: number }> {
    const filter = (p: StatementParts) => {
      const [status, conference] = [p.add(q.status ?? null, 'text'), p.add(q.conferenceId ?? null, 'uuid')];
      return `WHERE (${status} IS NULL OR i.status = ${status}) AND (${conference} IS NULL OR i.conference_id = ${conference})`;
    };
    return pageWithTotal(
      this.dataSource,
      (p) => `${SUMMARY} ${filter(p)} ORDER BY i.received_at DESC, i.id LIMIT ${p.add(q.limit, 'int')} OFFSET ${p.add(q.offset, 'int')}`,
      (p) => `SELECT count(*) AS total FROM incident i ${filter(p)}`,
    );
  }

  async incidentSummary(manager: EntityManager, id: string): Promise<IncidentSummaryView> {
    const [summary] = await manager.query(`${SUMMARY} WHERE i.id = $1`, [id]);
    return summary;
  }

  /** The report's summary with its sealed content. */
  async sealedIncident(manager: EntityManager, id: string): Promise<SealedIncident | undefined> {
    const [row] = await manager.query<SealedIncident[]>(
      `SELECT s.*, i.description, i.concerns, i.reporter FROM (${SUMMARY} WHERE i.id = $1) s JOIN incident i USING (id)`,
      [id],
    );
    return row;
  }

  /** The report's entries (additions, notes, status changes), oldest first. */
  entries(manager: EntityManager, incidentId: string): Promise<IncidentEntry[]> {
    return manager.getRepository(IncidentEntry).find({ where: { incidentId }, order: { at: 'ASC', id: 'ASC' } });
  }

  async account(manager: EntityManager, userId: string): Promise<{ name: string | null; email: string | null } | undefined> {
    const [account] = await manager.query(`SELECT name, email FROM app_user WHERE id = $1`, [userId]);
    return account;
  }

  /** An addition or note (its body sealed); the report counts as updated. */
  async insertEntry(
    manager: EntityManager,
    entry: {
      incidentId: string;
      kind: Extract<IncidentEntryKind, 'addition' | 'note'>;
      authorId: string | null;
      body: Buffer;
    },
  ): Promise<{ id: string; at: Date }> {
    const [created] = await manager.query(
      `INSERT INTO incident_entry (incident_id, kind, author_id, body) VALUES ($1, $2, $3, $4) RETURNING id::text, at`,
      [entry.incidentId, entry.kind, entry.authorId, entry.body],
    );
    await manager.query(`UPDATE incident SET updated_at = now() WHERE id = $1`, [entry.incidentId]);
    return created;
  }

  /** The new status and its history entry (the action sealed, when one was given). */
  async recordStatusChange(
    manager: EntityManager,
    change: {
      incidentId: string;
      from: IncidentStatus;
      to: IncidentStatus;
      authorId: string;
      action: Buffer | null;
    },
  ): Promise<void> {
    await manager.query(`UPDATE incident SET status = $2, version = version + 1, updated_at = now() WHERE id = $1`, [
      change.incidentId,
      change.to,
    ]);
    await manager.getRepository(IncidentEntry).insert({
      incidentId: change.incidentId,
      kind: 'status_change',
      authorId: change.authorId,
      fromStatus: change.from,
      toStatus: change.to,
      body: change.action,
    });
  }

  // The diversity office's box.

  async insertMessage(manager: EntityManager, message: { id: string; body: Buffer; conferenceId: string | null }): Promise<string> {
    const [row] = await manager.query<Array<{ receivedOn: string }>>(
      `INSERT INTO diversity_office_message (id, body, conference_id) VALUES ($1, $2, $3) RETURNING received_on AS "receivedOn"`,
      [message.id, message.body, message.conferenceId],
    );
    return row.receivedOn;
  }

  /** A page of the box, newest day first, each row with the total of the filtered box. */
  messages(manager: EntityManager, q: DiversityOfficeMessageQuery): Promise<Array<SealedMessage & { total: number }>> {
    const p = new StatementParts();
    const status = p.add(q.status ?? null, 'text');
    const query = p.query(
      `SELECT ${MESSAGE_COLUMNS}, count(*) OVER ()::int AS total
       FROM diversity_office_message d LEFT JOIN conference c ON c.id = d.conference_id
       WHERE ${status} IS NULL OR d.status = ${status}
       ORDER BY d.received_on DESC, d.id
       LIMIT ${p.add(q.limit, 'int')} OFFSET ${p.add(q.offset, 'int')}`,
    );
    return manager.query(query.text, query.values);
  }

  async message(manager: EntityManager, id: string): Promise<SealedMessage> {
    const [row] = await manager.query<SealedMessage[]>(
      `SELECT ${MESSAGE_COLUMNS}
       FROM diversity_office_message d LEFT JOIN conference c ON c.id = d.conference_id WHERE d.id = $1`,
      [id],
    );
    return row;
  }

  /** The message's status and version, locked until the transaction ends. */
  async lockMessage(manager: EntityManager, id: string): Promise<{ status: string; version: number } | undefined> {
    const [current] = await manager.query(`SELECT status, version FROM diversity_office_message WHERE id = $1 FOR UPDATE`, [id]);
    return current;
  }

  async updateMessageStatus(manager: EntityManager, id: string, status: string): Promise<void> {
    await manager.query(`UPDATE diversity_office_message SET status = $2, version = version + 1 WHERE id = $1`, [id, status]);
  }
}
