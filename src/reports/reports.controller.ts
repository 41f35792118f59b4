import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Roles } from '../auth/actor';
import { ProblemException } from '../common/problem';
import { balanceCsv } from './report-csv';
import { BalanceQuery } from './reports.dto';
import { BalanceReport, ReportsService } from './reports.service';

type Format = 'json' | 'csv';

/** JSON unless the client asks for CSV (Accept: text/csv); anything else acceptable is 406. */
export function negotiate(req: Request, res: Response): Format {
  res.vary('Accept');
  const best = req.accepts(['application/json', 'text/csv']);
  if (!best) throw new ProblemException(406, 'Reports are available as application/json or text/csv');
  return best === 'text/csv' ? 'csv' : 'json';
}

export function sendCsv(res: Response, name: string, body: string): string {
  res.type('text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${name}.csv"`);
  return body;
}

@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get('balance')
  @Roles('monitor', 'committee', 'admin')
  @ApiOperation({
    summary: 'Shares of a population by region, institute, career stage or gender, with Wilson 95 % intervals',
    description: 'Gender counts 0 < n < REPORT_MIN_CELL (default 5) are hidden, with complementary cells so none can '
      + 'be recomputed. compareTo adds the baseline share and a two-proportion score test per cell.',
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ description: 'groups of cells; as CSV one line per cell' })
  async balance(@Query() query: BalanceQuery, @Req() req: Request, @Res({ passthrough: true }) res: Response):
    Promise<BalanceReport | string> {
    const format = negotiate(req, res);
    const report = await this.reports.balance(query);
    if (format === 'json') return report;
    const context = { population: report.population, dimension: report.dimension, within: report.within };
    return sendCsv(res, `balance-${report.population}-${report.dimension}`,
      balanceCsv(context, report.groups, report.comparison !== null));
  }
}
