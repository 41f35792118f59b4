import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import type { Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../auth/actor';
import { Page, PageQuery } from '../common/pagination';
import { notFound, ProblemFieldError, unprocessable } from '../common/problem';
import { csvSafeSql } from '../privacy/csv';
import { copyTo } from './copy-streams';
import { TALK_VIEW } from './talk-records';
import { CreateTalkDto, TalkFilter, TalkView } from './talks.dto';

@Injectable()
export class TalksService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** Records a past talk with the speaker's career stage and institute as they were on its date. */
  async create(dto: CreateTalkDto, actor: Actor): Promise<TalkView> {
    return this.dataSource.transaction(async (manager) => {
      const [found] = await manager.query(
        `SELECT EXISTS (SELECT 1 FROM member WHERE id = $1) AS member,
                EXISTS (SELECT 1 FROM conference WHERE id = $2) AS conference`,
        [dto.memberId, dto.conferenceId],
      );
      const missing: ProblemFieldError[] = [];
      if (!found.member) missing.push({ field: 'memberId', message: `no member ${dto.memberId}` });
      if (!found.conference) missing.push({ field: 'conferenceId', message: `no conference ${dto.conferenceId}` });
      if (missing.length) throw unprocessable('The talk refers to a member or conference that does not exist', missing);

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
      const [talk]: TalkView[] = await manager.query(`${TALK_VIEW} WHERE t.id = $1`, [id]);
      await this.audit.record(manager, actor, {
        action: 'talk.create', entity: 'talk', entityId: id,
        after: {
          memberId: talk.memberId, conferenceId: talk.conferenceId, talkType: talk.talkType, date: talk.date,
          careerStage: talk.careerStage, instituteId: talk.instituteId,
        },
      });
      return talk;
    });
  }

  async get(id: string): Promise<TalkView> {
    const [talk] = await this.dataSource.query(`${TALK_VIEW} WHERE t.id = $1`, [id]);
    if (!talk) throw notFound('Talk', id);
    return talk;
  }

  /** Most recent first. */
  async list(filter: TalkFilter, page: PageQuery): Promise<Page<TalkView>> {
    const params: unknown[] = [];
    const where = talkConditions(filter, (value) => { params.push(value); return `$${params.length}`; });
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const countJoin = filter.tier ? 'JOIN conference c ON c.id = t.conference_id' : '';
    const [[{ total }], items] = await Promise.all([
      this.dataSource.query(`SELECT count(*)::int AS total FROM talk t ${countJoin} ${clause}`, params),
      this.dataSource.query(
        `${TALK_VIEW} ${clause} ORDER BY t.date DESC, t.id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
        [...params, page.limit, page.offset],
      ),
    ]);
    return { items, total, limit: page.limit, offset: page.offset };
  }

  async listForMember(memberId: string, filter: TalkFilter, page: PageQuery): Promise<Page<TalkView>> {
    const found = await this.dataSource.query(`SELECT 1 FROM member WHERE id = $1`, [memberId]);
    if (found.length === 0) throw notFound('Member', memberId);
    return this.list({ ...filter, memberId }, page);
  }

  async listForConference(conferenceId: string, filter: TalkFilter, page: PageQuery): Promise<Page<TalkView>> {
    const found = await this.dataSource.query(`SELECT 1 FROM conference WHERE id = $1`, [conferenceId]);
    if (found.length === 0) throw notFound('Conference', conferenceId);
    return this.list({ ...filter, conferenceId }, page);
  }

  /**
   * Streams the talks as CSV, oldest first, straight from PostgreSQL (COPY), so a million talks never
   * sit in memory. Text cells that a spreadsheet would run as a formula are neutralised in the SQL, by
   * the rule of the one CSV field writer (src/privacy/csv.ts).
   */
  async exportCsv(filter: TalkFilter, res: Response): Promise<void> {
    const pool = (this.dataSource.driver as PostgresDriver).master as Pool;
    const client: PoolClient = await pool.connect();
    let broken: Error | undefined;
    try {
      // COPY takes no bind parameters: the filters (already validated) go in as escaped literals.
      const where = talkConditions(filter, (value) => client.escapeLiteral(value));
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
      const rows = client.query(copyTo(`COPY (${sql}) TO STDOUT WITH (FORMAT csv, HEADER)`));
      res.status(200);
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', 'attachment; filename="talks.csv"');
      await pipeline(rows, res);
      await client.query('COMMIT');
    } catch (error) {
      // A COPY cut short (the caller went away) leaves the connection mid-protocol: it is not reused.
      broken = error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      client.release(broken);
    }
  }
}

/** WHERE conditions for the talk filters; `value` turns a filter value into a parameter or a literal. */
function talkConditions(filter: TalkFilter, value: (v: string) => string): string[] {
  const where: string[] = [];
  if (filter.memberId) where.push(`t.member_id = ${value(filter.memberId)}`);
  if (filter.conferenceId) where.push(`t.conference_id = ${value(filter.conferenceId)}`);
  if (filter.talkType) where.push(`t.talk_type = ${value(filter.talkType)}`);
  if (filter.tier) where.push(`c.tier = ${value(filter.tier)}`);
  if (filter.from) where.push(`t.date >= ${value(filter.from)}::date`);
  if (filter.to) where.push(`t.date <= ${value(filter.to)}::date`);
  return where;
}
