import { createHash } from 'node:crypto';
import { CAREER_STAGES } from '../common/enums';
import { careerStageAt, Collaboration, generateCollaboration, instituteAt } from './collaboration';

const TODAY = '2026-11-24';

function fingerprint(c: Collaboration, talks = Number.POSITIVE_INFINITY): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify([c.institutes, c.members, c.users, c.conferences, c.slots, c.nominations, c.allocations]));
  let n = 0;
  for (const talk of c.talks()) {
    if (n++ >= talks) break;
    hash.update(JSON.stringify(talk));
  }
  return hash.digest('hex');
}

describe('the generated collaboration', () => {
  const demo = generateCollaboration({ today: TODAY, members: 5000, seed: 42 });
  const talks = [...demo.talks()];
  const current = demo.members.filter((m) => m.leftOn === null);
  const byId = new Map(demo.members.map((m) => [m.id, m]));

  it('is the same for the same seed and different for another', () => {
    const again = generateCollaboration({ today: TODAY, members: 5000, seed: 42 });
    expect(fingerprint(again)).toBe(fingerprint(demo));
    expect(fingerprint(generateCollaboration({ today: TODAY, members: 5000, seed: 43 }), 1000)).not.toBe(fingerprint(demo, 1000));
  });

  it('keeps the members when only the number of talks changes', () => {
    const more = generateCollaboration({ today: TODAY, members: 5000, seed: 42, talks: 20_000 });
    expect(more.members).toEqual(demo.members);
    expect([...more.talks()]).toHaveLength(20_000);
  });

  it('has about 230 institutes, CERN the largest and the USA the largest country', () => {
    expect(demo.institutes.length).toBeGreaterThanOrEqual(220);
    expect(demo.institutes.length).toBeLessThanOrEqual(240);
    expect(new Set(demo.institutes.map((i) => i.name.toLowerCase())).size).toBe(demo.institutes.length);
    const perInstitute = new Map<string, number>();
    for (const m of current) perInstitute.set(m.instituteId, (perInstitute.get(m.instituteId) ?? 0) + 1);
    const largest = [...perInstitute].sort((a, b) => b[1] - a[1])[0][0];
    expect(demo.institutes.find((i) => i.id === largest)?.name).toBe('CERN');
    const country = new Map(demo.institutes.map((i) => [i.id, i.country]));
    const perCountry = new Map<string, number>();
    for (const m of current) perCountry.set(country.get(m.instituteId)!, (perCountry.get(country.get(m.instituteId)!) ?? 0) + 1);
    const ranked = [...perCountry].sort((a, b) => b[1] - a[1]);
    expect(ranked[0][0]).toBe('US');
    expect(ranked[0][1] / current.length).toBeGreaterThan(0.18);
    // Countries outside the region scheme, for the data-quality listing.
    expect(['JP', 'AU', 'TH'].every((c) => perCountry.has(c))).toBe(true);
  });

  it('reuses the institutes the database already has, by name', () => {
    const c = generateCollaboration({ today: TODAY, members: 100, existingInstitutes: { CERN: 'cern-id', 'JINR Dubna': 'jinr-id' } });
    expect(c.institutes.filter((i) => i.existing).map((i) => [i.name, i.id, i.regionOverride])).toEqual([
      ['CERN', 'cern-id', 'CERN'],
      ['JINR Dubna', 'jinr-id', 'RDMS'],
    ]);
  });

  it('has the career-stage mix of a large experiment', () => {
    const share = (stage: string) => current.filter((m) => m.careerStage === stage).length / current.length;
    const expected = { student: 0.3, postdoc: 0.22, nontenured: 0.1, tenured: 0.25, engineer: 0.1, other: 0.03 };
    for (const stage of CAREER_STAGES) expect(Math.abs(share(stage) - expected[stage])).toBeLessThan(0.03);
  });

  it('has about a quarter women among students and postdocs, an eighth among tenured staff, and some nonbinary and undisclosed', () => {
    const women = (stage: string) => {
      const group = current.filter((m) => m.careerStage === stage);
      return group.filter((m) => m.gender === 'woman').length / group.length;
    };
    expect(women('student')).toBeGreaterThan(0.21);
    expect(women('student')).toBeLessThan(0.29);
    expect(women('postdoc')).toBeGreaterThan(0.2);
    expect(women('tenured')).toBeGreaterThan(0.09);
    expect(women('tenured')).toBeLessThan(0.15);
    expect(current.some((m) => m.gender === 'nonbinary')).toBe(true);
    expect(current.some((m) => m.gender === 'undisclosed')).toBe(true);
  });

  it('gives members dated histories: promotions up the ladder and some institute moves', () => {
    const ladder = ['student', 'postdoc', 'nontenured', 'tenured'];
    const inconsistent = demo.members.filter((m) => {
      const dates = m.careerStages.map((e) => e.validFrom);
      const rungs = m.careerStages.map((e) => ladder.indexOf(e.careerStage));
      return (
        m.careerStages[0].validFrom !== m.joinedOn ||
        m.affiliations[0].validFrom !== m.joinedOn ||
        m.careerStages.at(-1)!.careerStage !== m.careerStage ||
        m.affiliations.at(-1)!.instituteId !== m.instituteId ||
        dates.some((d, i) => i > 0 && d <= dates[i - 1]) ||
        (m.leftOn !== null && m.leftOn <= m.joinedOn) ||
        (m.careerStages.length > 1 && !rungs.every((r, i) => i === 0 || r === rungs[i - 1] + 1))
      );
    });
    expect(inconsistent).toEqual([]);
    expect(demo.members.filter((m) => m.careerStages.length >= 3).length).toBeGreaterThan(500);
    expect(demo.members.filter((m) => m.affiliations.length > 1).length).toBeGreaterThan(500);
    expect(demo.members.filter((m) => m.leftOn !== null).length).toBeGreaterThan(100);
  });

  it("has fifteen years of conferences of every tier, and next year's ahead", () => {
    const years = new Set(demo.conferences.map((c) => c.startDate.slice(0, 4)));
    for (let y = 2012; y <= 2027; y++) expect(years.has(String(y))).toBe(true);
    for (const tier of ['major', 'standard', 'minor']) expect(demo.conferences.some((c) => c.tier === tier)).toBe(true);
    expect(demo.conferences.map((c) => c.name)).toEqual(
      expect.arrayContaining(['ICHEP 2024', 'EPS-HEP 2025', 'Moriond EW 2026', 'LHCP 2027']),
    );
    const slotsOf = new Set(demo.slots.map((s) => s.conferenceId));
    expect(demo.conferences.every((c) => slotsOf.has(c.id))).toBe(true);
  });

  it('records every talk with the career stage and institute the speaker had that day, while a member', () => {
    expect(talks).toHaveLength(15_000);
    const conferences = new Map(demo.conferences.map((c) => [c.id, c]));
    const inconsistent = talks.filter((talk) => {
      const member = byId.get(talk.memberId)!;
      const conference = conferences.get(talk.conferenceId)!;
      return (
        !(talk.date >= conference.startDate && talk.date <= conference.endDate && talk.date < TODAY) ||
        !(talk.date >= member.joinedOn && (member.leftOn === null || talk.date < member.leftOn)) ||
        talk.careerStage !== careerStageAt(member, talk.date) ||
        talk.instituteId !== instituteAt(member, talk.date)
      );
    });
    expect(inconsistent).toEqual([]);
    // Stages change over a career, so many talks were given at an earlier stage than the speaker's current one.
    expect(talks.filter((t) => t.careerStage !== byId.get(t.memberId)!.careerStage).length).toBeGreaterThan(1000);
  });

  it('has open nominations for upcoming conferences, one active nomination per member and slot', () => {
    const slotConference = new Map(demo.slots.map((s) => [s.id, demo.conferences.find((c) => c.id === s.conferenceId)!]));
    const open = demo.nominations.filter((n) => n.status === 'submitted' || n.status === 'shortlisted');
    expect(open.length).toBeGreaterThan(500);
    // Past conferences keep open only the nominations whose invitation was declined (back on the shortlist).
    const declined = new Set(demo.allocations.filter((a) => a.status === 'declined').map((a) => a.nominationId));
    expect(open.every((n) => slotConference.get(n.slotId)!.startDate > TODAY || declined.has(n.id))).toBe(true);
    expect(open.every((n) => byId.get(n.memberId)!.leftOn === null)).toBe(true);
    const active = demo.nominations.filter((n) => n.status !== 'withdrawn').map((n) => `${n.memberId}/${n.slotId}`);
    expect(new Set(active).size).toBe(active.length);
    const nominators = new Set(demo.users.filter((u) => u.roles.includes('nominator')).map((u) => u.id));
    expect(demo.nominations.every((n) => nominators.has(n.nominatorId))).toBe(true);
  });

  it("has allocations that never exceed a slot's seats, each with its nomination", () => {
    const seats = new Map(demo.slots.map((s) => [s.id, s.seats]));
    const taken = new Map<string, number>();
    const nominations = new Map(demo.nominations.map((n) => [n.id, n]));
    for (const a of demo.allocations) {
      if (a.status === 'invited' || a.status === 'accepted') taken.set(a.slotId, (taken.get(a.slotId) ?? 0) + 1);
      const nomination = nominations.get(a.nominationId)!;
      // A declined invitation sends the nomination back to the shortlist, as the service does.
      const expected = a.status === 'declined' ? 'shortlisted' : 'allocated';
      expect([nomination.memberId, nomination.slotId, nomination.status]).toEqual([a.memberId, a.slotId, expected]);
    }
    for (const [slot, n] of taken) expect(n).toBeLessThanOrEqual(seats.get(slot)!);
    for (const status of ['invited', 'accepted', 'declined']) expect(demo.allocations.some((a) => a.status === status)).toBe(true);
    const accepted = new Set(demo.allocations.filter((a) => a.status === 'accepted').map((a) => a.id));
    const recorded = talks.filter((t) => t.allocationId !== null);
    expect(recorded.every((t) => accepted.has(t.allocationId!))).toBe(true);
  });

  it('has one user per role', () => {
    for (const role of ['admin', 'committee', 'nominator', 'monitor', 'contact']) {
      expect(demo.users.some((u) => u.roles.includes(role as never))).toBe(true);
    }
  });

  it('can add one slot with a long candidate list', () => {
    const c = generateCollaboration({ today: TODAY, members: 1000, talks: 100, crowdedSlotNominees: 200 });
    const nominees = c.nominations.filter((n) => n.slotId === c.crowdedSlotId);
    expect(nominees).toHaveLength(200);
    expect(new Set(nominees.map((n) => n.memberId)).size).toBe(200);
  });
});
