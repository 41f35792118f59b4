import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actor } from '../auth/actor';
import { ChangeFeed, TableCache, tablesRead } from '../changes/change-feed';
import { badRequest, ProblemFieldError } from '../common/problem';
import { balanceGroups, BalanceGroup, Comparison, comparisonOf } from './balance-report';
import { Disclosure, disclosure } from './cell-key';
import {
  balanceCountQuery, CountFilters, CountRow, Dimension, equityCountQuery, EquityRow, funnelCountQuery, FUNNEL_STAGES,
  FunnelStage, Population, SqlQuery, trendCountQuery,
} from './balance.sql';
import { equityReport, EquityStratum, EquityTest } from './equity-report';
import { FunnelValue, funnelValues } from './funnel-report';
import { BalanceQuery, EquityQuery, FunnelQuery, TrendsQuery } from './reports.dto';
import { TWO_PROPORTION_TEST } from './statistics';
import { minimumCellCount } from './suppression';

export interface Filters {
  from: string | null;
  to: string;
  conferenceId: string | null;
  tier: string | null;
  talkType: string | null;
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
  values: FunnelValue[];
}

export interface EquityReport {
  filters: Pick<Filters, 'from' | 'to'>;
  minimumCellCount: number;
  disclosure: Disclosure;
  strata: EquityStratum[];
  test: EquityTest;
}

export interface TrendsReport {
  population: Population;
  dimension: Dimension;
  filters: Pick<Filters, 'from' | 'to'>;
  minimumCellCount: number;
  disclosure: Disclosure;
  years: BalanceGroup[];
}

export const today = () => new Date().toISOString().slice(0, 10);

/** Cross-field rules the DTO cannot express; 400 naming the field. */
export function checkPeriod(from: string | undefined, to: string): ProblemFieldError[] {
  return from && from > to ? [{ field: 'from', message: 'from must not be after to' }] : [];
}

export function conferenceFiltersOn(population: Population, q: { conferenceId?: string; tier?: string; talkType?: string }):
  ProblemFieldError[] {
  if (population !== 'members') return [];
  return (['conferenceId', 'tier', 'talkType'] as const)
    .filter((field) => q[field] !== undefined)
    .map((field) => ({ field, message: `${field} does not apply to population members (membership is not per conference)` }));
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
 * counts; everyone else gets them with the cell-key noise (cell-key.ts), which defeats subtracting
 * two reports with slightly different filters.
 */
export type Reader = Pick<Actor, 'roles'>;

export const readsExactGender = (reader: Reader) => reader.roles.includes('admin');

@Injectable()
export class ReportsService {
  /** Read once at start-up, like every other setting. */
  readonly minimumCellCount = minimumCellCount();

  /**
   * Counts by their SQL and parameters, while none of the tables their SQL reads has changed (see
   * ChangeFeed; this process's own writes count by the tables their statements name): reports are
   * read far more often than the talk history changes, a count over a million talks is the slow part,
   * and a nomination coming in leaves the talk reports alone. `Cache-Control: no-cache` counts afresh.
   */
  private readonly counts: TableCache<readonly object[]>;

  constructor(
    private readonly dataSource: DataSource,
    feed: ChangeFeed,
  ) {
    this.counts = new TableCache(feed, [], { ownWrites: false });
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
    const filters: CountFilters = { from: q.from, to, conferenceId: q.conferenceId, tier: q.tier, talkType: q.talkType };
    // Membership is not per conference: a members baseline is the collaboration on `to`.
    const baseline = q.compareTo
      ? { population: q.compareTo, filters: q.compareTo === 'members' ? { to } : filters }
      : undefined;
    const perturb = !readsExactGender(reader) && (q.dimension === 'gender' || within === 'gender');
    const counted = await this.count(balanceCountQuery(population, q.dimension, within, filters, baseline), options);
    const rows = counted.filter((r) => r.side === 'main');
    const baselineRows = baseline ? counted.filter((r) => r.side === 'baseline') : undefined;
    return {
      population,
      dimension: q.dimension,
      within,
      filters: describeFilters(filters),
      minimumCellCount: this.minimumCellCount,
      disclosure: disclosure(perturb),
      comparison: q.compareTo ? comparisonOf(q.compareTo) : null,
      groups: balanceGroups(rows, { dimension: q.dimension, within, threshold: this.minimumCellCount, perturb }, baselineRows),
    };
  }

  async funnel(q: FunnelQuery, reader: Reader, options: CountOptions = {}): Promise<FunnelReport> {
    const to = q.to ?? today();
    fail(checkPeriod(q.from, to));
    const filters: CountFilters = { from: q.from, to, conferenceId: q.conferenceId, tier: q.tier };
    const rows = await this.count(funnelCountQuery(q.dimension, filters), options);
    const perturb = !readsExactGender(reader) && q.dimension === 'gender';
    return {
      dimension: q.dimension,
      filters: describeFilters(filters),
      minimumCellCount: this.minimumCellCount,
      disclosure: disclosure(perturb),
      stages: FUNNEL_STAGES,
      test: `${TWO_PROPORTION_TEST}, each stage against the previous one`,
      ...funnelValues(rows, q.dimension, this.minimumCellCount, perturb),
    };
  }

  async equity(q: EquityQuery, reader: Reader, options: CountOptions = {}): Promise<EquityReport> {
    const to = q.to ?? today();
    fail(checkPeriod(q.from, to));
    const query = equityCountQuery({ from: q.from, to });
    const rows = await this.count<EquityRow>(query, options);
    const perturb = !readsExactGender(reader);
    return {
      filters: { from: q.from ?? null, to },
      minimumCellCount: this.minimumCellCount,
      disclosure: disclosure(perturb),
      ...equityReport(rows, this.minimumCellCount, perturb),
    };
  }

  async trends(q: TrendsQuery, reader: Reader, options: CountOptions = {}): Promise<TrendsReport> {
    const population = q.population ?? 'allocations';
    const to = q.to ?? today();
    const from = q.from ?? `${Number(to.slice(0, 4)) - 9}-01-01`;
    fail([
      ...checkPeriod(from, to),
      ...(Number(to.slice(0, 4)) - Number(from.slice(0, 4)) >= 100
        ? [{ field: 'from', message: 'a trend spans at most 100 calendar years' }] : []),
    ]);
    const rows = await this.count(trendCountQuery(population, q.dimension, { from, to }), options);
    const perturb = !readsExactGender(reader) && q.dimension === 'gender';
    const years = Array.from({ length: Number(to.slice(0, 4)) - Number(from.slice(0, 4)) + 1 },
      (_, i) => String(Number(from.slice(0, 4)) + i).padStart(4, '0'));
    return {
      population,
      dimension: q.dimension,
      filters: { from, to },
      minimumCellCount: this.minimumCellCount,
      disclosure: disclosure(perturb),
      years: balanceGroups(rows, {
        dimension: q.dimension, within: 'year', threshold: this.minimumCellCount, groupKeys: years, perturb,
      }),
    };
  }

  private async count<T = CountRow>(query: SqlQuery, options: CountOptions): Promise<T[]> {
    const key = `${query.text}\n${JSON.stringify(query.values)}`;
    const rows = await this.counts.get(key, async () => {
      // Shared between requests from now on: frozen, so no report can alter another's counts.
      const counted: object[] = await this.dataSource.query(query.text, query.values);
      return Object.freeze(counted.map((row) => Object.freeze(row)));
    }, { fresh: options.fresh, tables: tablesRead(query.text) });
    return rows as T[];
  }
}

export function describeFilters(f: CountFilters): Filters {
  return {
    from: f.from ?? null, to: f.to, conferenceId: f.conferenceId ?? null, tier: f.tier ?? null, talkType: f.talkType ?? null,
  };
}
