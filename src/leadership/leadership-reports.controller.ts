import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Actor, CurrentActor, Roles } from '../auth/actor';
import { ApiProblems, ApiRepresentations, ApiSecured } from '../common/openapi';
import { csvText } from '../privacy/csv';
import { balanceCsv } from '../reports/report-csv';
import { negotiate, sendCsv } from '../reports/reports.controller';
import { HoldersQuery, LeadershipDayQuery, ReviewQuery, TermLimitsQuery } from './leadership-reports.dto';
import { HoldersReport, LeadershipReportsService, ReviewReport } from './leadership-reports.service';
import { HoldersReportView, PipelineReportView, ReviewReportView, TermLimitsReportView } from './leadership-reports.views';

const PRIVACY =
  "For everyone but admins, gender counts are the holders on the last ended quarter end, with the balance report's " +
  'differentially private noise and small-cell rule (disclosure says what was counted); other dimensions are exact.';

@ApiTags('reports')
@ApiSecured()
@Controller('reports/leadership')
export class LeadershipReportsController {
  constructor(private readonly reports: LeadershipReportsService) {}

  @Get()
  @Roles('monitor', 'committee', 'admin')
  @ApiOperation({
    summary: 'The proportionality review: each leadership level against the level below and against the membership, and its trend',
    description: `Shares with Wilson intervals; per cell the two-proportion score test against each baseline, Holm-corrected over every test of the answer, and readings in plain sentences. ${PRIVACY}`,
  })
  @ApiRepresentations(200, { json: ReviewReportView, csv: 'one line per comparison, level and cell' })
  @ApiProblems(400, 406)
  async review(
    @Query() query: ReviewQuery,
    @CurrentActor() actor: Actor,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ReviewReport | string> {
    const format = negotiate(req, res);
    const report = await this.reports.review(query, actor);
    if (format === 'json') return report;
    const below = balanceCsv({ comparison: 'level below', dimension: report.dimension, on: report.on }, report.againstLevelBelow, {
      baseline: true,
    });
    const members = balanceCsv({ comparison: 'membership', dimension: report.dimension, on: report.on }, report.againstMembership, {
      baseline: true,
    });
    return sendCsv(res, `leadership-review-${report.dimension}`, below + members.slice(members.indexOf('\r\n') + 2));
  }

  @Get('holders')
  @Roles('monitor', 'committee', 'admin')
  @ApiOperation({
    summary: 'Who holds leadership positions on a day: shares per level by region, institute, career stage or gender',
    description: PRIVACY,
  })
  @ApiRepresentations(200, { json: HoldersReportView, csv: 'one line per level and cell' })
  @ApiProblems(400, 406)
  async holders(
    @Query() query: HoldersQuery,
    @CurrentActor() actor: Actor,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<HoldersReport | string> {
    const format = negotiate(req, res);
    const report = await this.reports.holders(query, actor);
    if (format === 'json') return report;
    return sendCsv(
      res,
      `leadership-holders-${report.dimension}`,
      balanceCsv({ dimension: report.dimension, on: report.on }, report.groups, { baseline: false, groupColumn: 'level' }),
    );
  }

  @Get('pipeline')
  @Roles('monitor', 'committee', 'admin')
  @ApiOperation({ summary: 'The deputy pipeline: per area, the deputies who later became conveners there, with Wilson intervals' })
  @ApiRepresentations(200, { json: PipelineReportView, csv: 'one line per area' })
  @ApiProblems(400, 406)
  async pipeline(
    @Query() query: LeadershipDayQuery,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PipelineReportView | string> {
    const format = negotiate(req, res);
    const report = await this.reports.pipeline(query);
    if (format === 'json') return report;
    return sendCsv(
      res,
      'leadership-pipeline',
      csvText(
        ['area', 'deputies', 'becameConveners', 'share', 'ci95Low', 'ci95High', 'medianYears'],
        report.areas.map((a) => [a.area, a.deputies, a.becameConveners, a.share, a.ci95?.[0], a.ci95?.[1], a.medianYears]),
      ),
    );
  }

  @Get('term-limits')
  @Roles('monitor', 'committee', 'admin')
  @ApiOperation({ summary: 'Term-limit status: every appointment in force, its term end, which term in a row it is, and who must rotate' })
  @ApiRepresentations(200, { json: TermLimitsReportView, csv: 'one line per appointment in force' })
  @ApiProblems(400, 406)
  async termLimits(
    @Query() query: TermLimitsQuery,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TermLimitsReportView | string> {
    const format = negotiate(req, res);
    const report = await this.reports.termLimits(query);
    if (format === 'json') return report;
    const columns = [
      'positionTitle',
      'level',
      'area',
      'kind',
      'memberName',
      'startsOn',
      'termEndsOn',
      'consecutiveTerm',
      'maxTerms',
      'mayServeAgain',
      'status',
    ] as const;
    return sendCsv(
      res,
      'leadership-term-limits',
      csvText(
        columns,
        report.items.map((item) => columns.map((c) => item[c])),
      ),
    );
  }
}
