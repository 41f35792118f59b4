// The leadership reports' answers as OpenAPI schemas, built from the balance reports' own views.
import { ApiProperty } from '@nestjs/swagger';
import { Dimension, DIMENSIONS } from '../reports/balance.sql';
import { BalanceGroupView, DisclosureView } from '../reports/reports.views';
import { PipelineArea, TermLimitStatus } from './leadership-report';
import { HoldersReport, ReviewReport } from './leadership-reports.service';

export class HoldersReportView implements HoldersReport {
  @ApiProperty({ enum: DIMENSIONS }) dimension: Dimension;
  @ApiProperty({ description: 'The day counted: for gender counts read with noise, the last ended quarter end on or before the day asked' })
  on: string;
  @ApiProperty({ type: [String], example: ['L1', 'L2', 'L3'] }) levels: string[];
  @ApiProperty() minimumCellCount: number;
  @ApiProperty({ type: DisclosureView }) disclosure: DisclosureView;
  @ApiProperty({
    type: [BalanceGroupView],
    description: 'One group per level (key: the level); people holding a position of it on the day',
  })
  groups: BalanceGroupView[];
}

export class ReviewComparisonView {
  @ApiProperty() test: string;
  @ApiProperty() alpha: number;
  @ApiProperty() correction: string;
  @ApiProperty() baselines: string;
}

export class LevelAgainstBelowView extends BalanceGroupView {
  @ApiProperty({ example: 'L2', description: 'The level compared with, or "members" for the lowest level' }) baseline: string;
}

export class LevelTrendView {
  @ApiProperty({ example: 'L1' }) level: string;
  @ApiProperty({ type: [BalanceGroupView], description: 'One group per calendar year (key: YYYY)' }) years: BalanceGroupView[];
}

export class ReviewTrendView {
  @ApiProperty() from: string;
  @ApiProperty() to: string;
  @ApiProperty() yearOf: string;
  @ApiProperty({ type: [LevelTrendView] }) levels: LevelTrendView[];
}

export class ReviewReportView implements ReviewReport {
  @ApiProperty({ enum: DIMENSIONS }) dimension: Dimension;
  @ApiProperty() on: string;
  @ApiProperty({ type: [String] }) levels: string[];
  @ApiProperty() minimumCellCount: number;
  @ApiProperty({ type: DisclosureView }) disclosure: DisclosureView;
  @ApiProperty({ type: ReviewComparisonView }) comparison: ReviewComparisonView;
  @ApiProperty({ type: [LevelAgainstBelowView], description: 'Each level against the level below it (baseline)' })
  againstLevelBelow: LevelAgainstBelowView[];
  @ApiProperty({ type: [BalanceGroupView], description: 'Each level against the membership on the same day' })
  againstMembership: BalanceGroupView[];
  @ApiProperty({ type: BalanceGroupView, description: 'The membership itself on the day' }) membership: BalanceGroupView;
  @ApiProperty({ type: [String], description: 'Every difference beyond chance after the correction, in plain sentences' })
  readings: string[];
  @ApiProperty({ type: ReviewTrendView }) trend: ReviewTrendView;
}

export class PipelineAreaView implements PipelineArea {
  @ApiProperty() area: string;
  @ApiProperty({ description: 'People who served as a deputy in the area' }) deputies: number;
  @ApiProperty({ description: 'Of them, those who later began a term as convener (or in another lead post, leadKinds) of the area' })
  becameConveners: number;
  @ApiProperty({ type: Number, nullable: true }) share: number | null;
  @ApiProperty({ type: [Number], nullable: true, description: 'Wilson score 95 % interval' }) ci95: [number, number] | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Median years from first deputy term to first convener term' })
  medianYears: number | null;
}

export class PipelineReportView {
  @ApiProperty() on: string;
  @ApiProperty({ type: [String], description: "The kinds of post counted as becoming a convener (the area's lead posts)" })
  leadKinds: string[];
  @ApiProperty({ type: [PipelineAreaView] }) areas: PipelineAreaView[];
  @ApiProperty({ type: [String] }) readings: string[];
}

export class TermLimitStatusView implements TermLimitStatus {
  @ApiProperty({ format: 'uuid' }) appointmentId: string;
  @ApiProperty({ format: 'uuid' }) positionId: string;
  @ApiProperty() positionTitle: string;
  @ApiProperty() level: string;
  @ApiProperty() area: string;
  @ApiProperty() kind: string;
  @ApiProperty({ format: 'uuid' }) memberId: string;
  @ApiProperty() memberName: string;
  @ApiProperty() startsOn: string;
  @ApiProperty({ type: String, nullable: true }) endsOn: string | null;
  @ApiProperty() termEndsOn: string;
  @ApiProperty() maxTerms: number;
  @ApiProperty({ description: 'Which term in a row this is' }) consecutiveTerm: number;
  @ApiProperty({ description: 'false: must rotate at the end of this term' }) mayServeAgain: boolean;
  @ApiProperty({ enum: ['in-term', 'due', 'overdue'] }) status: 'in-term' | 'due' | 'overdue';
}

export class TermLimitsReportView {
  @ApiProperty() on: string;
  @ApiProperty() withinDays: number;
  @ApiProperty({ type: [TermLimitStatusView], description: 'Appointments in force, the term ending soonest first' })
  items: TermLimitStatusView[];
}
