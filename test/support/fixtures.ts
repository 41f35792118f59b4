// Test data written straight to the database, for tests that need members, conferences, slots and
// talks without depending on the endpoints that create them. Each helper writes what the real write
// path would (a member gets its history rows, a talk its stage/institute snapshot).
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CareerStage, ConferenceTier, Gender, NominationStatus, TalkType } from '../../src/common/enums';

let sequence = 0;
const unique = (prefix: string) => `${prefix} ${++sequence}-${randomUUID().slice(0, 8)}`;

export async function createInstitute(
  db: DataSource,
  p: { name?: string; country?: string; regionOverride?: string | null } = {},
): Promise<{ id: string; name: string; country: string }> {
  const name = p.name ?? unique('Institute');
  const country = p.country ?? 'DE';
  const [row] = await db.query(`INSERT INTO institute (name, country, region_override) VALUES ($1, $2, $3) RETURNING id`, [
    name,
    country,
    p.regionOverride ?? null,
  ]);
  return { id: row.id, name, country };
}

export interface MemberFixture {
  id: string;
  name: string;
  instituteId: string;
  careerStage: CareerStage;
}

/**
 * A member with one career-stage and one affiliation history entry from `joinedOn`, plus any later
 * `stages` / `affiliations` ({ from, ... }) for members whose stage or institute changed.
 */
export async function createMember(
  db: DataSource,
  p: {
    instituteId: string;
    name?: string;
    careerStage?: CareerStage;
    gender?: Gender;
    joinedOn?: string;
    leftOn?: string | null;
    email?: string | null;
    stages?: Array<{ from: string; careerStage: CareerStage }>;
    affiliations?: Array<{ from: string; instituteId: string }>;
  },
): Promise<MemberFixture> {
  const name = p.name ?? unique('Member');
  const joinedOn = p.joinedOn ?? '2000-01-01';
  const stages = [{ from: joinedOn, careerStage: p.careerStage ?? 'tenured' }, ...(p.stages ?? [])];
  const affiliations = [{ from: joinedOn, instituteId: p.instituteId }, ...(p.affiliations ?? [])];
  const current = {
    careerStage: stages[stages.length - 1].careerStage,
    instituteId: affiliations[affiliations.length - 1].instituteId,
  };
  const [row] = await db.query(
    `INSERT INTO member (name, email, gender, institute_id, career_stage, joined_on, left_on)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [name, p.email ?? null, p.gender ?? 'undisclosed', current.instituteId, current.careerStage, joinedOn, p.leftOn ?? null],
  );
  await db.query(
    `INSERT INTO member_career_stage (member_id, valid_from, career_stage)
     SELECT $1, s.valid_from, s.career_stage FROM jsonb_to_recordset($2::jsonb) AS s(valid_from date, career_stage text)`,
    [row.id, JSON.stringify(stages.map((s) => ({ valid_from: s.from, career_stage: s.careerStage })))],
  );
  await db.query(
    `INSERT INTO member_affiliation (member_id, valid_from, institute_id)
     SELECT $1, a.valid_from, a.institute_id FROM jsonb_to_recordset($2::jsonb) AS a(valid_from date, institute_id uuid)`,
    [row.id, JSON.stringify(affiliations.map((a) => ({ valid_from: a.from, institute_id: a.instituteId })))],
  );
  return { id: row.id, name, ...current };
}

export async function createConference(
  db: DataSource,
  p: { name?: string; startDate: string; endDate?: string; tier?: ConferenceTier; country?: string | null },
): Promise<{ id: string; name: string; startDate: string; tier: ConferenceTier }> {
  const name = p.name ?? unique('Conference');
  const tier = p.tier ?? 'standard';
  const [row] = await db.query(
    `INSERT INTO conference (name, start_date, end_date, tier, country) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [name, p.startDate, p.endDate ?? p.startDate, tier, p.country ?? null],
  );
  return { id: row.id, name, startDate: p.startDate, tier };
}

export async function createSlot(
  db: DataSource,
  p: { conferenceId: string; title?: string; talkType?: TalkType; seats?: number },
): Promise<{ id: string; conferenceId: string; title: string; talkType: TalkType; seats: number }> {
  const title = p.title ?? unique('Slot');
  const talkType = p.talkType ?? 'plenary';
  const seats = p.seats ?? 1;
  const [row] = await db.query(`INSERT INTO slot (conference_id, title, talk_type, seats) VALUES ($1, $2, $3, $4) RETURNING id`, [
    p.conferenceId,
    title,
    talkType,
    seats,
  ]);
  return { id: row.id, conferenceId: p.conferenceId, title, talkType, seats };
}

/** A past talk; its stage/institute snapshot is the member's history at the talk's date. */
export async function createTalk(
  db: DataSource,
  p: { memberId: string; conferenceId: string; talkType?: TalkType; date?: string; title?: string; createdAt?: string },
): Promise<{ id: string }> {
  const [row] = await db.query(
    `INSERT INTO talk (member_id, conference_id, talk_type, date, title, career_stage, institute_id, created_at)
     SELECT $1::uuid, c.id, $3, COALESCE($4::date, c.start_date), $5,
            COALESCE(member_career_stage_at(m.id, COALESCE($4::date, c.start_date)), m.career_stage),
            COALESCE(member_institute_at(m.id, COALESCE($4::date, c.start_date)), m.institute_id),
            COALESCE($6::timestamptz, now())
     FROM conference c, member m WHERE c.id = $2::uuid AND m.id = $1::uuid
     RETURNING id`,
    [p.memberId, p.conferenceId, p.talkType ?? 'parallel', p.date ?? null, p.title ?? null, p.createdAt ?? null],
  );
  if (!row) throw new Error(`createTalk: member ${p.memberId} or conference ${p.conferenceId} does not exist`);
  return { id: row.id };
}

/** A nomination row as the nominations service would write it (snapshot of stage and institute today). */
export async function createNomination(
  db: DataSource,
  p: { memberId: string; slotId: string; nominatorId: string; reason?: string; status?: NominationStatus },
): Promise<{ id: string }> {
  const [row] = await db.query(
    `INSERT INTO nomination (member_id, slot_id, nominator_id, reason, status, career_stage, institute_id)
     SELECT m.id, $2, $3, $4, $5,
            COALESCE(member_career_stage_at(m.id, current_date), m.career_stage),
            COALESCE(member_institute_at(m.id, current_date), m.institute_id)
     FROM member m WHERE m.id = $1
     RETURNING id`,
    [p.memberId, p.slotId, p.nominatorId, p.reason ?? 'fixture', p.status ?? 'submitted'],
  );
  if (!row) throw new Error(`createNomination: member ${p.memberId} does not exist`);
  return { id: row.id };
}
