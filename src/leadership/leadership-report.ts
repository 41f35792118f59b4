// The leadership reports' statistics, on counted rows: each level's make-up against the level below
// and against the membership, with the balance report's shares, Wilson intervals, two-proportion score
// tests and Holm's correction over every test in the answer; the deputy pipeline; who is due to rotate.
// Pure: rows in, report out. The rows' counts are what may be published (noisy for gender, src/privacy/).
import { balanceGroups, BalanceGroup, balanceReadings } from '../reports/balance-report';
import { Dimension } from '../reports/balance.sql';
import { ALPHA, estimateProportion, holmAdjust, percent } from '../reports/statistics';
import { SideRow } from './leadership-reports.repository';
import { consecutiveTerms, Tenure } from './term-rules';

export const MEMBERS = 'members';

/** What each level is compared with first: the level below it, and for the lowest level the membership. */
export function levelBelow(levels: readonly string[], level: string): string {
  const i = levels.indexOf(level);
  return i >= 0 && i < levels.length - 1 ? levels[i + 1] : MEMBERS;
}

const baselineName = (side: string) => (side === MEMBERS ? 'the membership' : `${side} holders`);

/** The rows of one side, relabelled as the group `key` (a level). */
function asGroup(rows: readonly SideRow[], side: string, key: string): SideRow[] {
  return rows.filter((r) => r.side === side).map((r) => ({ ...r, group_key: key, group_name: null }));
}

/** One table per level: its cells, and its groups compared with each baseline. */
export function holdersByLevel(
  rows: readonly SideRow[],
  levels: readonly string[],
  dimension: Dimension,
  threshold: number,
): BalanceGroup[] {
  return balanceGroups(
    levels.flatMap((level) => asGroup(rows, level, level)),
    {
      dimension,
      within: 'level',
      threshold,
      groupKeys: [...levels],
    },
  );
}

export interface ProportionalityReview {
  againstLevelBelow: Array<BalanceGroup & { baseline: string }>;
  againstMembership: BalanceGroup[];
  readings: string[];
}

/**
 * For each level, its make-up against the level below (the lowest level: against the membership) and
 * against the membership. Holm's correction runs over every test of both comparisons together.
 */
export function proportionalityReview(
  rows: readonly SideRow[],
  levels: readonly string[],
  dimension: Dimension,
  threshold: number,
): ProportionalityReview {
  const options = { dimension, within: 'level' as const, threshold, groupKeys: [...levels] };
  const main = levels.flatMap((level) => asGroup(rows, level, level));
  const below = balanceGroups(
    main,
    options,
    levels.flatMap((level) => asGroup(rows, levelBelow(levels, level), level)),
  ).map((g) => ({ ...g, baseline: levelBelow(levels, g.key as string) }));
  const membership = balanceGroups(
    main,
    options,
    levels.flatMap((level) => asGroup(rows, MEMBERS, level)),
  );
  const tested = [...below, ...membership].flatMap((g) => g.cells).filter((c) => typeof c.pValue === 'number');
  holmAdjust(tested.map((c) => c.pValue as number)).forEach((p, i) => {
    tested[i].pValueAdjusted = p;
    tested[i].significant = p < ALPHA;
  });
  const readings = levels
    .flatMap((level, i) => [
      ...balanceReadings([below[i]], `${level} holders`, baselineName(below[i].baseline)),
      ...(below[i].baseline === MEMBERS ? [] : balanceReadings([membership[i]], `${level} holders`, 'the membership')),
    ])
    .map((sentence) => sentence.replace(/ within L\d:/, ':'));
  return { againstLevelBelow: below, againstMembership: membership, readings };
}

/** Per level, its shares per calendar year. */
export function levelTrends(
  rows: readonly SideRow[],
  levels: readonly string[],
  dimension: Dimension,
  years: string[],
  threshold: number,
): Array<{ level: string; years: BalanceGroup[] }> {
  return levels.map((level) => ({
    level,
    years: balanceGroups(
      rows.filter((r) => r.side === level),
      { dimension, within: 'year', threshold, groupKeys: years },
    ),
  }));
}

export interface PipelineArea {
  area: string;
  deputies: number;
  becameConveners: number;
  share: number | null;
  ci95: [number, number] | null;
  medianYears: number | null;
}

export function deputyPipeline(rows: Array<{ area: string; deputies: number; becameConveners: number; medianYears: number | null }>): {
  areas: PipelineArea[];
  readings: string[];
} {
  const areas = rows.map((r) => {
    const estimate = estimateProportion(r.becameConveners, r.deputies);
    return {
      ...r,
      share: estimate.share,
      ci95: estimate.ci95,
      medianYears: r.medianYears === null ? null : Math.round(r.medianYears * 10) / 10,
    };
  });
  const readings =
    areas.length === 0
      ? ['No deputy appointments are on record.']
      : areas.map(
          (a) =>
            `${a.area}: ${a.becameConveners} of ${a.deputies} deputies later became conveners (or led otherwise) in the area` +
            (a.share !== null && a.ci95 ? ` (${percent(a.share)}, 95 % interval ${percent(a.ci95[0])} to ${percent(a.ci95[1])})` : '') +
            (a.medianYears !== null ? `, after a median of ${a.medianYears} years.` : '.'),
        );
  return { areas, readings };
}

export type TermStatus = 'in-term' | 'due' | 'overdue';

export interface TermInForce {
  appointmentId: string;
  positionId: string;
  positionTitle: string;
  level: string;
  area: string;
  kind: string;
  memberId: string;
  memberName: string;
  startsOn: string;
  endsOn: string | null;
  termEndsOn: string;
  termYears: number;
  maxTerms: number;
  tenures: Array<{ startsOn: string; endsOn: string | null }>;
}

export interface TermLimitStatus extends Omit<TermInForce, 'tenures' | 'termYears'> {
  /** Which term in a row this is. */
  consecutiveTerm: number;
  /** Whether another term in a row is within maxTerms. */
  mayServeAgain: boolean;
  status: TermStatus;
}

/**
 * Due: the term ends within `withinDays` of `on`; overdue: it has ended and nobody ended the
 * appointment. Those who may not serve again in a row are the ones who must rotate.
 */
export function termLimitStatus(terms: readonly TermInForce[], on: string, withinDays: number): TermLimitStatus[] {
  const horizon = new Date(Date.parse(`${on}T00:00:00Z`) + withinDays * 86_400_000).toISOString().slice(0, 10);
  return terms.map(({ tenures, termYears, ...term }) => {
    const own: Tenure[] = tenures.map((x) => ({ memberId: term.memberId, startsOn: x.startsOn, endsOn: x.endsOn }));
    const current = own.find((x) => x.startsOn === term.startsOn)!;
    const consecutiveTerm = consecutiveTerms(
      current,
      own.filter((x) => x.startsOn <= term.startsOn),
      termYears,
    );
    const ends = term.endsOn ?? term.termEndsOn;
    const status: TermStatus = term.termEndsOn <= on ? 'overdue' : ends <= horizon ? 'due' : 'in-term';
    return { ...term, consecutiveTerm, mayServeAgain: consecutiveTerm < term.maxTerms, status };
  });
}
