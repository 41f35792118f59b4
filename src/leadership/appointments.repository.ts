// The SQL of appointments. Reads leadership_position, leadership_appointment, member, the member
// histories (member_career_stage_at, member_institute_at), institute and institute_region; writes
// leadership_appointment.
import { EntityManager } from 'typeorm';
import { CareerStage } from '../common/enums';
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

/** The positions, locked until the transaction ends, so two appointments cannot both take the last seat. */
export async function lockPositions(manager: EntityManager, ids: string[]): Promise<LockedPosition[]> {
  return manager.query(
    `SELECT id, title, term_years AS "termYears", max_terms AS "maxTerms", seats
     FROM leadership_position WHERE id = ANY ($1::uuid[]) ORDER BY id FOR UPDATE`, [ids]);
}

export async function tenuresOf(manager: EntityManager, positionIds: string[]): Promise<StoredTenure[]> {
  return manager.query(
    `SELECT position_id AS "positionId", member_id AS "memberId", starts_on AS "startsOn", ends_on AS "endsOn"
     FROM leadership_appointment WHERE position_id = ANY ($1::uuid[])`, [positionIds]);
}

/** Each proposed holder's career stage, institute and region on the day their term begins, as talks record them. */
export async function holdersOnDay(manager: EntityManager, asked: Array<{ index: number; memberId: string; startsOn: string }>):
Promise<HolderOnDay[]> {
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

export async function insertAppointments(manager: EntityManager, rows: NewAppointmentRow[], actorId: string | null):
Promise<Array<{ id: string; positionId: string; memberId: string; startsOn: string }>> {
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
    [JSON.stringify(rows.map((r) => ({
      position_id: r.positionId, member_id: r.memberId, starts_on: r.startsOn, ends_on: r.endsOn, career_stage: r.careerStage,
      institute_id: r.instituteId, region_code: r.regionCode, source: r.source, call_id: r.callId,
      rules: r.overriddenRules.join(','), override_reason: r.overrideReason,
    }))), actorId],
  );
}

/** An appointment as everyone reads it; `gender` is added for admins only, by the service. */
export const APPOINTMENT_COLUMNS = `
  a.id, a.position_id AS "positionId", p.title AS "positionTitle", p.level, p.area, p.kind,
  a.member_id AS "memberId", m.name AS "memberName", a.starts_on AS "startsOn", a.ends_on AS "endsOn",
  a.term_ends_on AS "termEndsOn",
  a.career_stage AS "careerStage", a.institute_id AS "instituteId", i.name AS "instituteName", a.region_code AS region,
  a.source, a.call_id AS "callId", a.overridden_rules AS "overriddenRules", a.override_reason AS "overrideReason",
  a.end_reason AS "endReason", a.created_at AS "createdAt", a.updated_at AS "updatedAt", a.version`;

export const APPOINTMENT_FROM = `
  FROM leadership_appointment a
  JOIN leadership_position p ON p.id = a.position_id
  JOIN member m ON m.id = a.member_id
  JOIN institute i ON i.id = a.institute_id`;
