// The talks feature's SQL: a talk recorded by hand or from an accepted allocation, the talk list and
// its CSV export (COPY), and the talk import, which runs on one driver client of the caller's
// transaction (COPY into temporary tables, then set-based inserts).
import { Injectable } from '@nestjs/common';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Pool, PoolClient } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { ImportRowError } from '../common/import-rows';
import { Page, PageQuery } from '../common/pagination';
import { StatementParts } from '../database/sql';
import { csvSafeSql } from '../privacy/csv';
import { copyFrom, copyTo } from './copy-streams';
import { ConferenceToCreate } from './talk-import';
import { CreateTalkDto, TalkFilter, TalkView } from './talks.dto';

/** What the talk list, a single talk and the export show: the talk with its speaker and conference named. */
const TALK_VIEW = `
  SELECT t.id, t.member_id AS "memberId", m.name AS "memberName", m.external_id AS "memberExternalId",
         t.conference_id AS "conferenceId", c.name AS conference, c.tier, t.talk_type AS "talkType", t.date, t.title,
         t.career_stage AS "careerStage", t.institute_id AS "instituteId", i.name AS institute,
         t.allocation_id AS "allocationId"
  FROM talk t
  JOIN member m ON m.id = t.member_id
  JOIN conference c ON c.id = t.conference_id
  JOIN institute i ON i.id = t.institute_id`;

// The history entry in force on a date, as member_career_stage_at / member_institute_at pick it (the
// latest entry on or before the date, else the first one), as ranges a whole import joins against in
// one pass instead of calling the functions once per talk.
const IN_FORCE = (table: string, column: string) => `
  SELECT member_id, ${column},
         CASE WHEN lag(valid_from) OVER w IS NULL THEN '-infinity'::date ELSE valid_from END AS valid_from,
         COALESCE(lead(valid_from) OVER w, 'infinity'::date) AS valid_until
  FROM ${table}
  WINDOW w AS (PARTITION BY member_id ORDER BY valid_from)`;

/**
 * Records the talk an accepted allocation becomes, in the caller's transaction: the slot's conference
 * and talk type, dated on the slot's day (UTC) or else the conference's start, with the speaker's
 * career stage and institute on that date. Does nothing for an allocation that is not accepted or
 * already has its talk; returns the talk, or null when nothing was written.
 */
export async function insertTalkFromAllocation(manager: EntityManager, allocationId: string): Promise<TalkView | null> {
  const inserted: { id: string }[] = await manager.query(
    `INSERT INTO talk (member_id, conference_id, talk_type, date, title, career_stage, institute_id, allocation_id)
     SELECT a.member_id, s.conference_id, s.talk_type, d.date, s.title,
            COALESCE(member_career_stage_at(a.member_id, d.date), m.career_stage),
            COALESCE(member_institute_at(a.member_id, d.date), m.institute_id),
            a.id
     FROM allocation a
     JOIN slot s ON s.id = a.slot_id
     JOIN conference c ON c.id = s.conference_id
     JOIN member m ON m.id = a.member_id
     CROSS JOIN LATERAL (SELECT COALESCE((s.starts_at AT TIME ZONE 'UTC')::date, c.start_date) AS date) d
     WHERE a.id = $1 AND a.status = 'accepted'
     ON CONFLICT (allocation_id) DO NOTHING
     RETURNING id`,
    [allocationId],
  );
  if (inserted.length === 0) return null;
  const [talk] = await manager.query(`${TALK_VIEW} WHERE t.id = $1`, [inserted[0].id]);
  return talk;
}

/** WHERE conditions for the talk filters; `value` turns a filter value into a parameter or a literal of the cast. */
function talkConditions(filter: TalkFilter, value: (v: string, cast: string) => string): string[] {
  const where: string[] = [];
  if (filter.memberId) where.push(`t.member_id = ${value(filter.memberId, 'uuid')}`);
  if (filter.conferenceId) where.push(`t.conference_id = ${value(filter.conferenceId, 'uuid')}`);
  if (filter.talkType) where.push(`t.talk_type = ${value(filter.talkType, 'text')}`);
  if (filter.tier) where.push(`c.tier = ${value(filter.tier, 'text')}`);
  if (filter.from) where.push(`t.date >= ${value(filter.from, 'date')}`);
  if (filter.to) where.push(`t.date <= ${value(filter.to, 'date')}`);
  return where;
}

@Injectable()
export class TalksRepository {
  constructor(private readonly dataSource: DataSource) {}

  async talk(id: string, manager: EntityManager = this.dataSource.manager): Promise<TalkView | null> {
    const [talk] = await manager.query(`${TALK_VIEW} WHERE t.id = $1`, [id]);
    return talk ?? null;
  }

  /** Most recent first. */
  async talksPage(filter: TalkFilter, page: PageQuery): Promise<Page<TalkView>> {
    const where = (p: StatementParts) => {
      const conditions = talkConditions(filter, (v, cast) => p.add(v, cast));
      return conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
    };
    const counted = new StatementParts();
    const countJoin = filter.tier ? 'JOIN conference c ON c.id = t.conference_id' : '';
    const countText = `SELECT count(*)::int AS total FROM talk t ${countJoin} ${where(counted)}`;
    const p = new StatementParts();
    const clause = where(p);
    const [[{ total }], items] = await Promise.all([
      this.dataSource.query(countText, counted.values),
      this.dataSource.query(
        `${TALK_VIEW} ${clause} ORDER BY t.date DESC, t.id LIMIT ${p.add(page.limit, 'int')} OFFSET ${p.add(page.offset, 'int')}`,
        p.values,
      ),
    ]);
    return { items, total, limit: page.limit, offset: page.offset };
  }

  async memberExists(id: string): Promise<boolean> {
    return (await this.dataSource.query(`SELECT 1 FROM member WHERE id = $1`, [id])).length > 0;
  }

  async conferenceExists(id: string): Promise<boolean> {
    return (await this.dataSource.query(`SELECT 1 FROM conference WHERE id = $1`, [id])).length > 0;
  }

  /** Whether the member and the conference a talk names exist. */
  async speakerAndConferenceExist(
    manager: EntityManager,
    memberId: string,
    conferenceId: string,
  ): Promise<{ member: boolean; conference: boolean }> {
    const [found] = await manager.query(
      `SELECT EXISTS (SELECT 1 FROM member WHERE id = $1) AS member,
              EXISTS (SELECT 1 FROM conference WHERE id = $2) AS conference`,
      [memberId, conferenceId],
    );
    return found;
  }

  /**
   * A past talk, dated as given or else on the conference's start, with the speaker's career stage and
   * institute as they were on that date; returns its id.
   */
  async insertTalk(manager: EntityManager, dto: CreateTalkDto): Promise<string> {
    const [{ id }] = await manager.query(
      `INSERT INTO talk (member_id, conference_id, talk_type, date, title, career_stage, institute_id)
       SELECT m.id, c.id, $3, d.date, $5,
              COALESCE(member_career_stage_at(m.id, d.date), m.career_stage),
              COALESCE(member_institute_at(m.id, d.date), m.institute_id)
       FROM member m
       JOIN conference c ON c.id = $2
       CROSS JOIN LATERAL (SELECT COALESCE($4::date, c.start_date) AS date) d
       WHERE m.id = $1
       RETURNING id`,
      [dto.memberId, dto.conferenceId, dto.talkType, dto.date ?? null, dto.title ?? null],
    );
    return id;
  }

  /**
   * The talks as CSV, oldest first, straight from PostgreSQL (COPY) into `send`, in a read-only
   * transaction of a client of its own. Text cells that a spreadsheet would run as a formula are
   * neutralised in the SQL (src/privacy/csv.ts).
   */
  async streamTalksCsv(filter: TalkFilter, send: (csv: Readable) => Promise<void>): Promise<void> {
    const pool = (this.dataSource.driver as PostgresDriver).master as Pool;
    const client: PoolClient = await pool.connect();
    let broken: Error | undefined;
    try {
      // COPY takes no bind parameters: the filters (already validated) go in as escaped literals.
      const where = talkConditions(filter, (v, cast) => `${client.escapeLiteral(v)}::${cast}`);
      const sql = `
        SELECT ${csvSafeSql('m.external_id')} AS "memberExternalId", ${csvSafeSql('m.name')} AS "memberName",
               ${csvSafeSql('c.name')} AS conference, date_part('year', c.start_date)::int AS year, c.tier,
               t.talk_type AS "talkType", t.date, ${csvSafeSql('t.title')} AS title, t.career_stage AS "careerStage",
               ${csvSafeSql('i.name')} AS institute
        FROM talk t
        JOIN member m ON m.id = t.member_id
        JOIN conference c ON c.id = t.conference_id
        JOIN institute i ON i.id = t.institute_id
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY t.date, m.name, t.id`;
      await client.query(`BEGIN READ ONLY`);
      await client.query(`SET LOCAL statement_timeout = '10min'`);
      await send(client.query(copyTo(`COPY (${sql}) TO STDOUT WITH (FORMAT csv, HEADER)`)));
      await client.query('COMMIT');
    } catch (error) {
      // A COPY cut short (the caller went away) leaves the connection mid-protocol: it is not reused.
      broken = error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      client.release(broken);
    }
  }

  // The talk import, on the driver client of the caller's transaction.

  /** The import's limits for this transaction and its two temporary tables (dropped at commit). */
  async openImport(client: PoolClient): Promise<void> {
    await client.query(`SET LOCAL statement_timeout = '10min'`);
    await client.query(`SET LOCAL work_mem = '64MB'`);
    await client.query(`
      CREATE TEMP TABLE talk_import (
        row int NOT NULL, external_id text NOT NULL, conference text NOT NULL, year int NOT NULL,
        talk_type text NOT NULL, date date, title text
      ) ON COMMIT DROP;
      CREATE TEMP TABLE conference_import (
        row int NOT NULL, name text NOT NULL, year int NOT NULL, tier text NOT NULL,
        start_date date NOT NULL, end_date date NOT NULL, country char(2)
      ) ON COMMIT DROP`);
  }

  /** Streams COPY text of the talk rows into talk_import. */
  async copyImportRows(client: PoolClient, pieces: AsyncIterable<string>): Promise<void> {
    await copyText(client, 'COPY talk_import FROM STDIN', pieces);
  }

  /** Imports queue up from here to their commit, so two of them never race to create the same conference. */
  async queueTalkImport(client: PoolClient): Promise<void> {
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('talk-import'))`);
  }

  /** The conferences the file describes go into conference_import; the talk rows are all in, so their statistics are taken. */
  async stageConferences(client: PoolClient, conferences: ConferenceToCreate[]): Promise<void> {
    await client.query(
      `INSERT INTO conference_import SELECT * FROM jsonb_to_recordset($1::jsonb)
         AS c(row int, name text, year int, tier text, start_date date, end_date date, country char(2))`,
      [
        JSON.stringify(
          conferences.map((c) => ({
            row: c.row,
            name: c.name,
            year: c.year,
            tier: c.tier,
            start_date: c.startDate,
            end_date: c.endDate,
            country: c.country,
          })),
        ),
      ],
    );
    await client.query(`ANALYZE talk_import`);
  }

  /** Rows naming a member or a conference that neither the database nor the file provides; the first `limit` and how many. */
  async unmatchedRows(client: PoolClient, limit: number): Promise<{ errors: ImportRowError[]; total: number }> {
    const { rows } = await client.query(`
      SELECT e.row, e.field, e.message, count(*) OVER ()::int AS total
      FROM (
        SELECT i.row, 'externalId' AS field, format('no member has externalId %s', i.external_id) AS message
        FROM talk_import i
        WHERE NOT EXISTS (SELECT 1 FROM member m WHERE m.external_id = i.external_id)
        UNION ALL
        SELECT i.row, 'conference',
               format('no conference %s in %s; give its tier to create it', i.conference, i.year)
        FROM talk_import i
        WHERE NOT EXISTS (SELECT 1 FROM conference c
                          WHERE lower(c.name) = lower(i.conference) AND date_part('year', c.start_date) = i.year)
          AND NOT EXISTS (SELECT 1 FROM conference_import ci
                          WHERE lower(ci.name) = lower(i.conference) AND ci.year = i.year)
      ) e
      ORDER BY e.row, e.field DESC
      LIMIT ${Number(limit)}`);
    return {
      errors: rows.map(({ row, field, message }) => ({ row, field, message })),
      total: rows[0]?.total ?? 0,
    };
  }

  /** Creates the staged conferences not known yet (by name and year; the first row of the file wins); returns how many. */
  async insertMissingConferences(client: PoolClient): Promise<number> {
    const conferences = await client.query(`
      INSERT INTO conference (name, start_date, end_date, country, tier)
      SELECT DISTINCT ON (lower(ci.name), ci.year) ci.name, ci.start_date, ci.end_date, ci.country, ci.tier
      FROM conference_import ci
      WHERE NOT EXISTS (SELECT 1 FROM conference c
                        WHERE lower(c.name) = lower(ci.name) AND date_part('year', c.start_date) = ci.year)
      ORDER BY lower(ci.name), ci.year, ci.row`);
    return conferences.rowCount ?? 0;
  }

  /**
   * The finished rows, in talk_ready: members and conferences resolved, the speaker's stage and
   * institute on the talk's date. Made first, so that the talk table itself is busy only while they go
   * in; ordered by speaker and date, so a member's talks end up side by side, as the rank reads them.
   */
  async prepareTalks(client: PoolClient): Promise<void> {
    await client.query(`
      CREATE TEMP TABLE talk_ready ON COMMIT DROP AS
      WITH stage AS (${IN_FORCE('member_career_stage', 'career_stage')}),
           place AS (${IN_FORCE('member_affiliation', 'institute_id')})
      SELECT m.id AS member_id, c.id AS conference_id, i.talk_type, d.date, i.title,
             COALESCE(s.career_stage, m.career_stage) AS career_stage,
             COALESCE(p.institute_id, m.institute_id) AS institute_id
      FROM talk_import i
      JOIN member m ON m.external_id = i.external_id
      JOIN conference c ON lower(c.name) = lower(i.conference) AND date_part('year', c.start_date) = i.year
      CROSS JOIN LATERAL (SELECT COALESCE(i.date, c.start_date) AS date) d
      LEFT JOIN stage s ON s.member_id = m.id AND d.date >= s.valid_from AND d.date < s.valid_until
      LEFT JOIN place p ON p.member_id = m.id AND d.date >= p.valid_from AND d.date < p.valid_until
      ORDER BY m.id, d.date`);
  }

  /**
   * Moves the finished rows into the talk table; returns how many. A `bulk` import goes in the way the
   * PostgreSQL manual advises for populating a table ("Populating a Database"): the foreign keys to
   * member, conference and institute are dropped and added back (one set-based check instead of three
   * lookups per row), and when the import at least doubles the table, its plain indexes are rebuilt
   * instead of updated. Definitions are read from the catalog, so this follows whatever the migrations
   * say. Until commit this holds exclusive locks on talk, member, conference and institute: readers
   * wait a few seconds.
   */
  async insertTalks(client: PoolClient, rows: number, bulk: boolean): Promise<number> {
    // Time-ordered ids (PostgreSQL 18) append to the primary key's index instead of landing all over it.
    const {
      rows: [{ ordered }],
    } = await client.query<{ ordered: boolean }>(`SELECT current_setting('server_version_num')::int >= 180000 AS ordered`);
    const insert = `
      INSERT INTO talk (id, member_id, conference_id, talk_type, date, title, career_stage, institute_id)
      SELECT ${ordered ? 'uuidv7()' : 'gen_random_uuid()'}, member_id, conference_id, talk_type, date, title, career_stage, institute_id
      FROM talk_ready`;
    if (!bulk) return (await client.query(insert)).rowCount ?? 0;

    const { rows: foreignKeys } = await client.query<{ name: string; definition: string }>(`
      SELECT conname AS name, pg_get_constraintdef(oid) AS definition
      FROM pg_constraint
      WHERE conrelid = 'talk'::regclass AND contype = 'f'
        AND confrelid IN ('member'::regclass, 'conference'::regclass, 'institute'::regclass)`);
    const {
      rows: [{ existing }],
    } = await client.query<{ existing: number }>(
      `SELECT GREATEST(reltuples, 0)::float8 AS existing FROM pg_class WHERE oid = 'talk'::regclass`,
    );
    const { rows: indexes } =
      rows < existing
        ? { rows: [] }
        : await client.query<{ name: string; definition: string }>(`
      SELECT c.relname AS name, pg_get_indexdef(x.indexrelid) AS definition
      FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid
      WHERE x.indrelid = 'talk'::regclass AND NOT x.indisunique AND NOT x.indisprimary`);

    const id = (name: string) => client.escapeIdentifier(name);
    if (foreignKeys.length) {
      await client.query(`ALTER TABLE talk ${foreignKeys.map((fk) => `DROP CONSTRAINT ${id(fk.name)}`).join(', ')}`);
    }
    for (const index of indexes) await client.query(`DROP INDEX ${id(index.name)}`);
    const inserted = (await client.query(insert)).rowCount ?? 0;
    await client.query(`SET LOCAL maintenance_work_mem = '256MB'`);
    for (const index of indexes) await client.query(index.definition);
    if (foreignKeys.length) {
      await client.query(`ALTER TABLE talk ${foreignKeys.map((fk) => `ADD CONSTRAINT ${id(fk.name)} ${fk.definition}`).join(', ')}`);
    }
    return inserted;
  }
}

/**
 * Streams text into a COPY ... FROM STDIN, taking the next piece only when PostgreSQL has caught up.
 * When the text fails (a file that turns out unreadable), the COPY is abandoned with it.
 */
async function copyText(client: PoolClient, sql: string, pieces: AsyncIterable<string>): Promise<void> {
  const stream = client.query(copyFrom(sql));
  const done = finished(stream);
  done.catch(() => undefined);
  try {
    for await (const piece of pieces) {
      if (!stream.write(piece)) await once(stream, 'drain');
    }
    stream.end();
  } catch (error) {
    // CopyFail: PostgreSQL ends the COPY with an error, and the connection can roll back.
    stream.destroy(error as Error);
    await done.catch(() => undefined);
    throw error;
  }
  await done;
}
