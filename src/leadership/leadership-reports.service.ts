import { Injectable } from '@nestjs/common';
import { badRequest } from '../common/problem';
import { BalanceGroup } from '../reports/balance-report';
import { Dimension, SqlQuery } from '../reports/balance.sql';
import { Reader, readsExactGender, ReportsService, today } from '../reports/reports.service';
import { HOLM, TWO_PROPORTION_TEST, ALPHA } from '../reports/statistics';
import { Disclosure, disclosure } from '../privacy/disclosure';
import { PublishedPeriod, publishedPeriod } from '../privacy/reporting-period';
import {
  deputyPipeline,
  holdersByLevel,
  levelTrends,
  MEMBERS,
  PipelineArea,
  proportionalityReview,
  ProportionalityReview,
  termLimitStatus,
  TermLimitStatus,
} from './leadership-report';
import { holdersCountQuery, holdersTrendQuery, LEAD_KINDS, LeadershipReportsRepository, SideRow } from './leadership-reports.repository';
import { HoldersQuery, LeadershipDayQuery, ReviewQuery, TermLimitsQuery } from './leadership-reports.dto';

export interface HoldersReport {
  dimension: Dimension;
  /** The day counted (for noisy gender counts, a quarter end). */
  on: string;
  levels: string[];
  minimumCellCount: number;
  disclosure: Disclosure;
  groups: BalanceGroup[];
}

export interface ReviewReport extends ProportionalityReview {
  dimension: Dimension;
  on: string;
  levels: string[];
  minimumCellCount: number;
  disclosure: Disclosure;
  comparison: { test: string; alpha: number; correction: string; baselines: string };
  membership: BalanceGroup;
  trend: { from: string; to: string; yearOf: string; levels: Array<{ level: string; years: BalanceGroup[] }> };
}

/**
 * The leadership reports, with the balance report's statistics and privacy: for everyone but an admin,
 * gender counts are the holders on the last ended quarter end, published with the same noise and
 * small-cell rule (ReportsService.release, src/privacy/); anything without gender is exact and
 * day-precise. No answer names a person together with their gender.
 */
@Injectable()
export class LeadershipReportsService {
  constructor(
    private readonly repository: LeadershipReportsRepository,
    private readonly reports: ReportsService,
  ) {}

  private period(dimension: Dimension, reader: Reader, on: string): PublishedPeriod | null {
    return dimension === 'gender' && !readsExactGender(reader) ? publishedPeriod(undefined, on, today()) : null;
  }

  /** Counted rows, released through src/privacy when gender counts are published with noise. */
  private async count(query: SqlQuery, noisy: boolean): Promise<SideRow[]> {
    const rows = await this.repository.counts(query);
    if (!noisy) return rows as SideRow[];
    return (await this.reports.release(rows, {
      populationOf: (side) => (side === MEMBERS ? 'members' : `leadership-${side}`),
      filtersOf: () => ({}),
      genderOn: 'value',
      otherAxis: null,
    })) as SideRow[];
  }

  async holders(q: HoldersQuery, reader: Reader): Promise<HoldersReport> {
    const asked = q.on ?? today();
    const period = this.period(q.dimension, reader, asked);
    const on = period ? period.membersOn : asked;
    const levels = await this.repository.levels();
    const rows = await this.count(holdersCountQuery(levels, q.dimension, on, period !== null), period !== null);
    return {
      dimension: q.dimension,
      on,
      levels,
      minimumCellCount: this.reports.minimumCellCount,
      disclosure: disclosure(period, this.reports.epsilon),
      groups: holdersByLevel(rows, levels, q.dimension, this.reports.minimumCellCount),
    };
  }

  async review(q: ReviewQuery, reader: Reader): Promise<ReviewReport> {
    const asked = q.on ?? today();
    const period = this.period(q.dimension, reader, asked);
    const on = period ? period.membersOn : asked;
    const fromYear = q.fromYear ?? Number(on.slice(0, 4)) - 14;
    if (fromYear > Number(on.slice(0, 4)))
      throw badRequest('Invalid input: fromYear', [{ field: 'fromYear', message: 'must not be after the year of on' }]);
    const from = `${String(fromYear).padStart(4, '0')}-01-01`;
    const levels = await this.repository.levels();
    const threshold = this.reports.minimumCellCount;
    const [rows, trendRows] = await Promise.all([
      this.count(holdersCountQuery(levels, q.dimension, on, period !== null), period !== null),
      this.count(holdersTrendQuery(levels, q.dimension, from, on, period !== null), period !== null),
    ]);
    const years = Array.from({ length: Number(on.slice(0, 4)) - fromYear + 1 }, (_, i) => String(fromYear + i).padStart(4, '0'));
    const membership = holdersByLevel(
      rows.filter((r) => r.side === MEMBERS).map((r) => ({ ...r, side: 'all members' })),
      ['all members'],
      q.dimension,
      threshold,
    )[0];
    return {
      dimension: q.dimension,
      on,
      levels,
      minimumCellCount: threshold,
      disclosure: disclosure(period, this.reports.epsilon),
      comparison: {
        test: TWO_PROPORTION_TEST,
        alpha: ALPHA,
        correction: `${HOLM}; both comparisons are one family`,
        baselines:
          'againstLevelBelow: each level against the level below it (the lowest level against the membership); ' +
          "againstMembership: each level against the collaboration's membership on the same day",
      },
      ...proportionalityReview(rows, levels, q.dimension, threshold),
      membership,
      trend: {
        from,
        to: on,
        yearOf: 'the holders on 31 December of each year (on `on` in its last year)',
        levels: levelTrends(trendRows, levels, q.dimension, years, threshold),
      },
    };
  }

  async pipeline(q: LeadershipDayQuery): Promise<{ on: string; leadKinds: string[]; areas: PipelineArea[]; readings: string[] }> {
    const on = q.on ?? today();
    return { on, leadKinds: LEAD_KINDS, ...deputyPipeline(await this.repository.deputyPipeline(on)) };
  }

  async termLimits(q: TermLimitsQuery): Promise<{ on: string; withinDays: number; items: TermLimitStatus[] }> {
    const on = q.on ?? today();
    const withinDays = q.withinDays ?? 180;
    const terms = await this.repository.termsInForce(on, q);
    return { on, withinDays, items: termLimitStatus(terms, on, withinDays) };
  }
}
