// The lifecycle of a harassment report, as the contact person works it:
//   received -> in_follow_up -> action_recommended -> action_taken -> closed
// A recommendation may be skipped (in_follow_up -> action_taken), and a report may be closed without
// action from received or in_follow_up (unfounded, withdrawn, outside the committee's remit).
// Closed is final: new information about a closed case is a new report.
import { LifecycleTable, movesFrom } from '../common/lifecycle';

export const INCIDENT_STATUSES = ['received', 'in_follow_up', 'action_recommended', 'action_taken', 'closed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** Only the harassment contact works a report. */
export type IncidentActor = 'contact';

export const INCIDENT_TRANSITIONS: LifecycleTable<IncidentStatus, IncidentActor> = {
  received: { in_follow_up: ['contact'], closed: ['contact'] },
  in_follow_up: { action_recommended: ['contact'], action_taken: ['contact'], closed: ['contact'] },
  action_recommended: { action_taken: ['contact'], closed: ['contact'] },
  action_taken: { closed: ['contact'] },
  closed: {},
};

/** Moving here records what was recommended or done, so the action is required. */
const NEEDS_ACTION: readonly IncidentStatus[] = ['action_recommended', 'action_taken'];
/** Moving here may carry a closing remark in `action`; other moves carry none. */
const TAKES_ACTION: readonly IncidentStatus[] = [...NEEDS_ACTION, 'closed'];

export function nextStatuses(from: IncidentStatus): readonly IncidentStatus[] {
  return movesFrom(INCIDENT_TRANSITIONS, from);
}

export type StatusChangeVerdict = { ok: true } | { ok: false; kind: 'illegal' | 'action-required' | 'action-not-taken'; reason: string };

export function judgeStatusChange(from: IncidentStatus, to: IncidentStatus, action?: string): StatusChangeVerdict {
  if (INCIDENT_TRANSITIONS[from][to] === undefined) {
    const allowed = nextStatuses(from);
    return {
      ok: false,
      kind: 'illegal',
      reason:
        `A report that is ${from} cannot move to ${to}` +
        (allowed.length ? ` (it can move to: ${allowed.join(', ')})` : ' (closed is final)'),
    };
  }
  const hasAction = action !== undefined && action.trim() !== '';
  if (NEEDS_ACTION.includes(to) && !hasAction) {
    return {
      ok: false,
      kind: 'action-required',
      reason: `Moving to ${to} requires the action that was ${to === 'action_taken' ? 'taken' : 'recommended'}`,
    };
  }
  if (hasAction && !TAKES_ACTION.includes(to)) {
    return {
      ok: false,
      kind: 'action-not-taken',
      reason: `An action is recorded only when moving to action_recommended, action_taken or closed`,
    };
  }
  return { ok: true };
}
