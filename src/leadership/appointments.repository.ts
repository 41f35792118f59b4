// The SQL of appointments. Reads leadership_position, leadership_appointment, member, the member
// histories (member_career_stage_at, member_institute_at), institute and institute_region; writes
// leadership_appointment (on the caller's transaction).
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { CareerStage } from '../common/enums';
import { StatementParts } from '../database/sql';
import { pageWithTotal } from '../database/statements';
import { AppointmentQuery, AppointmentView } from './appointments.dto';
import { PositionTerms, Tenure } from './term-rules';

export interface LockedPosition extends PositionTerms {
  id: string;
}

export interface StoredTenure extends Tenure {
  positionId: string;
}

/** A member as they stood on the first day of a proposed appointment. */
export interface HolderOnDay {
  index: number;
  memberId: string | null;
  name: string | null;
  joinedOn: string | null;
  leftOn: string | null;
  careerStage: CareerStage | null;
  instituteId: string | null;
  regionCode: string | null;
}

export interface NewAppointmentRow {
  positionId: string;
  memberId: string;
  startsOn: string;
  endsOn: string | null;
  careerStage: string;
  instituteId: string;
  regionCode: string;
  source: 'direct' | 'call' | 'import';
  callId: string | null;
  overriddenRules: string[];
  overrideReason: string | null;
}

/** An appointment as everyone reads it; `gender` is added for admins only (withGender). */
const APPOINTMENT_COLUMNS = `
  a.id, a.position_id AS "positionId", p.title AS "positionTitle", p.level, p.area, p.kind,
  a.member_id AS "memberId", m.name AS "memberName", a.starts_on AS "startsOn", a.ends_on AS "endsOn",
  a.term_ends_on AS "termEndsOn",
  a.career_stage AS "careerStage", a.institute_id AS "instituteId", i.name AS "instituteName", a.region_code AS region,
  a.source, a.call_id AS "callId", a.overridden_rules AS "overriddenRules", a.override_reason AS "overrideReason",
  a.end_reason AS "endReason", a.created_at AS "createdAt", a.updated_at AS "updatedAt", a.version`;

const APPOINTMENT_FROM = `
  FROM leadership_appointment a
  JOIN leadership_position p ON p.id = a.position_id
  JOIN member m ON m.id = a.member_id
  JOIN institute i ON i.id = a.institute_id`;

const columns = (withGender: boolean) => (withGender ? `${APPOINTMENT_COLUMNS}, m.gender` : APPOINTMENT_COLUMNS);

@Injectable()
export class AppointmentsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The positions, locked until the transaction ends, so two appointments cannot both take the last seat. */
  async lockPositions(manager: EntityManager, ids: string[]): Promise<LockedPosition[]> {
    return manager.query(
      `SELECT id, title, term_years AS "termYears", max_terms AS "maxTerms", seats
       FROM leadership_position WHERE id = ANY ($1::uuid[]) ORDER BY id FOR UPDATE`,
      [ids],
    );
  }

  async tenuresOf(manager: EntityManager, positionIds: string[]): Promise<StoredTenure[]> {
    return manager.query(
      `SELECT position_id AS "positionId", member_id AS "memberId", starts_on AS "startsOn", ends_on AS "endsOn"
       FROM leadership_appointment WHERE position_id = ANY ($1::uuid[])`,
      [positionIds],
    );
  }

  /** Each proposed holder's career stage, institute and region on the day their term begins, as talks record them. */
  async holdersOnDay(manager: EntityManager, asked: Array<{ index: number; memberId: string; startsOn: string }>): Promise<HolderOnDay[]> {
    return manager.query(
      `SELECT r.index, m.id AS "memberId", m.name, m.joined_on AS "joinedOn", m.left_on AS "leftOn",
              COALESCE(member_career_stage_at(m.id, r.starts_on), m.career_stage) AS "careerStage",
              ir.institute_id AS "instituteId", ir.region_code AS "regionCode"
       FROM jsonb_to_recordset($1::jsonb) AS r(index int, member_id uuid, starts_on date)
       LEFT JOIN member m ON m.id = r.member_id
       LEFT JOIN institute_region ir ON ir.institute_id = COALESCE(member_institute_at(m.id, r.starts_on), m.institute_id)
       ORDER BY r.index`,
      [JSON.stringify(asked.map((a) => ({ index: a.index, member_id: a.memberId, starts_on: a.startsOn })))],
    );
  }

  async insertAppointments(
    manager: EntityManager,
    rows: NewAppointmentRow[],
    actorId: string | null,
  ): Promise<Array<{ id: string; positionId: string; memberId: string; startsOn: string }>> {
    return manager.query(
      `INSERT INTO leadership_appointment (position_id, member_id, starts_on, ends_on, term_ends_on, career_stage, institute_id,
                                           region_code, source, call_id, overridden_rules, override_reason, created_by)
       SELECT r.position_id, r.member_id, r.starts_on, r.ends_on, (r.starts_on + make_interval(years => p.term_years))::date,
              r.career_stage, r.institute_id, r.region_code, r.source, r.call_id,
              COALESCE(string_to_array(NULLIF(r.rules, ''), ','), '{}'), r.override_reason, $2
       FROM jsonb_to_recordset($1::jsonb) AS r(position_id uuid, member_id uuid, starts_on date, ends_on date, career_stage text,
                                              institute_id uuid, region_code text, source text, call_id uuid, rules text,
                                              override_reason text)
       JOIN leadership_position p ON p.id = r.position_id
       RETURNING id, position_id AS "positionId", member_id AS "memberId", starts_on AS "startsOn"`,
      [
        JSON.stringify(
          rows.map((r) => ({
            position_id: r.positionId,
            member_id: r.memberId,
            starts_on: r.startsOn,
            ends_on: r.endsOn,
            career_stage: r.careerStage,
            institute_id: r.instituteId,
            region_code: r.regionCode,
            source: r.source,
            call_id: r.callId,
            rules: r.overriddenRules.join(','),
            override_reason: r.overrideReason,
          })),
        ),
        actorId,
      ],
    );
  }

  /** The appointment's dates and version, locked until the transaction ends. */
  async lockAppointment(
    manager: EntityManager,
    id: string,
  ): Promise<{ startsOn: string; endsOn: string | null; version: number } | undefined> {
    const [row] = await manager.query(
      `SELECT starts_on AS "startsOn", ends_on AS "endsOn", version FROM leadership_appointment WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return row;
  }

  async endAppointment(manager: EntityManager, id: string, endsOn: string, reason: string | null): Promise<void> {
    await manager.query(
      `UPDATE leadership_appointment SET ends_on = $2, end_reason = $3, version = version + 1, updated_at = now() WHERE id = $1`,
      [id, endsOn, reason],
    );
  }

  async appointment(
    id: string,
    withGender: boolean,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<AppointmentView | undefined> {
    const [row] = await manager.query(`SELECT ${columns(withGender)} ${APPOINTMENT_FROM} WHERE a.id = $1`, [id]);
    return row;
  }

  appointments(q: AppointmentQuery, withGender: boolean): Promise<{ items: AppointmentView[]; total: number }> {
    const filter = (p: StatementParts) => {
      const [position, member, level, area, on] = [
        p.add(q.positionId ?? null, 'uuid'),
        p.add(q.memberId ?? null, 'uuid'),
        p.add(q.level ?? null, 'text'),
        p.add(q.area ?? null, 'text'),
        p.add(q.on ?? null, 'date'),
      ];
      return `WHERE (${position} IS NULL OR a.position_id = ${position}) AND (${member} IS NULL OR a.member_id = ${member})
          AND (${level} IS NULL OR p.level = ${level}) AND (${area} IS NULL OR p.area = ${area})
          AND (${on} IS NULL OR (a.starts_on <= ${on} AND (a.ends_on IS NULL OR a.ends_on > ${on})))`;
    };
    return pageWithTotal(
      this.dataSource,
      (p) => `SELECT ${columns(withGender)} ${APPOINTMENT_FROM} ${filter(p)}
              ORDER BY a.starts_on DESC, p.title, a.id LIMIT ${p.add(q.limit, 'int')} OFFSET ${p.add(q.offset, 'int')}`,
      (p) => `SELECT count(*)::int AS total ${APPOINTMENT_FROM} ${filter(p)}`,
    );
  }

  /** Position ids by lower-cased title, for the titles given. */
  async positionsTitled(manager: EntityManager, titles: string[]): Promise<Map<string, string>> {
    const rows: Array<{ title: string; id: string }> = await manager.query(
      `SELECT lower(title) AS title, id FROM leadership_position WHERE lower(title) = ANY ($1::text[])`,
      [titles],
    );
    return new Map(rows.map((p) => [p.title, p.id]));
  }

  /** Member ids by external id, for the external ids given. */
  async membersByExternalId(manager: EntityManager, externalIds: string[]): Promise<Map<string, string>> {
    const rows: Array<{ externalId: string; id: string }> = await manager.query(
      `SELECT external_id AS "externalId", id FROM member WHERE external_id = ANY ($1::text[])`,
      [externalIds],
    );
    return new Map(rows.map((m) => [m.externalId, m.id]));
  }
}
