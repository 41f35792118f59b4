import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Actor, CurrentActor, Roles } from '../auth/actor';
import { ApiProblems, ApiRepresentations, ApiSecured } from '../common/openapi';
import { ProblemException } from '../common/problem';
import { balanceCsv, declinesCsv, equityCsv, funnelCsv } from './report-csv';
import { BalanceQuery, DeclinesQuery, EquityQuery, FunnelQuery, TrendsQuery } from './reports.dto';
import { BalanceReportView, DeclinesReportView, EquityReportView, FunnelReportView, TrendsReportView } from './reports.views';
import { BalanceReport, DeclinesReport, EquityReport, FunnelReport, ReportsService, TrendsReport } from './reports.service';

type Format = 'json' | 'csv';

/** JSON unless the client asks for CSV (Accept: text/csv); anything else acceptable is 406. */
export function negotiate(req: Request, res: Response): Format {
  res.vary('Accept');
  const best = req.accepts(['application/json', 'text/csv']);
  if (!best) throw new ProblemException(406, 'Reports are available as application/json or text/csv');
  return best === 'text/csv' ? 'csv' : 'json';
}

/** `Cache-Control: no-cache` asks for counts made now rather than a cached count that is still valid. */
export function wantsFresh(req: Request): boolean {
  return /(^|,)\s*no-cache\s*(,|$)/i.test(req.headers['cache-control'] ?? '');
}

export function sendCsv(res: Response, name: string, body: string): string {
  res.type('text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${name}.csv"`);
  return body;
}

@ApiTags('reports')
@ApiSecured()
@Controller('reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get('balance')
  @Roles('monitor', 'committee', 'admin')
  @ApiOperation({
    summary: 'Shares of a population by region, institute, career stage or gender, with Wilson 95 % intervals',
    description:
      'Gender counts 0 < n < REPORT_MIN_CELL (default 5) are hidden. For everyone but admins, gender counts ' +
      'cover whole calendar quarters that have ended and carry differentially private noise (`disclosure`: epsilon, ' +
      'standard deviation, the period counted); the same question always gets the same answer, so subtracting two ' +
      'reports does not reveal anyone (docs/privacy.md). compareTo adds the baseline share and a two-proportion score ' +
      'test per cell.',
  })
  @ApiRepresentations(200, { json: BalanceReportView, csv: 'one line per cell', description: 'Groups of cells; as CSV one line per cell' })
  @ApiProblems(400, 406)
  async balance(
    @Query() query: BalanceQuery,
    @CurrentActor() actor: Actor,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<BalanceReport | string> {
    const format = negotiate(req, res);
    const report = await this.reports.balance(query, actor, { fresh: wantsFresh(req) });
    if (format === 'json') return report;
    const context = { population: report.population, dimension: report.dimension, within: report.within };
    return sendCsv(
      res,
      `balance-${report.population}-${report.dimension}`,
      balanceCsv(context, report.groups, { baseline: report.comparison !== null }),
    );
  }

  @Get('funnel')
  @Roles('monitor', 'committee', 'admin')
  @ApiOperation({
    summary: 'Membership -> nominations -> allocations -> accepted, shares side by side per value of the dimension',
    description:
      "Each stage's share with its Wilson interval and the two-proportion score test against the previous " +
      'stage. Members are the collaboration on `to`; conference filters apply to the other stages.',
  })
  @ApiRepresentations(200, { json: FunnelReportView, csv: 'one line per value and stage' })
  @ApiProblems(400, 406)
  async funnel(
    @Query() query: FunnelQuery,
    @CurrentActor() actor: Actor,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<FunnelReport | string> {
    const format = negotiate(req, res);
    const report = await this.reports.funnel(query, actor, { fresh: wantsFresh(req) });
    if (format === 'json') return report;
    return sendCsv(res, `funnel-${report.dimension}`, funnelCsv(report.dimension, report.totals, report.values));
  }

  @Get('equity')
  @Roles('monitor', 'committee', 'admin')
  @ApiOperation({
    summary: 'Allocation rate by gender within each career stage, and the Cochran-Mantel-Haenszel test across stages',
    description:
      'Per stage (at nomination) and gender: nominations, allocations, allocation rate with Wilson interval ' +
      '(small cells hidden). Across stages: Mantel-Haenszel common odds ratio women vs men with 95 % interval, ' +
      'chi-square and p-value, shown when women and men each have at least REPORT_MIN_CELL nominations.',
  })
  @ApiRepresentations(200, { json: EquityReportView, csv: 'one line per career stage and gender, then the test' })
  @ApiProblems(400, 406)
  async equity(
    @Query() query: EquityQuery,
    @CurrentActor() actor: Actor,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<EquityReport | string> {
    const format = negotiate(req, res);
    const report = await this.reports.equity(query, actor, { fresh: wantsFresh(req) });
    if (format === 'json') return report;
    return sendCsv(res, 'equity', equityCsv(report.strata, report.test));
  }

  @Get('declines')
  @Roles('monitor', 'committee', 'admin')
  @ApiOperation({
    summary: "Declined invitations by the speaker's region or career stage, with the kind of reason",
    description:
      'Invitations accepted, declined or lapsed (counted on the day they were made), declines per kind of reason ' +
      '(funding, travel, schedule, family, other, unstated) and the decline rate with its Wilson interval; each value is tested ' +
      'against every other invitation (Holm-corrected). The free-text reasons never appear. Counts from 1 to REPORT_MIN_CELL - 1, ' +
      'and the cells that would give them away, are hidden from everyone but admins.',
  })
  @ApiRepresentations(200, { json: DeclinesReportView, csv: 'one line per region or career stage' })
  @ApiProblems(400, 406)
  async declines(
    @Query() query: DeclinesQuery,
    @CurrentActor() actor: Actor,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<DeclinesReport | string> {
    const format = negotiate(req, res);
    const report = await this.reports.declines(query, actor, { fresh: wantsFresh(req) });
    if (format === 'json') return report;
    return sendCsv(res, `declines-${report.dimension}`, declinesCsv(report.dimension, report.values));
  }

  @Get('trends')
  @Roles('monitor', 'committee', 'admin')
  @ApiOperation({
    summary: 'The balance shares per calendar year',
    description: 'One group per year from `from` (default: ten calendar years up to `to`) to `to`.',
  })
  @ApiRepresentations(200, { json: TrendsReportView, csv: 'one line per year and cell' })
  @ApiProblems(400, 406)
  async trends(
    @Query() query: TrendsQuery,
    @CurrentActor() actor: Actor,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TrendsReport | string> {
    const format = negotiate(req, res);
    const report = await this.reports.trends(query, actor, { fresh: wantsFresh(req) });
    if (format === 'json') return report;
    return sendCsv(
      res,
      `trends-${report.population}-${report.dimension}`,
      balanceCsv({ population: report.population, dimension: report.dimension }, report.years, { baseline: false, groupColumn: 'year' }),
    );
  }
}
