import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../auth/actor';
import { Page, PageQuery } from '../common/pagination';
import { notFound, ProblemFieldError, unprocessable } from '../common/problem';
import { TalksRepository } from './talks.repository';
import { CreateTalkDto, TalkFilter, TalkView } from './talks.dto';

@Injectable()
export class TalksService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly talks: TalksRepository,
    private readonly audit: AuditService,
  ) {}

  /** Records a past talk with the speaker's career stage and institute as they were on its date. */
  async create(dto: CreateTalkDto, actor: Actor): Promise<TalkView> {
    return this.dataSource.transaction(async (manager) => {
      const found = await this.talks.speakerAndConferenceExist(manager, dto.memberId, dto.conferenceId);
      const missing: ProblemFieldError[] = [];
      if (!found.member) missing.push({ field: 'memberId', message: `no member ${dto.memberId}` });
      if (!found.conference) missing.push({ field: 'conferenceId', message: `no conference ${dto.conferenceId}` });
      if (missing.length) throw unprocessable('The talk refers to a member or conference that does not exist', missing);

      const id = await this.talks.insertTalk(manager, dto);
      const talk = (await this.talks.talk(id, manager))!;
      await this.audit.record(manager, actor, {
        action: 'talk.create',
        entity: 'talk',
        entityId: id,
        after: {
          memberId: talk.memberId,
          conferenceId: talk.conferenceId,
          talkType: talk.talkType,
          date: talk.date,
          careerStage: talk.careerStage,
          instituteId: talk.instituteId,
        },
      });
      return talk;
    });
  }

  async get(id: string): Promise<TalkView> {
    const talk = await this.talks.talk(id);
    if (!talk) throw notFound('Talk', id);
    return talk;
  }

  /** Most recent first. */
  list(filter: TalkFilter, page: PageQuery): Promise<Page<TalkView>> {
    return this.talks.talksPage(filter, page);
  }

  async listForMember(memberId: string, filter: TalkFilter, page: PageQuery): Promise<Page<TalkView>> {
    if (!(await this.talks.memberExists(memberId))) throw notFound('Member', memberId);
    return this.list({ ...filter, memberId }, page);
  }

  async listForConference(conferenceId: string, filter: TalkFilter, page: PageQuery): Promise<Page<TalkView>> {
    if (!(await this.talks.conferenceExists(conferenceId))) throw notFound('Conference', conferenceId);
    return this.list({ ...filter, conferenceId }, page);
  }

  /**
   * Streams the talks as CSV, oldest first, straight from PostgreSQL (COPY), so a million talks never
   * sit in memory. Text cells that a spreadsheet would run as a formula are neutralised in the SQL, by
   * the rule of the one CSV field writer (src/privacy/csv.ts).
   */
  async exportCsv(filter: TalkFilter, res: Response): Promise<void> {
    await this.talks.streamTalksCsv(filter, async (csv) => {
      res.status(200);
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', 'attachment; filename="talks.csv"');
      await pipeline(csv, res);
    });
  }
}
