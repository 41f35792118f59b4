// What a choice does to the make-up of a conference's speakers, next to the membership's make-up.
// The database counts (one query per dimension); this turns counts into shares, side by side.

/** Counts for one value of a dimension: speakers before and after the change, and current members. */
export interface BalanceCounts {
  value: string;
  before: number;
  after: number;
  members: number;
}

export interface CountShare {
  count: number;
  /** count / total of its column; null when the column is empty. */
  share: number | null;
}

export interface BalanceRow {
  value: string;
  before: CountShare;
  after: CountShare;
  members: CountShare;
}

export interface BalanceTable {
  totals: { before: number; after: number; members: number };
  values: BalanceRow[];
}

export interface BalancePreview {
  conferenceId: string;
  /** Speakers are allocations that are invited or accepted; members are those who have not left. */
  region: BalanceTable;
  careerStage: BalanceTable;
}

/**
 * Shares per column. `known` values missing from the counts are listed with zeros, so the committee
 * sees a career stage with no speaker at all rather than not seeing it.
 */
export function balanceTable(counts: readonly BalanceCounts[], known: readonly string[] = []): BalanceTable {
  const byValue = new Map(counts.map((c) => [c.value, c]));
  const ordered = [
    ...known.map((value) => byValue.get(value) ?? { value, before: 0, after: 0, members: 0 }),
    ...counts.filter((c) => !known.includes(c.value)),
  ];
  const totals = {
    before: sum(ordered.map((c) => c.before)),
    after: sum(ordered.map((c) => c.after)),
    members: sum(ordered.map((c) => c.members)),
  };
  return {
    totals,
    values: ordered.map((c) => ({
      value: c.value,
      before: share(c.before, totals.before),
      after: share(c.after, totals.after),
      members: share(c.members, totals.members),
    })),
  };
}

function share(count: number, total: number): CountShare {
  return { count, share: total > 0 ? count / total : null };
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
