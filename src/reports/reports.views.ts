// The reports' answers as OpenAPI schemas. Each class implements the interface the report is built
// as, so the compiler holds the documentation to the answer.
import { ApiProperty, ApiPropertyOptional, ApiPropertyOptions } from '@nestjs/swagger';
import { CAREER_STAGES, CareerStage, GENDERS, Gender } from '../common/enums';
import { Disclosure } from '../privacy/disclosure';
import { BalanceCell, BalanceGroup, Comparison } from './balance-report';
import { Dimension, DIMENSIONS, FUNNEL_STAGES, FunnelStage, Population, POPULATIONS } from './balance.sql';
import { DeclineColumn, DeclineValue } from './declines-report';
import { EquityCell, EquityStratum, EquityTest } from './equity-report';
import { FunnelCell, FunnelValue } from './funnel-report';
import { BalanceReport, DeclinesReport, EquityReport, Filters, FunnelReport, TrendsReport } from './reports.service';

const nullableNumber = (description?: string): ApiPropertyOptions => ({ type: Number, nullable: true, description });
const interval = (description = 'Wilson score 95 % interval [lo, hi]; null when hidden'): ApiPropertyOptions => ({
  type: [Number],
  nullable: true,
  minItems: 2,
  maxItems: 2,
  description,
});

export class ReportFiltersView implements Filters {
  @ApiProperty({ type: String, nullable: true, description: 'Only people of this region' }) region: string | null;
  @ApiProperty({ nullable: true, type: String, example: '2025-01-01' }) from: string | null;
  @ApiProperty({ example: '2026-11-24' }) to: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) conferenceId: string | null;
  @ApiProperty({ nullable: true, type: String }) tier: string | null;
  @ApiProperty({ nullable: true, type: String }) talkType: string | null;
}

export class DisclosurePeriodView {
  @ApiProperty({ enum: ['calendar quarter'] }) granularity: 'calendar quarter';
  @ApiProperty({ nullable: true, type: String }) from: string | null;
  @ApiProperty() to: string;
  @ApiProperty({ description: 'The day members were counted on' }) membersOn: string;
  @ApiProperty() note: string;
}

export class DisclosureView implements Disclosure {
  @ApiProperty({ description: 'True when gender counts carry noise and cover whole ended quarters (everyone but admins)' })
  perturbed: boolean;
  @ApiProperty({ nullable: true, type: String }) method: string | null;
  @ApiProperty(nullableNumber('Privacy loss per published quarter cell (REPORT_EPSILON)')) epsilon: number | null;
  @ApiProperty(nullableNumber("Standard deviation of one quarter cell's noise")) noiseStdDev: number | null;
  @ApiProperty({ type: DisclosurePeriodView, nullable: true, description: 'The period counted, when it differs from the one asked for' })
  period: DisclosurePeriodView | null;
}

export class ComparisonView implements Comparison {
  @ApiProperty({ enum: POPULATIONS }) population: string;
  @ApiProperty() test: string;
  @ApiProperty({ example: 0.05 }) alpha: number;
  @ApiProperty() correction: string;
  @ApiProperty({ example: 'talks from 2020-01-01 to 2026-11-30 against the members on 2026-11-30' }) compared: string;
}

export class BalanceCellView implements BalanceCell {
  @ApiProperty({ example: 'postdoc' }) value: string;
  @ApiProperty({ nullable: true, type: String, description: 'Region name, for region codes' }) name: string | null;
  @ApiProperty({ type: Number, nullable: true, description: 'null when suppressed' }) count: number | null;
  @ApiProperty(nullableNumber('count / total')) share: number | null;
  @ApiProperty(nullableNumber('sqrt(share (1 - share) / total)')) stderr: number | null;
  @ApiProperty(interval()) ci95: [number, number] | null;
  @ApiProperty({ description: 'A gender count 0 < n < REPORT_MIN_CELL: no numbers given' }) suppressed: boolean;
  @ApiPropertyOptional(nullableNumber('With compareTo: the share in the baseline population')) baselineShare?: number | null;
  @ApiPropertyOptional(nullableNumber('share - baselineShare')) difference?: number | null;
  @ApiPropertyOptional(nullableNumber('Two-proportion score statistic')) z?: number | null;
  @ApiPropertyOptional(nullableNumber()) pValue?: number | null;
  @ApiPropertyOptional(nullableNumber('After the Holm correction over every cell tested')) pValueAdjusted?: number | null;
  @ApiPropertyOptional({ type: Boolean, nullable: true, description: 'pValueAdjusted < alpha' }) significant?: boolean | null;
}

export class BalanceGroupView implements BalanceGroup {
  @ApiProperty({ nullable: true, type: String, description: 'The `within` value (or year); null without `within`' }) key: string | null;
  @ApiProperty({ nullable: true, type: String }) name: string | null;
  @ApiProperty({ type: Number, nullable: true, description: 'The sum of the cells; null when the group is a gender too small to show' })
  total: number | null;
  @ApiProperty() totalSuppressed: boolean;
  @ApiPropertyOptional({ type: Number, nullable: true }) baselineTotal?: number | null;
  @ApiProperty({ type: [BalanceCellView] }) cells: BalanceCellView[];
}

export class BalanceReportView implements BalanceReport {
  @ApiProperty({ enum: POPULATIONS }) population: Population;
  @ApiProperty({ enum: DIMENSIONS }) dimension: Dimension;
  @ApiProperty({ enum: DIMENSIONS, nullable: true }) within: Dimension | null;
  @ApiProperty({ type: ReportFiltersView }) filters: ReportFiltersView;
  @ApiProperty({ description: 'Gender counts below this (and above 0) are hidden (REPORT_MIN_CELL)' }) minimumCellCount: number;
  @ApiProperty({ type: DisclosureView }) disclosure: DisclosureView;
  @ApiProperty({ type: ComparisonView, nullable: true, description: 'With compareTo: the test used' }) comparison: ComparisonView | null;
  @ApiProperty({ type: [String], description: 'The comparison in plain sentences' }) readings: string[];
  @ApiProperty({ type: [BalanceGroupView] }) groups: BalanceGroupView[];
}

export class TrendsReportView implements TrendsReport {
  @ApiProperty({ enum: POPULATIONS }) population: Population;
  @ApiProperty({ enum: DIMENSIONS }) dimension: Dimension;
  @ApiProperty({ type: ReportFiltersView }) filters: ReportFiltersView;
  @ApiProperty({ description: 'What a year is for this population' }) yearOf: string;
  @ApiProperty() minimumCellCount: number;
  @ApiProperty({ type: DisclosureView }) disclosure: DisclosureView;
  @ApiProperty({ type: ComparisonView, nullable: true, description: 'With compareTo: each year against the baseline of that same year' })
  comparison: ComparisonView | null;
  @ApiProperty({ type: [String], description: 'The comparison in plain sentences' }) readings: string[];
  @ApiProperty({ type: [BalanceGroupView], description: 'One group per calendar year, key the year' }) years: BalanceGroupView[];
}

export class FunnelTestView {
  @ApiProperty() difference: number;
  @ApiProperty() z: number;
  @ApiProperty() pValue: number;
  @ApiProperty() pValueAdjusted: number;
  @ApiProperty() significant: boolean;
}

export class FunnelCellView implements FunnelCell {
  @ApiProperty({ enum: FUNNEL_STAGES }) stage: FunnelStage;
  @ApiProperty({ type: Number, nullable: true }) count: number | null;
  @ApiProperty(nullableNumber()) share: number | null;
  @ApiProperty(nullableNumber()) stderr: number | null;
  @ApiProperty(interval()) ci95: [number, number] | null;
  @ApiProperty() suppressed: boolean;
  @ApiProperty({ type: FunnelTestView, nullable: true, description: 'Against the previous stage; null on the first or when hidden' })
  vsPrevious: FunnelTestView | null;
}

export class FunnelValueView implements FunnelValue {
  @ApiProperty() value: string;
  @ApiProperty({ nullable: true, type: String }) name: string | null;
  @ApiProperty({ type: [FunnelCellView] }) stages: FunnelCellView[];
}

export class FunnelTotalsView implements Record<FunnelStage, number> {
  @ApiProperty() members: number;
  @ApiProperty() nominations: number;
  @ApiProperty() allocations: number;
  @ApiProperty() accepted: number;
}

export class FunnelReportView implements FunnelReport {
  @ApiProperty({ enum: DIMENSIONS }) dimension: Dimension;
  @ApiProperty({ type: ReportFiltersView }) filters: ReportFiltersView;
  @ApiProperty() minimumCellCount: number;
  @ApiProperty({ type: DisclosureView }) disclosure: DisclosureView;
  @ApiProperty({ enum: FUNNEL_STAGES, isArray: true }) stages: FunnelStage[];
  @ApiProperty({ type: FunnelTotalsView }) totals: FunnelTotalsView;
  @ApiProperty() test: string;
  @ApiProperty() correction: string;
  @ApiProperty({ type: [String] }) readings: string[];
  @ApiProperty({ type: [FunnelValueView] }) values: FunnelValueView[];
}

export class EquityCellView implements EquityCell {
  @ApiProperty({ enum: GENDERS }) gender: Gender;
  @ApiProperty({ type: Number, nullable: true }) nominations: number | null;
  @ApiProperty({ type: Number, nullable: true }) allocations: number | null;
  @ApiProperty(nullableNumber('allocations / nominations')) rate: number | null;
  @ApiProperty(interval()) ci95: [number, number] | null;
  @ApiProperty() suppressed: boolean;
}

export class EquityStratumView implements EquityStratum {
  @ApiProperty({ enum: CAREER_STAGES }) careerStage: CareerStage;
  @ApiProperty() nominations: number;
  @ApiProperty() allocations: number;
  @ApiProperty({ type: [EquityCellView] }) cells: EquityCellView[];
}

export class EquityTestView implements EquityTest {
  @ApiProperty() name: string;
  @ApiProperty({ example: 'women vs men' }) comparison: string;
  @ApiProperty({ description: 'Whether there was enough data to show the test' }) shown: boolean;
  @ApiProperty({ nullable: true, type: String }) reason: string | null;
  @ApiProperty({ description: 'The conclusion in one plain sentence' }) reading: string;
  @ApiPropertyOptional() strata?: number;
  @ApiPropertyOptional(nullableNumber('Mantel-Haenszel common odds ratio')) oddsRatio?: number | null;
  @ApiPropertyOptional(interval('95 % interval of the odds ratio (Robins-Breslow-Greenland)')) ci95?: [number, number] | null;
  @ApiPropertyOptional(nullableNumber()) logOddsRatioStderr?: number | null;
  @ApiPropertyOptional(nullableNumber()) chiSquare?: number | null;
  @ApiPropertyOptional(nullableNumber()) pValue?: number | null;
  @ApiPropertyOptional() continuityCorrection?: boolean;
}

export class EquityReportView implements EquityReport {
  @ApiProperty({ type: ReportFiltersView }) filters: ReportFiltersView;
  @ApiProperty() minimumCellCount: number;
  @ApiProperty({ type: DisclosureView }) disclosure: DisclosureView;
  @ApiProperty({ type: [EquityStratumView] }) strata: EquityStratumView[];
  @ApiProperty({ type: EquityTestView }) test: EquityTestView;
}

export class DeclineCategoriesView implements Record<DeclineColumn, number | null> {
  @ApiProperty({ type: Number, nullable: true }) funding: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Travel, visa included' }) travel: number | null;
  @ApiProperty({ type: Number, nullable: true }) schedule: number | null;
  @ApiProperty({ type: Number, nullable: true }) family: number | null;
  @ApiProperty({ type: Number, nullable: true }) other: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Declines that gave no kind of reason' }) unstated: number | null;
}

export class DeclineRateView {
  @ApiProperty(nullableNumber()) share: number | null;
  @ApiProperty(nullableNumber()) stderr: number | null;
  @ApiProperty(interval()) ci95: [number, number] | null;
}

export class DeclineTestView {
  @ApiProperty() z: number;
  @ApiProperty() pValue: number;
  @ApiProperty({ description: 'Holm-adjusted over the values tested' }) pValueAdjusted: number;
}

export class DeclineValueView implements DeclineValue {
  @ApiProperty() value: string;
  @ApiProperty({ type: String, nullable: true }) name: string | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Accepted, declined or lapsed; null when hidden' }) invitations: number | null;
  @ApiProperty({ type: Number, nullable: true }) declined: number | null;
  @ApiProperty({ type: DeclineRateView, nullable: true }) declineRate: DeclineRateView | null;
  @ApiProperty({ type: DeclineCategoriesView }) byCategory: DeclineCategoriesView;
  @ApiProperty({ type: DeclineTestView, nullable: true, description: "This value's decline rate against every other invitation" })
  test: DeclineTestView | null;
}

export class DeclineTotalsView {
  @ApiProperty() invitations: number;
  @ApiProperty() declined: number;
  @ApiProperty({ type: DeclineCategoriesView }) byCategory: DeclineCategoriesView;
}

export class DeclinesReportView implements DeclinesReport {
  @ApiProperty({ enum: ['region', 'careerStage'] }) dimension: 'region' | 'careerStage';
  @ApiProperty({ type: ReportFiltersView }) filters: ReportFiltersView;
  @ApiProperty() minimumCellCount: number;
  @ApiProperty({ description: 'Whether small counts, and the cells that would give them away, are hidden' }) suppressed: boolean;
  @ApiProperty() test: string;
  @ApiProperty() correction: string;
  @ApiProperty({ type: [String] }) readings: string[];
  @ApiProperty({ type: DeclineTotalsView }) totals: DeclineTotalsView;
  @ApiProperty({ type: [DeclineValueView] }) values: DeclineValueView[];
}
