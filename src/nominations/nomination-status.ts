// The nomination lifecycle as a small explicit table: who may move a nomination from which status
// to which. Pure, so the rules read in one place and are tested alone.
import { checkMove, LifecycleTable, MoveCheck } from '../common/lifecycle';
import { NominationStatus } from '../common/enums';

/**
 * - nominator: the person who submitted the nomination (their own only).
 * - committee: shortlists, rejects, reconsiders.
 * - allocation: the allocation lifecycle, the only one that marks a nominee allocated (and undoes it
 *   when the invitation is declined, withdrawn or expires).
 */
export type NominationActor = 'nominator' | 'committee' | 'allocation';

export const NOMINATION_TRANSITIONS: LifecycleTable<NominationStatus, NominationActor> = {
  submitted: { shortlisted: ['committee'], rejected: ['committee'], withdrawn: ['nominator'], allocated: ['allocation'] },
  shortlisted: { submitted: ['committee'], rejected: ['committee'], withdrawn: ['nominator'], allocated: ['allocation'] },
  // Reconsidering a rejection puts the nomination back in the queue.
  rejected: { submitted: ['committee'] },
  allocated: { shortlisted: ['allocation'] },
  // Final: the member can simply be nominated again.
  withdrawn: {},
};

export type TransitionCheck = MoveCheck<NominationActor>;

/**
 * `illegal`: no one may make this change (409). `forbidden`: the change exists, but not for these
 * actors (403). An actor holding several roles may use any of them.
 */
export function checkTransition(from: NominationStatus, to: NominationStatus, actors: readonly NominationActor[]): TransitionCheck {
  return checkMove(NOMINATION_TRANSITIONS, from, to, actors);
}

/** Statuses in which a nomination competes for its slot (and is counted as a candidate). */
export const ACTIVE_NOMINATION_STATUSES: readonly NominationStatus[] = ['submitted', 'shortlisted', 'allocated'];
