// The term rules of a leadership position, as plain functions: a proposed appointment against the
// position's other appointments. Pure: dates are ISO strings (YYYY-MM-DD), compared as text.
//
// - already-holding: the person already holds this position during the proposed term (never overridden:
//   a second appointment would be the same seat twice);
// - seats-full: on some day of the proposed term every seat is taken;
// - max-consecutive-terms: with the proposed term the person would serve more than maxTerms terms in a
//   row. Terms are consecutive when the later one begins less than termYears years after the earlier
//   one ended: stepping aside for a full term starts the count afresh;
// - term-length: the proposed term ends more than termYears years after it begins.
// The last three may be overridden with a recorded reason.

export const TERM_RULES = ['already-holding', 'seats-full', 'max-consecutive-terms', 'term-length'] as const;
export type TermRule = (typeof TERM_RULES)[number];
export const OVERRIDABLE_RULES: readonly TermRule[] = ['seats-full', 'max-consecutive-terms', 'term-length'];

export interface Tenure {
  memberId: string;
  startsOn: string;
  endsOn: string | null;
}

export interface PositionTerms {
  title: string;
  termYears: number;
  maxTerms: number;
  seats: number;
}

export interface RuleBreach {
  rule: TermRule;
  overridable: boolean;
  message: string;
}

/** The same day `years` later (29 February becomes 28 February in a common year). */
export function addYears(day: string, years: number): string {
  const y = Number(day.slice(0, 4)) + years;
  let rest = day.slice(4);
  if (rest === '-02-29' && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0))) rest = '-02-28';
  return `${String(y).padStart(4, '0')}${rest}`;
}

/** Whether a tenure is in force on `day` (its first day counts, its end day does not). */
export function holdsOn(t: Pick<Tenure, 'startsOn' | 'endsOn'>, day: string): boolean {
  return t.startsOn <= day && (t.endsOn === null || t.endsOn > day);
}

function overlaps(a: Tenure, b: Tenure): boolean {
  return (a.endsOn === null || b.startsOn < a.endsOn) && (b.endsOn === null || a.startsOn < b.endsOn);
}

/**
 * How many terms in a row the person serves in the run that contains `tenure`, among `tenures` (their
 * terms in one position, `tenure` included).
 */
export function consecutiveTerms(tenure: Tenure, tenures: readonly Tenure[], termYears: number): number {
  const own = [...tenures].filter((t) => t.memberId === tenure.memberId).sort((a, b) => a.startsOn.localeCompare(b.startsOn));
  const at = own.indexOf(tenure);
  if (at < 0) return 1;
  const follows = (earlier: Tenure, later: Tenure) => earlier.endsOn === null || later.startsOn < addYears(earlier.endsOn, termYears);
  let first = at;
  while (first > 0 && follows(own[first - 1], own[first])) first--;
  let last = at;
  while (last < own.length - 1 && follows(own[last], own[last + 1])) last++;
  return last - first + 1;
}

/** Every rule the proposed tenure would break among the position's other tenures. */
export function termRuleBreaches(position: PositionTerms, others: readonly Tenure[], proposed: Tenure): RuleBreach[] {
  const breaches: RuleBreach[] = [];
  const overlapping = others.filter((t) => overlaps(t, proposed));
  if (overlapping.some((t) => t.memberId === proposed.memberId)) {
    breaches.push({
      rule: 'already-holding',
      overridable: false,
      message: `already holds ${position.title} during this term; end that appointment first`,
    });
  }
  // The busiest day of the proposed term is its first day or a day another term begins on.
  const days = [proposed.startsOn, ...overlapping.map((t) => t.startsOn).filter((d) => d > proposed.startsOn)];
  const busiest = days
    .map((day) => ({ day, taken: overlapping.filter((t) => holdsOn(t, day)).length }))
    .sort((a, b) => b.taken - a.taken)[0];
  if (busiest.taken >= position.seats) {
    breaches.push({
      rule: 'seats-full',
      overridable: true,
      message: `every seat of ${position.title} (${position.seats}) is taken on ${busiest.day}`,
    });
  }
  const run = consecutiveTerms(proposed, [...others, proposed], position.termYears);
  if (run > position.maxTerms) {
    breaches.push({
      rule: 'max-consecutive-terms',
      overridable: true,
      message: `would be term ${run} in a row of ${position.title}, which allows at most ${position.maxTerms} consecutive terms`,
    });
  }
  if (proposed.endsOn !== null && proposed.endsOn > addYears(proposed.startsOn, position.termYears)) {
    breaches.push({
      rule: 'term-length',
      overridable: true,
      message: `ends ${proposed.endsOn}, more than the ${position.termYears}-year term of ${position.title} after ${proposed.startsOn}`,
    });
  }
  return breaches;
}
