import fc from 'fast-check';
import { INCIDENT_STATUSES, IncidentStatus, judgeStatusChange, nextStatuses } from './incident-status';

const status = fc.constantFrom(...INCIDENT_STATUSES);

describe('incident status machine', () => {
  it('follows received -> in_follow_up -> action_recommended -> action_taken -> closed', () => {
    expect(judgeStatusChange('received', 'in_follow_up')).toEqual({ ok: true });
    expect(judgeStatusChange('in_follow_up', 'action_recommended', 'Speaker warned in writing')).toEqual({ ok: true });
    expect(judgeStatusChange('action_recommended', 'action_taken', 'Excluded from the next meeting')).toEqual({ ok: true });
    expect(judgeStatusChange('action_taken', 'closed')).toEqual({ ok: true });
  });

  it('allows closing without action only before any action, and taking action without a recommendation', () => {
    expect(judgeStatusChange('received', 'closed', 'Unfounded after talking to the reporter')).toEqual({ ok: true });
    expect(judgeStatusChange('in_follow_up', 'closed')).toEqual({ ok: true });
    expect(judgeStatusChange('in_follow_up', 'action_taken', 'Badge withdrawn')).toEqual({ ok: true });
  });

  it('refuses skipping follow-up, going back, staying put, and anything after closed', () => {
    for (const [from, to] of [
      ['received', 'action_taken'],
      ['received', 'action_recommended'],
      ['action_taken', 'in_follow_up'],
      ['in_follow_up', 'received'],
      ['in_follow_up', 'in_follow_up'],
      ['closed', 'in_follow_up'],
      ['action_taken', 'action_recommended'],
    ] as [IncidentStatus, IncidentStatus][]) {
      expect(judgeStatusChange(from, to, 'x')).toMatchObject({ ok: false, kind: 'illegal' });
    }
  });

  it('requires the action when recommending or taking it, and refuses one on other moves', () => {
    expect(judgeStatusChange('in_follow_up', 'action_recommended')).toMatchObject({ ok: false, kind: 'action-required' });
    expect(judgeStatusChange('in_follow_up', 'action_taken', '   ')).toMatchObject({ ok: false, kind: 'action-required' });
    expect(judgeStatusChange('received', 'in_follow_up', 'Called the reporter')).toMatchObject({ ok: false, kind: 'action-not-taken' });
  });

  it('never returns to received, and closed is final', () => {
    fc.assert(
      fc.property(status, status, fc.string(), (from, to, action) => {
        const verdict = judgeStatusChange(from, to, action);
        if (to === 'received' || from === 'closed' || from === to) expect(verdict).toMatchObject({ ok: false, kind: 'illegal' });
      }),
    );
  });

  it('lets every open report reach closed, and every status be reached from received', () => {
    const reachable = (from: IncidentStatus): Set<IncidentStatus> => {
      const seen = new Set<IncidentStatus>([from]);
      const queue = [from];
      while (queue.length)
        for (const next of nextStatuses(queue.shift()!))
          if (!seen.has(next)) {
            seen.add(next);
            queue.push(next);
          }
      return seen;
    };
    expect([...reachable('received')].sort()).toEqual([...INCIDENT_STATUSES].sort());
    for (const s of INCIDENT_STATUSES) expect(reachable(s).has('closed')).toBe(true);
  });

  it('agrees with nextStatuses about which moves are legal', () => {
    fc.assert(
      fc.property(status, status, (from, to) => {
        const verdict = judgeStatusChange(from, to, 'what was done');
        expect(verdict.ok || verdict.kind !== 'illegal').toBe(nextStatuses(from).includes(to));
      }),
    );
  });
});
