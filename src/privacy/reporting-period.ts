// Coarse reporting periods for everything crossed with gender (for readers who get noisy counts).
// A reader who may ask for any day could subtract two reports a day apart and isolate the one person
// who joined, or was invited, in between; so gender counts are published only for whole calendar
// quarters that have ended:
// - counts of events (talks, nominations, invitations) cover the whole quarters the period touches,
//   each quarter a table of its own (a range is the sum of its quarters' noisy tables); the quarter
//   in progress is left out, because its counts change every day and each change would be a fresh
//   look at almost the same records;
// - the membership is counted on the last day of a quarter: the last quarter end on or before `to`
//   that has passed.
// Pure: ISO dates in, ISO dates out.

export type IsoDate = string;

const pad = (n: number) => String(n).padStart(2, '0');
const iso = (y: number, m: number, d: number): IsoDate => `${String(y).padStart(4, '0')}-${pad(m)}-${pad(d)}`;
const lastDayOf = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

function parts(day: IsoDate): [number, number, number] {
  return [Number(day.slice(0, 4)), Number(day.slice(5, 7)), Number(day.slice(8, 10))];
}

/** First day of the quarter that holds `day`. */
export function quarterStart(day: IsoDate): IsoDate {
  const [y, m] = parts(day);
  return iso(y, Math.floor((m - 1) / 3) * 3 + 1, 1);
}

/** Last day of the quarter that holds `day`. */
export function quarterEnd(day: IsoDate): IsoDate {
  const [y, m] = parts(day);
  const last = Math.floor((m - 1) / 3) * 3 + 3;
  return iso(y, last, lastDayOf(y, last));
}

/** The last day of the quarter before the one that holds `day`. */
export function previousQuarterEnd(day: IsoDate): IsoDate {
  const [y, m] = parts(quarterStart(day));
  return m === 1 ? iso(y - 1, 12, 31) : iso(y, m - 1, lastDayOf(y, m - 1));
}

/** The last quarter end on or before `day`. */
export function quarterEndOnOrBefore(day: IsoDate): IsoDate {
  return quarterEnd(day) === day ? day : previousQuarterEnd(day);
}

/** The quarter a day falls in, as `YYYY-Qn`. */
export function quarterOf(day: IsoDate): string {
  const [y, m] = parts(day);
  return `${String(y).padStart(4, '0')}-Q${Math.floor((m - 1) / 3) + 1}`;
}

export interface PublishedPeriod {
  /** First day counted (a quarter's first day), or null for everything before `to`. */
  from: IsoDate | null;
  /** Last day counted: the end of a quarter that has passed. */
  to: IsoDate;
  /** The membership is counted on this day. */
  membersOn: IsoDate;
  /** True when no whole, ended quarter is in the period asked for: nothing is counted. */
  empty: boolean;
}

/**
 * The period a gender report covers when asked for [from, to] on `today`: whole quarters, ended ones
 * only. `from` moves back to its quarter's start, `to` forward to its quarter's end unless that
 * quarter has not ended, then back to the last quarter end that has passed.
 */
export function publishedPeriod(from: IsoDate | undefined, to: IsoDate, today: IsoDate): PublishedPeriod {
  const lastEnded = previousQuarterEnd(today);
  const end = quarterEnd(to) <= lastEnded ? quarterEnd(to) : lastEnded;
  const start = from ? quarterStart(from) : null;
  const membersOn = quarterEndOnOrBefore(to) <= lastEnded ? quarterEndOnOrBefore(to) : lastEnded;
  return { from: start, to: end, membersOn, empty: start !== null && start > end };
}
