// Bulk test data for the balance reports, written with SQL: many members at once (with their first
// history rows, as the real write path records them), conferences, slots, nominations with their
// snapshots, allocations and talks. Every helper returns the ids it created.
import { DataSource } from 'typeorm';
import { AllocationStatus, CareerStage, ConferenceTier, Gender, NominationStatus, TalkType } from '../../src/common/enums';

let sequence = 0;

/** The id of an institute, created (with the country's region unless overridden) if it does not exist. */
export async function institute(db: DataSource, name: string, country: string, regionOverride: string | null = null): Promise<string> {
  const existing = await db.query(`SELECT id FROM institute WHERE lower(name) = lower($1)`, [name]);
  if (existing.length) return existing[0].id;
  const [row] = await db.query(`INSERT INTO institute (name, country, region_override) VALUES ($1, $2, $3) RETURNING id`, [
    name,
    country,
    regionOverride,
  ]);
  return row.id;
}

export interface MembersSpec {
  instituteId: string;
  gender: Gender;
  careerStage: CareerStage;
  joinedOn?: string;
  leftOn?: string | null;
}

/** `count` members alike, each with a career-stage and an affiliation entry from joinedOn. */
export async function members(db: DataSource, count: number, spec: MembersSpec): Promise<string[]> {
  if (count === 0) return [];
  const batch = ++sequence;
  const joinedOn = spec.joinedOn ?? '2020-01-01';
  const rows: { id: string }[] = await db.query(
    `INSERT INTO member (name, gender, institute_id, career_stage, joined_on, left_on)
     SELECT 'Report member ' || $1::int || '-' || i, $2, $3, $4, $5, $6 FROM generate_series(1, $7::int) i
     RETURNING id`,
    [batch, spec.gender, spec.instituteId, spec.careerStage, joinedOn, spec.leftOn ?? null, count],
  );
  const ids = rows.map((r) => r.id);
  await db.query(`INSERT INTO member_career_stage (member_id, valid_from, career_stage) SELECT unnest($1::uuid[]), $2, $3`, [
    ids,
    joinedOn,
    spec.careerStage,
  ]);
  await db.query(`INSERT INTO member_affiliation (member_id, valid_from, institute_id) SELECT unnest($1::uuid[]), $2, $3`, [
    ids,
    joinedOn,
    spec.instituteId,
  ]);
  return ids;
}

/** A later history entry: the member's stage changes on `from` (the member row keeps the newest). */
export async function promote(db: DataSource, memberId: string, careerStage: CareerStage, from: string): Promise<void> {
  await db.query(`INSERT INTO member_career_stage (member_id, valid_from, career_stage) VALUES ($1, $2, $3)`, [
    memberId,
    from,
    careerStage,
  ]);
  await db.query(`UPDATE member SET career_stage = member_career_stage_at(id, current_date), updated_at = now() WHERE id = $1`, [memberId]);
}

/** A later history entry: the member moves to another institute on `from`. */
export async function move(db: DataSource, memberId: string, instituteId: string, from: string): Promise<void> {
  await db.query(`INSERT INTO member_affiliation (member_id, valid_from, institute_id) VALUES ($1, $2, $3)`, [memberId, from, instituteId]);
  await db.query(`UPDATE member SET institute_id = member_institute_at(id, current_date), updated_at = now() WHERE id = $1`, [memberId]);
}

export async function conference(db: DataSource, p: { startDate: string; tier?: ConferenceTier; name?: string }): Promise<string> {
  const [row] = await db.query(`INSERT INTO conference (name, start_date, end_date, tier) VALUES ($1, $2, $2::date + 3, $3) RETURNING id`, [
    p.name ?? `Report conference ${++sequence}`,
    p.startDate,
    p.tier ?? 'standard',
  ]);
  return row.id;
}

export async function slot(db: DataSource, conferenceId: string, talkType: TalkType = 'plenary', seats = 1000): Promise<string> {
  const [row] = await db.query(`INSERT INTO slot (conference_id, title, talk_type, seats) VALUES ($1, $2, $3, $4) RETURNING id`, [
    conferenceId,
    `Report slot ${++sequence}`,
    talkType,
    seats,
  ]);
  return row.id;
}

/**
 * One nomination per member for the slot, by the first admin, with the snapshot of the member's
 * stage and institute on `createdAt` (the nomination service records the same).
 */
export async function nominate(
  db: DataSource,
  memberIds: string[],
  slotId: string,
  p: { createdAt?: string; status?: NominationStatus } = {},
): Promise<string[]> {
  if (memberIds.length === 0) return [];
  const createdAt = p.createdAt ?? '2026-05-01T12:00:00Z';
  const rows: { id: string }[] = await db.query(
    `INSERT INTO nomination (member_id, slot_id, nominator_id, reason, status, career_stage, institute_id, created_at)
     SELECT m.id, $2, (SELECT id FROM app_user WHERE 'admin' = ANY (roles) ORDER BY created_at LIMIT 1), 'Strong results', $3,
            COALESCE(member_career_stage_at(m.id, $4::timestamptz::date), m.career_stage),
            COALESCE(member_institute_at(m.id, $4::timestamptz::date), m.institute_id), $4::timestamptz
     FROM unnest($1::uuid[]) WITH ORDINALITY AS chosen(id, position)
     JOIN member m ON m.id = chosen.id
     ORDER BY chosen.position
     RETURNING id`,
    [memberIds, slotId, p.status ?? 'submitted', createdAt],
  );
  return rows.map((r) => r.id);
}

/** Allocations for these nominations (their member and slot), with the given status. */
export async function allocate(
  db: DataSource,
  nominationIds: string[],
  status: AllocationStatus = 'accepted',
  createdAt = '2026-05-02T12:00:00Z',
): Promise<string[]> {
  if (nominationIds.length === 0) return [];
  await db.query(`UPDATE nomination SET status = 'allocated' WHERE id = ANY ($1::uuid[])`, [nominationIds]);
  const rows: { id: string }[] = await db.query(
    `INSERT INTO allocation (slot_id, member_id, nomination_id, status, created_at)
     SELECT n.slot_id, n.member_id, n.id, $2, $3::timestamptz FROM nomination n WHERE n.id = ANY ($1::uuid[])
     RETURNING id`,
    [nominationIds, status, createdAt],
  );
  return rows.map((r) => r.id);
}

/** Nominates and allocates in one go; returns the allocation ids. */
export async function invite(
  db: DataSource,
  memberIds: string[],
  slotId: string,
  status: AllocationStatus = 'accepted',
  p: { nominatedAt?: string; allocatedAt?: string } = {},
): Promise<string[]> {
  const nominations = await nominate(db, memberIds, slotId, { createdAt: p.nominatedAt });
  return allocate(db, nominations, status, p.allocatedAt);
}

/** One past talk per member at the conference, with the snapshot of stage and institute on `date`. */
export async function talks(
  db: DataSource,
  memberIds: string[],
  conferenceId: string,
  p: { date: string; talkType?: TalkType },
): Promise<void> {
  if (memberIds.length === 0) return;
  await db.query(
    `INSERT INTO talk (member_id, conference_id, talk_type, date, career_stage, institute_id)
     SELECT m.id, $2, $3, $4::date,
            COALESCE(member_career_stage_at(m.id, $4::date), m.career_stage),
            COALESCE(member_institute_at(m.id, $4::date), m.institute_id)
     FROM member m WHERE m.id = ANY ($1::uuid[])`,
    [memberIds, conferenceId, p.talkType ?? 'plenary', p.date],
  );
}
