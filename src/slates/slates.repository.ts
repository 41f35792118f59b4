// The SQL of slate suggestions. Reads slate_suggestion, conference, slot, allocation, nomination,
// rank_policy, member (genders, for the optimiser only) and region. Writes slate_suggestion (on the
// caller's transaction).
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Gender } from '../common/enums';
import { SlateInputs, SlateResult } from './slate-inputs';
import { SlateSuggestion } from './slate-suggestion.entity';
import { SlateSuggestionSummary } from './slates.dto';

export interface StoredSuggestion {
  id: string;
  conferenceId: string;
  policyVersion: number;
  inputs: SlateInputs;
  result: SlateResult;
  genderSnapshot: Record<string, Gender> | null;
  createdBy: string | null;
  createdAt: Date;
  acceptedAt: Date | null;
}

/** A suggestion as its acceptance reads it, locked (snake_case: the stored row). */
export interface LockedSuggestion {
  id: string;
  conference_id: string;
  policy_version: number;
  inputs: SlateInputs;
  result: SlateResult;
  accepted_at: Date | null;
}

export interface OpenNomination {
  id: string;
  slot_id: string;
  member_id: string;
  status: string;
}

export interface Seat {
  slotId: string;
  memberId: string;
}

@Injectable()
export class SlatesRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insertSuggestion(
    manager: EntityManager,
    s: {
      conferenceId: string;
      policyVersion: number;
      inputs: SlateInputs;
      genders: Record<string, Gender> | null;
      result: SlateResult;
      createdBy: string;
    },
  ): Promise<{ id: string; created_at: Date }> {
    const [row] = await manager.query(
      `INSERT INTO slate_suggestion (conference_id, policy_version, inputs, gender_snapshot, result, created_by)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, created_at`,
      [
        s.conferenceId,
        s.policyVersion,
        JSON.stringify(s.inputs),
        s.genders && JSON.stringify(s.genders),
        JSON.stringify(s.result),
        s.createdBy,
      ],
    );
    return row;
  }

  /** The conference's suggestions, newest first; `withGenderTargeted` false leaves out those made with a gender target. */
  async suggestions(
    conferenceId: string,
    withGenderTargeted: boolean,
    limit: number,
    offset: number,
  ): Promise<{ items: SlateSuggestionSummary[]; total: number }> {
    const visible = withGenderTargeted ? 'TRUE' : `COALESCE(inputs #> '{request,gender}', 'null'::jsonb) = 'null'::jsonb`;
    const [items, [{ total }]] = await Promise.all([
      this.dataSource.query(
        `SELECT id, conference_id AS "conferenceId", (result ->> 'objective')::float8 AS objective,
                (result ->> 'targetCost')::float8 AS "targetCost", policy_version AS "policyVersion",
                to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt",
                to_char(accepted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "acceptedAt"
         FROM slate_suggestion WHERE conference_id = $1 AND ${visible}
         ORDER BY created_at DESC, id LIMIT $2 OFFSET $3`,
        [conferenceId, limit, offset],
      ),
      this.dataSource.query(`SELECT count(*)::int AS total FROM slate_suggestion WHERE conference_id = $1 AND ${visible}`, [conferenceId]),
    ]);
    return { items, total };
  }

  /** A stored suggestion; its gender snapshot (select: false) only when asked for. */
  async suggestion(id: string, withGenders: boolean): Promise<StoredSuggestion | null> {
    const query = this.dataSource.getRepository(SlateSuggestion).createQueryBuilder('s').where('s.id = :id', { id });
    if (withGenders) query.addSelect('s.genderSnapshot');
    const row = await query.getOne();
    if (!row) return null;
    return {
      id: row.id,
      conferenceId: row.conferenceId,
      policyVersion: row.policyVersion,
      inputs: row.inputs as SlateInputs,
      result: row.result as SlateResult,
      genderSnapshot: (row.genderSnapshot ?? null) as Record<string, Gender> | null,
      createdBy: row.createdBy,
      createdAt: row.createdAt,
      acceptedAt: row.acceptedAt,
    };
  }

  async lockSuggestion(manager: EntityManager, id: string): Promise<LockedSuggestion | undefined> {
    const [row] = await manager.query(
      `SELECT id, conference_id, policy_version, inputs, result, accepted_at FROM slate_suggestion WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return row;
  }

  /** The conference's slots locked, so that its allocations cannot change until the transaction ends. */
  async lockSlots(manager: EntityManager, conferenceId: string): Promise<void> {
    await manager.query(`SELECT id FROM slot WHERE conference_id = $1 ORDER BY id FOR UPDATE`, [conferenceId]);
  }

  /** The nominations of these seats still open (submitted or shortlisted), locked. */
  lockOpenNominations(manager: EntityManager, seats: Seat[]): Promise<OpenNomination[]> {
    return manager.query(
      `SELECT n.id, n.slot_id, n.member_id, n.status
       FROM nomination n
       JOIN unnest($1::uuid[], $2::uuid[]) AS w(slot_id, member_id) ON w.slot_id = n.slot_id AND w.member_id = n.member_id
       WHERE n.status IN ('submitted', 'shortlisted')
       FOR UPDATE OF n`,
      [seats.map((w) => w.slotId), seats.map((w) => w.memberId)],
    );
  }

  /** Marks the suggestion accepted, and returns when. */
  async markAccepted(manager: EntityManager, id: string, by: string): Promise<Date> {
    await manager.query(`UPDATE slate_suggestion SET accepted_at = now(), accepted_by = $2 WHERE id = $1`, [id, by]);
    const [{ accepted_at: acceptedAt }] = await manager.query(`SELECT accepted_at FROM slate_suggestion WHERE id = $1`, [id]);
    return acceptedAt;
  }

  slots(conferenceId: string): Promise<Array<{ id: string; title: string; seats: number }>> {
    return this.dataSource.query(
      `SELECT id, title, seats FROM slot WHERE conference_id = $1 ORDER BY starts_at NULLS LAST, created_at, id`,
      [conferenceId],
    );
  }

  async currentPolicyVersion(): Promise<number> {
    const [{ version }] = await this.dataSource.query(`SELECT max(version)::int AS version FROM rank_policy`);
    return version;
  }

  /** Every member ever allocated to one of the conference's slots, and whether an allocation of theirs there is active. */
  allocationHistory(conferenceId: string): Promise<Array<Seat & { active: boolean }>> {
    return this.dataSource.query(
      `SELECT a.slot_id AS "slotId", a.member_id AS "memberId", bool_or(a.status IN ('invited', 'accepted')) AS active
       FROM allocation a JOIN slot s ON s.id = a.slot_id
       WHERE s.conference_id = $1
       GROUP BY a.slot_id, a.member_id`,
      [conferenceId],
    );
  }

  activeAllocations(manager: EntityManager, conferenceId: string): Promise<Seat[]> {
    return manager.query(
      `SELECT a.slot_id AS "slotId", a.member_id AS "memberId"
       FROM allocation a JOIN slot s ON s.id = a.slot_id
       WHERE s.conference_id = $1 AND a.status IN ('invited', 'accepted')`,
      [conferenceId],
    );
  }

  /** Only for the optimiser: never returned, logged or audited. */
  async gendersOf(memberIds: string[]): Promise<Record<string, Gender>> {
    const rows: Array<{ id: string; gender: Gender }> = await this.dataSource.query(
      `SELECT id, gender FROM member WHERE id = ANY($1::uuid[])`,
      [[...new Set(memberIds)]],
    );
    return Object.fromEntries(rows.map((r) => [r.id, r.gender]));
  }

  /** Those of the codes that name a region. */
  async knownRegions(codes: string[]): Promise<Set<string>> {
    const rows: Array<{ code: string }> = await this.dataSource.query(`SELECT code FROM region WHERE code = ANY($1)`, [codes]);
    return new Set(rows.map((r) => r.code));
  }

  async conferenceExists(id: string): Promise<boolean> {
    const [row] = await this.dataSource.query(`SELECT 1 FROM conference WHERE id = $1`, [id]);
    return row !== undefined;
  }
}
