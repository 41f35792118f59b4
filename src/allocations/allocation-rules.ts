// Which nominees a choice passes over, and who is next in line when a seat is freed.
// Plain data in, plain data out: the service gathers the ranked nominees and who is already taken.
import { NominationStatus } from '../common/enums';

export interface RankedNominee {
  memberId: string;
  name: string;
  rank: number;
  score: number;
  nominationStatus: NominationStatus;
}

export interface PassedOverNominee {
  memberId: string;
  name: string;
  rank: number;
}

const ACTIVE_NOMINATION: readonly NominationStatus[] = ['submitted', 'shortlisted'];

/**
 * Still in the running for this slot: the nomination is neither rejected, withdrawn nor already
 * turned into an allocation, and the person has no allocation of any status in this slot (someone
 * who declined is not chased again).
 */
export function isAvailable(nominee: RankedNominee, allocatedInSlot: ReadonlySet<string>): boolean {
  return ACTIVE_NOMINATION.includes(nominee.nominationStatus) && !allocatedInSlot.has(nominee.memberId);
}

/**
 * Available nominees ranked strictly better than the chosen one (equal ranks are ties, not passed
 * over). A chosen member missing from the ranking is treated as ranked last.
 */
export function passedOver(
  ranked: readonly RankedNominee[],
  chosenMemberId: string,
  allocatedInSlot: ReadonlySet<string>,
): PassedOverNominee[] {
  const chosen = ranked.find((n) => n.memberId === chosenMemberId);
  const chosenRank = chosen?.rank ?? Number.POSITIVE_INFINITY;
  return ranked
    .filter((n) => n.memberId !== chosenMemberId && n.rank < chosenRank && isAvailable(n, allocatedInSlot))
    .sort((a, b) => a.rank - b.rank)
    .map(({ memberId, name, rank }) => ({ memberId, name, rank }));
}

/** The best-ranked nominees still available, so a freed seat can be offered in one more call. */
export function nextCandidates<T extends RankedNominee>(ranked: readonly T[], allocatedInSlot: ReadonlySet<string>, limit = 5): T[] {
  return ranked
    .filter((n) => isAvailable(n, allocatedInSlot))
    .sort((a, b) => a.rank - b.rank)
    .slice(0, limit);
}
