import { Controller, Get, Param, ParseUUIDPipe, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Roles } from '../auth/actor';
import { ApiProblems, ApiRepresentations, ApiSecured } from '../common/openapi';
import { ProblemException } from '../common/problem';
import { ProgrammeFormat, ProgrammeQuery } from './allocations.dto';
import { Programme, ProgrammeService } from './programme.service';
import { ProgrammeView } from './programme.views';

const MEDIA_TYPES: Record<string, ProgrammeFormat> = {
  'application/json': 'json',
  'text/csv': 'csv',
  'text/calendar': 'ics',
};

@ApiTags('allocations')
@ApiSecured()
@Controller('conferences')
export class ProgrammeController {
  constructor(private readonly programmes: ProgrammeService) {}

  @Get(':id/programme')
  @Roles('committee', 'admin', 'monitor')
  @ApiOperation({ summary: "A conference's programme: every slot with its allocations, or the accepted speakers as CSV or iCalendar" })
  @ApiRepresentations(200, {
    json: ProgrammeView,
    csv: 'the accepted speakers, one line each',
    calendar: 'the accepted talks as events',
    description:
      'Every slot with its allocations and statuses (JSON); with Accept: text/csv or text/calendar ' +
      '(or ?format=csv|ics) the accepted speakers as CSV or iCalendar',
  })
  @ApiProblems(400, 404, 406)
  async programme(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: ProgrammeQuery,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Programme | string> {
    const format = query.format ?? negotiated(req);
    res.vary('Accept');
    if (format === 'json') return this.programmes.programme(id);
    const { conference, body } = format === 'csv' ? await this.programmes.csv(id) : await this.programmes.iCalendar(id);
    const extension = format === 'csv' ? 'csv' : 'ics';
    const filename = `programme-${conference.name.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '') || conference.id}.${extension}`;
    res.type(format === 'csv' ? 'text/csv; charset=utf-8' : 'text/calendar; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
    return body;
  }
}

function negotiated(req: Request): ProgrammeFormat {
  const best = req.accepts(Object.keys(MEDIA_TYPES));
  if (!best) {
    throw new ProblemException(406, 'The programme is available as application/json, text/csv or text/calendar');
  }
  return MEDIA_TYPES[best];
}
