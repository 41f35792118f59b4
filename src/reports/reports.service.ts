import { Injectable } from '@nestjs/common';
import { Actor } from '../auth/actor';
import { ChangeFeed, TableCache } from '../changes/change-feed';
import { badRequest, ProblemFieldError, unprocessable } from '../common/problem';
import { balanceGroups, BalanceGroup, balanceReadings, Comparison, comparisonOf } from './balance-report';
import { Disclosure, disclosure, NoiseKey } from '../privacy/disclosure';
import { PeriodCountRow, releaseGenderCounts, ReleaseSpec } from '../privacy/gender-release';
import { PublishedPeriod, publishedPeriod } from '../privacy/reporting-period';
import {
  balanceCountQuery,
  CountFilters,
  CountRow,
  DeclineCountRow,
  declinesCountQuery,
  Dimension,
  equityCountQuery,
  equityRows,
  funnelCountQuery,
  FUNNEL_STAGES,
  FunnelStage,
  isSnapshot,
  Population,
  SqlQuery,
  trendCountQuery,
} from './balance.sql';
import { DeclineTable, declineTable } from './declines-report';
import { equityReport, EquityStratum, EquityTest } from './equity-report';
import { FunnelValue, funnelValues } from './funnel-report';
import { BalanceQuery, DeclinesQuery, EquityQuery, FunnelQuery, TrendsQuery } from './reports.dto';
import { ReportsRepository } from './reports.repository';
import { HOLM, TWO_PROPORTION_TEST } from './statistics';
import { ServiceConfig } from '../config/service-config';

export interface Filters {
  from: string | null;
  to: string;
  conferenceId: string | null;
  tier: string | null;
  talkType: string | null;
  region: string | null;
}

export interface BalanceReport {
  population: Population;
  dimension: Dimension;
  within: Dimension | null;
  filters: Filters;
  /** Gender counts below this are hidden (env REPORT_MIN_CELL). */
  minimumCellCount: number;
  /** Whether gender counts carry the cell-key noise (for everyone but admins). */
  disclosure: Disclosure;
  comparison: Comparison | null;
  /** The comparison with the baseline in plain sentences (empty without compareTo). */
  readings: string[];
  groups: BalanceGroup[];
}

export interface FunnelReport {
  dimension: Dimension;
  filters: Filters;
  minimumCellCount: number;
  disclosure: Disclosure;
  stages: readonly FunnelStage[];
  totals: Record<FunnelStage, number>;
  test: string;
  /** How the many steps tested at once are corrected for. */
  correction: string;
  /** Where a group is lost or gained, in plain sentences. */
  readings: string[];
  values: FunnelValue[];
}

export interface EquityReport {
  filters: Filters;
  minimumCellCount: number;
  disclosure: Disclosure;
  strata: EquityStratum[];
  test: EquityTest;
}

export interface DeclinesReport extends DeclineTable {
  dimension: 'region' | 'careerStage';
  filters: Filters;
  minimumCellCount: number;
  /** Whether small counts (and the cells that would give them away) are hidden: for everyone but admins. */
  suppressed: boolean;
  test: string;
  correction: string;
}

export interface TrendsReport {
  population: Population;
  dimension: Dimension;
  filters: Filters;
  /** What a year is: the calendar year of the talk, of the nomination or invitation, or the membership on 31 December. */
  yearOf: string;
  minimumCellCount: number;
  disclosure: Disclosure;
  comparison: Comparison | null;
  readings: string[];
  years: BalanceGroup[];
}

const YEAR_OF: Record<Population, string> = {
  members: 'the membership on 31 December of each year (on `to` in its last year)',
  authors: 'the authors on 31 December of each year (on `to` in its last year)',
  nominations: 'the calendar year of the conference the nomination is for (a nomination made in 2026 for a 2027 conference counts in 2027)',
  allocations:
    'the calendar year of the conference the invitation is for (an invitation made in 2026 for a 2027 conference counts in 2027)',
  talks: 'the calendar year of the talk',
};

export const today = () => new Date().toISOString().slice(0, 10);

/** Cross-field rules the DTO cannot express; 400 naming the field. */
export function checkPeriod(from: string | undefined, to: string): ProblemFieldError[] {
  return from && from > to ? [{ field: 'from', message: 'from must not be after to' }] : [];
}

export function conferenceFiltersOn(
  population: Population,
  q: { conferenceId?: string; tier?: string; talkType?: string },
): ProblemFieldError[] {
  if (!isSnapshot(population)) return [];
  return (['conferenceId', 'tier', 'talkType'] as const)
    .filter((field) => q[field] !== undefined)
    .map((field) => ({ field, message: `${field} does not apply to population ${population} (membership is not per conference)` }));
}

export function fail(errors: ProblemFieldError[]): void {
  if (errors.length) throw badRequest(`Invalid input: ${errors.map((e) => e.field).join(', ')}`, errors);
}

export interface CountOptions {
  /** Count afresh even when a cached count is still valid. */
  fresh?: boolean;
}

/**
 * Who reads the report. Only admins may see an individual's gender, so only they get exact gender
 * counts; everyone else gets them over whole ended quarters with differentially private noise
 * (src/privacy/), which defeats subtracting two reports with different filters or dates.
 */
export type Reader = Pick<Actor, 'roles'>;

export const readsExactGender = (reader: Reader) => reader.roles.includes('admin');

type ConferenceFilters = Pick<CountFilters, 'conferenceId' | 'tier' | 'talkType'>;

@Injectable()
export class ReportsService {
  /** REPORT_MIN_CELL and REPORT_EPSILON, from the validated configuration. */
  readonly minimumCellCount: number;
  readonly epsilon: number;

  /**
   * Counts by their SQL and parameters, while none of the tables their SQL reads has changed (see
   * ChangeFeed: the tables' triggers announce every write, this process's own before it goes on): reports are
   * read far more often than the talk history changes, a count over a million talks is the slow part,
   * and a nomination coming in leaves the talk reports alone. `Cache-Control: no-cache` counts afresh.
   */
  private readonly counts: TableCache<readonly object[]>;
  private readonly noiseKey: NoiseKey;

  constructor(
    private readonly repository: ReportsRepository,
    feed: ChangeFeed,
    config: ServiceConfig,
  ) {
    this.minimumCellCount = config.reports.minimumCellCount;
    this.epsilon = config.reports.epsilon;
    this.counts = new TableCache(feed, [], { ownWrites: false });
    // The first service to need it makes it; every later one (and every restart) reads the same.
    this.noiseKey = new NoiseKey(() => this.repository.noiseKey());
  }

  /**
   * The period counted: as asked for exact readers; whole ended quarters for a gender report read
   * with noise (reporting-period.ts).
   */
  private periodFor(noisy: boolean, from: string | undefined, to: string): PublishedPeriod | null {
    return noisy ? publishedPeriod(from, to, today()) : null;
  }

  /** Gender counts as everyone but an admin may read them (src/privacy/): noisy, per ended quarter. */
  async release(rows: readonly CountRow[], spec: Omit<ReleaseSpec, 'key' | 'epsilon'>): Promise<CountRow[]> {
    return releaseGenderCounts(rows as PeriodCountRow[], { ...spec, key: await this.noiseKey.get(), epsilon: this.epsilon });
  }

  async balance(q: BalanceQuery, reader: Reader, options: CountOptions = {}): Promise<BalanceReport> {
    const population = q.population ?? 'allocations';
    const within = q.within ?? null;
    const to = q.to ?? today();
    fail([
      ...(within === q.dimension ? [{ field: 'within', message: 'within must differ from dimension' }] : []),
      ...checkPeriod(q.from, to),
      ...conferenceFiltersOn(population, q),
    ]);
    const noisy = (q.dimension === 'gender' || within === 'gender') && !readsExactGender(reader);
    const period = this.periodFor(noisy, q.from, to);
    await this.checkRegion(q.region);
    const conference: ConferenceFilters = { conferenceId: q.conferenceId, tier: q.tier, talkType: q.talkType };
    const region = q.region;
    const membersOn = period ? period.membersOn : to;
    const filters: CountFilters = isSnapshot(population)
      ? { to: membersOn, region }
      : { from: period ? (period.from ?? undefined) : q.from, to: period ? period.to : to, ...conference, region };
    // Membership is not per conference: a members baseline is the collaboration (of the region) on `to`.
    const baseline = q.compareTo
      ? { population: q.compareTo, filters: isSnapshot(q.compareTo) ? { to: membersOn, region } : { ...filters, ...conference } }
      : undefined;
    let counted = await this.count(balanceCountQuery(population, q.dimension, within, filters, baseline, noisy), options);
    if (noisy) {
      const populationOf = (side: string) => (side === 'baseline' ? (q.compareTo as Population) : population);
      counted = await this.release(counted, {
        populationOf,
        filtersOf: (side) => (isSnapshot(populationOf(side)) ? { region } : { ...conference, region }),
        genderOn: q.dimension === 'gender' ? 'value' : 'group',
        otherAxis: q.dimension === 'gender' ? within : q.dimension,
      });
    }
    const rows = counted.filter((r) => r.side === 'main');
    const baselineRows = baseline ? counted.filter((r) => r.side === 'baseline') : undefined;
    const groups = balanceGroups(rows, { dimension: q.dimension, within, threshold: this.minimumCellCount }, baselineRows);
    return {
      population,
      dimension: q.dimension,
      within,
      filters: describeFilters(filters),
      minimumCellCount: this.minimumCellCount,
      disclosure: disclosure(period, this.epsilon),
      comparison: q.compareTo ? comparisonOf(q.compareTo, compared(population, filters, q.compareTo, membersOn)) : null,
      readings: balanceReadings(groups, population, q.compareTo ?? null),
      groups,
    };
  }

  async funnel(q: FunnelQuery, reader: Reader, options: CountOptions = {}): Promise<FunnelReport> {
    const to = q.to ?? today();
    fail(checkPeriod(q.from, to));
    const noisy = q.dimension === 'gender' && !readsExactGender(reader);
    const period = this.periodFor(noisy, q.from, to);
    const conference: ConferenceFilters = { conferenceId: q.conferenceId, tier: q.tier };
    const filters: CountFilters = { from: period ? (period.from ?? undefined) : q.from, to: period ? period.to : to, ...conference };
    let rows = await this.count(funnelCountQuery(q.dimension, filters, period ? period.membersOn : to, noisy), options);
    if (noisy) {
      rows = await this.release(rows, {
        populationOf: (side) => side,
        filtersOf: (side) => (side === 'members' ? {} : conference),
        genderOn: 'value',
        otherAxis: null,
      });
    }
    return {
      dimension: q.dimension,
      filters: describeFilters(filters),
      minimumCellCount: this.minimumCellCount,
      disclosure: disclosure(period, this.epsilon),
      stages: FUNNEL_STAGES,
      test: `${TWO_PROPORTION_TEST}, each stage against the previous one`,
      correction: HOLM,
      ...funnelValues(rows, q.dimension, this.minimumCellCount),
    };
  }

  async equity(q: EquityQuery, reader: Reader, options: CountOptions = {}): Promise<EquityReport> {
    const to = q.to ?? today();
    fail(checkPeriod(q.from, to));
    const noisy = !readsExactGender(reader);
    const period = this.periodFor(noisy, q.from, to);
    const conference: ConferenceFilters = { conferenceId: q.conferenceId, tier: q.tier };
    const filters: CountFilters = { from: period ? (period.from ?? undefined) : q.from, to: period ? period.to : to, ...conference };
    let rows = await this.count(equityCountQuery(filters, noisy), options);
    if (noisy) {
      rows = await this.release(rows, {
        // The nominations are the balance report's cells; the allocated ones a population of their own.
        populationOf: (side) => (side === 'nominations' ? 'nominations' : 'nominations-allocated'),
        filtersOf: () => conference,
        genderOn: 'value',
        otherAxis: 'careerStage',
      });
    }
    return {
      filters: describeFilters(filters),
      minimumCellCount: this.minimumCellCount,
      disclosure: disclosure(period, this.epsilon),
      ...equityReport(equityRows(rows), this.minimumCellCount),
    };
  }

  /**
   * Declines by the speaker's region or career stage when nominated, with the kind of reason. No gender
   * (and no noise): small counts are hidden from everyone but admins, with the cells that would give them away.
   */
  async declines(q: DeclinesQuery, reader: Reader, options: CountOptions = {}): Promise<DeclinesReport> {
    const to = q.to ?? today();
    fail(checkPeriod(q.from, to));
    const filters: CountFilters = { from: q.from, to, conferenceId: q.conferenceId, tier: q.tier };
    const rows = await this.count<DeclineCountRow>(declinesCountQuery(q.dimension, filters), options);
    const exact = readsExactGender(reader);
    const label = q.dimension === 'region' ? 'region' : 'career stage';
    return {
      dimension: q.dimension,
      filters: describeFilters(filters),
      minimumCellCount: this.minimumCellCount,
      suppressed: !exact,
      test: `${TWO_PROPORTION_TEST}, each ${label}'s decline rate against all other invitations`,
      correction: HOLM,
      ...declineTable(rows, this.minimumCellCount, exact, label),
    };
  }

  async trends(q: TrendsQuery, reader: Reader, options: CountOptions = {}): Promise<TrendsReport> {
    const population = q.population ?? 'allocations';
    // Counted under their conference's year, nominations and invitations for next year's conferences
    // are shown by default too (ICHEP 2027's invitations, made now, under 2027).
    const asked = q.to ?? (isSnapshot(population) || population === 'talks' ? today() : `${Number(today().slice(0, 4)) + 1}-12-31`);
    const noisy = q.dimension === 'gender' && !readsExactGender(reader);
    const period = this.periodFor(noisy, q.from ?? `${Number(asked.slice(0, 4)) - 9}-01-01`, asked);
    const to = period ? (isSnapshot(population) ? period.membersOn : period.to) : asked;
    const from = period?.from ?? q.from ?? `${Number(to.slice(0, 4)) - 9}-01-01`;
    const conference: ConferenceFilters = { conferenceId: q.conferenceId, tier: q.tier };
    const region = q.region;
    fail([
      ...checkPeriod(q.from, asked),
      ...conferenceFiltersOn(population, q),
      ...(q.compareTo && q.compareTo === population ? [{ field: 'compareTo', message: 'compareTo must differ from population' }] : []),
      ...(Number(to.slice(0, 4)) - Number(from.slice(0, 4)) >= 100
        ? [{ field: 'from', message: 'a trend spans at most 100 calendar years' }]
        : []),
    ]);
    await this.checkRegion(region);
    const filters: CountFilters & { from: string } = { from, to, ...conference, region };
    let counted = await this.count(trendCountQuery(population, q.dimension, filters, noisy, q.compareTo), options);
    if (noisy) {
      const populationOf = (side: string) => (side === 'baseline' ? (q.compareTo as Population) : population);
      counted = await this.release(counted, {
        populationOf,
        filtersOf: (side) => (isSnapshot(populationOf(side)) ? { region } : { ...conference, region }),
        genderOn: 'value',
        otherAxis: null,
      });
    }
    const rows = counted.filter((r) => r.side === 'main');
    const baselineRows = q.compareTo ? counted.filter((r) => r.side === 'baseline') : undefined;
    const yearKeys =
      from > to
        ? []
        : Array.from({ length: Number(to.slice(0, 4)) - Number(from.slice(0, 4)) + 1 }, (_, i) =>
            String(Number(from.slice(0, 4)) + i).padStart(4, '0'),
          );
    const groups = balanceGroups(
      rows,
      {
        dimension: q.dimension,
        within: 'year',
        threshold: this.minimumCellCount,
        groupKeys: yearKeys,
      },
      baselineRows,
    );
    return {
      population,
      dimension: q.dimension,
      filters: describeFilters(filters),
      yearOf: YEAR_OF[population],
      minimumCellCount: this.minimumCellCount,
      disclosure: disclosure(period, this.epsilon),
      comparison: q.compareTo
        ? comparisonOf(
            q.compareTo,
            `each year's ${population} against ${
              isSnapshot(q.compareTo)
                ? `the ${q.compareTo} on 31 December of that year (on ${to} in its last year)`
                : `that year's ${q.compareTo}`
            }`,
          )
        : null,
      readings: balanceReadings(groups, population, q.compareTo ?? null),
      years: groups,
    };
  }

  /** A region filter names a region of the current scheme: 422 otherwise (an empty report would look like an answer). */
  private async checkRegion(region: string | undefined): Promise<void> {
    if (region === undefined) return;
    if (!(await this.repository.regionExists(region))) {
      throw unprocessable(`There is no region ${region}`, [{ field: 'region', message: 'not a region of the current scheme' }]);
    }
  }

  private async count<T = CountRow>(query: SqlQuery, options: CountOptions): Promise<T[]> {
    const key = `${query.text}\n${JSON.stringify(query.values)}`;
    const rows = await this.counts.get(
      key,
      async () => {
        // Shared between requests from now on: frozen, so no report can alter another's counts.
        const counted = await this.repository.counts(query);
        return Object.freeze(counted.map((row) => Object.freeze(row)));
      },
      { fresh: options.fresh, tables: query.tables ?? [] },
    );
    return rows as T[];
  }
}

/** What a balance comparison sets against what: the period's records against one day's membership. */
function compared(population: Population, f: CountFilters, baseline: Population, membersOn: string): string {
  const main = isSnapshot(population) ? `the ${population} on ${f.to}` : `${population} ${f.from ? `from ${f.from} ` : ''}up to ${f.to}`;
  const against = isSnapshot(baseline) ? `the ${baseline} on ${membersOn}` : `${baseline} of the same period`;
  const hint =
    !isSnapshot(population) && isSnapshot(baseline)
      ? " (one day's membership for the whole period; GET /reports/trends with compareTo sets each year against that year's)"
      : '';
  return `${main} against ${against}${hint}`;
}

export function describeFilters(f: CountFilters): Filters {
  return {
    from: f.from ?? null,
    to: f.to,
    conferenceId: f.conferenceId ?? null,
    tier: f.tier ?? null,
    talkType: f.talkType ?? null,
    region: f.region ?? null,
  };
}
