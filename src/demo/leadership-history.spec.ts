import { termRuleBreaches, Tenure } from '../leadership/term-rules';
import { LeadershipCandidate, planLeadershipHistory } from './leadership-history';
import { pick, randomStream } from './random';

const random = randomStream(1, 'test-members');
const candidates: LeadershipCandidate[] = Array.from({ length: 1500 }, (_, i) => ({
  id: `m${i}`,
  gender: random() < 0.2 ? 'woman' : 'man',
  careerStage: pick(random, ['tenured', 'nontenured', 'postdoc', 'student'] as const),
  joinedOn: `${1995 + (i % 20)}-01-01`,
  leftOn: i % 17 === 0 ? '2018-06-30' : null,
}));

describe('the demo leadership history', () => {
  const plan = planLeadershipHistory(candidates, { seed: 42, today: '2026-12-03' });

  it('is the same for the same seed', () => {
    expect(planLeadershipHistory(candidates, { seed: 42, today: '2026-12-03' })).toEqual(plan);
  });

  it('spans L1 to L3 over fifteen years with deputies, and keeps every term rule', () => {
    expect(new Set(plan.positions.map((p) => p.level))).toEqual(new Set(['L1', 'L2', 'L3']));
    expect(plan.appointments.length).toBeGreaterThan(200);
    expect(plan.appointments.some((a) => a.startsOn < '2012-12-31')).toBe(true);
    expect(plan.appointments.some((a) => a.endsOn === null)).toBe(true);
    for (const position of plan.positions) {
      const seen: Tenure[] = [];
      for (const a of plan.appointments.filter((x) => x.position === position.title).sort((x, y) => x.startsOn.localeCompare(y.startsOn))) {
        const tenure = { memberId: a.memberId, startsOn: a.startsOn, endsOn: a.endsOn };
        expect([position.title, termRuleBreaches(position, seen, tenure)]).toEqual([position.title, []]);
        seen.push(tenure);
      }
    }
    const member = new Map(candidates.map((c) => [c.id, c]));
    for (const a of plan.appointments) {
      const c = member.get(a.memberId)!;
      expect(c.joinedOn <= a.startsOn && (c.leftOn === null || c.leftOn > a.startsOn)).toBe(true);
    }
    expect(plan.call.nominees.length).toBeGreaterThan(0);
  });

  it('turns some deputies into conveners of their area', () => {
    const deputies = new Set(plan.appointments.filter((a) => /deputy convener/.test(a.position)).map((a) => a.memberId));
    const conveners = plan.appointments.filter((a) => / group convener$/.test(a.position) && deputies.has(a.memberId));
    expect(conveners.length).toBeGreaterThan(0);
  });
});
