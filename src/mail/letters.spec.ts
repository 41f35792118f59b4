import { digestLetter, invitationLetter, lapsedNotice, outcomeLetter } from './letters';

const facts = {
  speakerName: 'Ada Lovelace',
  slotTitle: 'Higgs physics',
  talkType: 'plenary',
  conferenceName: 'ICHEP 2027',
  startDate: '2027-07-14',
  endDate: '2027-07-21',
  location: 'Forum Hall, Prague, Czechia',
  startsAt: new Date('2027-07-15T07:30:00Z'),
  durationMinutes: 45,
  timeZone: 'Europe/Prague',
  respondBy: new Date('2027-05-01T10:00:00Z'),
  link: 'https://speakers.example/dashboard/invitation.html#abc.def',
};

describe('letters', () => {
  it('invites with the talk, the venue time, the place, the deadline in venue time and the link', () => {
    const { subject, body } = invitationLetter(facts);
    expect(subject).toBe('Invitation to speak: Higgs physics at ICHEP 2027');
    expect(body).toContain('  When:       Thursday, 15 July 2027, 09:30 (Europe/Prague), 45 minutes');
    expect(body).toContain('  Where:      Forum Hall, Prague, Czechia');
    expect(body).toContain('Please accept or decline by Saturday, 1 May 2027, 12:00 (Europe/Prague):');
    expect(body).toContain(`\n  ${facts.link}\n`);
    expect(body).toContain('never counts against you');
  });

  it('says when a talk is not scheduled yet, and leaves out an unknown place', () => {
    const { body } = invitationLetter({ ...facts, startsAt: null, location: null });
    expect(body).toContain('during the conference (2027-07-14 to 2027-07-21); the exact time follows');
    expect(body).not.toContain('Where:');
  });

  it('tells a nominator the outcome for their own nominee', () => {
    expect(
      outcomeLetter({ nominatorName: 'N', nomineeName: 'Grace Hopper', slotTitle: 'Flavour', conferenceName: 'EPS', selected: false })
        .subject,
    ).toBe('Not this time: your nomination for Flavour at EPS');
    expect(
      outcomeLetter({ nominatorName: 'N', nomineeName: 'Grace Hopper', slotTitle: 'Flavour', conferenceName: 'EPS', selected: true }).body,
    ).toContain('Grace Hopper, whom you nominated, will give the talk "Flavour" at EPS.');
  });

  it('lists the next candidates best first, or says there is none', () => {
    const withNext = lapsedNotice({
      speakerName: 'Ada',
      slotTitle: 'Higgs',
      conferenceName: 'EPS',
      nextCandidates: [
        { name: 'Emmy Noether', rank: 2, careerStage: 'tenured', region: 'GERMANY' },
        { name: 'Vera Rubin', rank: 3, careerStage: 'postdoc', region: 'USA' },
      ],
    }).body;
    expect(withNext).toMatch(/best ranked first:\n {2}2\. Emmy Noether \(tenured, GERMANY\)\n {2}3\. Vera Rubin \(postdoc, USA\)/);
    expect(lapsedNotice({ speakerName: 'Ada', slotTitle: 'Higgs', conferenceName: 'EPS', nextCandidates: [] }).body).toContain(
      'No other nominee is available for the seat.',
    );
  });

  it("counts the day's answers by kind in the digest", () => {
    const at = new Date('2027-05-01T06:00:00Z');
    const digest = digestLetter({
      day: '2027-05-01',
      pending: [],
      responses: [
        { conferenceName: 'EPS', slotTitle: 'Higgs', speakerName: 'Ada', status: 'accepted', at },
        { conferenceName: 'EPS', slotTitle: 'Top', speakerName: 'Emmy', status: 'expired', at },
        { conferenceName: 'EPS', slotTitle: 'Flavour', speakerName: 'Vera', status: 'accepted', at },
      ],
    });
    expect(digest.subject).toBe('Speaker responses for 2027-05-01: 2 accepted, 0 declined, 1 expired');
    expect(digest.body).not.toContain('Still waiting');
  });
});
