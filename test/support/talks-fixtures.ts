// Members for the conference and talk tests, written with SQL so these tests do not depend on the
// member endpoints. The histories are filled the way the member service keeps them.
import { DataSource } from 'typeorm';
import { CareerStage } from '../../src/common/enums';

export interface MemberFixture {
  id: string;
  externalId: string | null;
  instituteId: string;
}

let counter = 0;

export async function insertMember(
  db: DataSource,
  options: { name?: string; externalId?: string; careerStage?: CareerStage; since?: string; institute?: string } = {},
): Promise<MemberFixture> {
  counter += 1;
  const since = options.since ?? '2010-01-01';
  const [institute] = await db.query(`SELECT id FROM institute WHERE name = $1`, [options.institute ?? 'CERN']);
  const [member] = await db.query(
    `INSERT INTO member (external_id, name, institute_id, career_stage, joined_on)
     VALUES ($1, $2, $3, $4, $5) RETURNING id, external_id AS "externalId", institute_id AS "instituteId"`,
    [options.externalId ?? null, options.name ?? `Member ${counter}`, institute.id, options.careerStage ?? 'student', since],
  );
  await db.query(`INSERT INTO member_career_stage (member_id, valid_from, career_stage) VALUES ($1, $2, $3)`, [
    member.id,
    since,
    options.careerStage ?? 'student',
  ]);
  await db.query(`INSERT INTO member_affiliation (member_id, valid_from, institute_id) VALUES ($1, $2, $3)`, [
    member.id,
    since,
    institute.id,
  ]);
  return member;
}

/** A promotion or a move, effective from a date, recorded in the histories as the member service does. */
export async function promote(db: DataSource, memberId: string, careerStage: CareerStage, from: string): Promise<void> {
  await db.query(`INSERT INTO member_career_stage (member_id, valid_from, career_stage) VALUES ($1, $2, $3)`, [
    memberId,
    from,
    careerStage,
  ]);
  await db.query(`UPDATE member SET career_stage = $2 WHERE id = $1`, [memberId, careerStage]);
}

export async function moveInstitute(db: DataSource, memberId: string, institute: string, from: string): Promise<string> {
  const [{ id }] = await db.query(
    `INSERT INTO institute (name, country) VALUES ($1, 'DE') ON CONFLICT ((lower(name))) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
    [institute],
  );
  await db.query(`INSERT INTO member_affiliation (member_id, valid_from, institute_id) VALUES ($1, $2, $3)`, [memberId, from, id]);
  await db.query(`UPDATE member SET institute_id = $2 WHERE id = $1`, [memberId, id]);
  return id;
}
