import { introductionLetter } from './mentorship-letters';

describe('the introduction of a published pair', () => {
  it('names both partners, their institutes and what they share, and nothing else', () => {
    const letter = introductionLetter({
      year: 2027,
      mentorName: 'Tess Example',
      mentorInstitute: 'CERN',
      menteeName: 'Sara Example',
      menteeInstitute: 'INFN Roma',
      kinds: ['career advancement'],
      continued: false,
    });
    expect(letter.subject).toBe('Mentorship programme 2027: Tess Example and Sara Example');
    expect(letter.body).toContain('Mentor: Tess Example (CERN)');
    expect(letter.body).toContain('Mentee: Sara Example (INFN Roma)');
    expect(letter.body).toContain('For:    career advancement');
    expect(letter.body).not.toMatch(/score|identity|gender|region|time zone/i);
    expect(
      introductionLetter({
        ...{ year: 2028, mentorName: 'A', mentorInstitute: 'X', menteeName: 'B', menteeInstitute: 'Y', kinds: [] },
        continued: true,
      }).body,
    ).toContain('you both asked to continue');
  });
});
