// What the programme's mail says. Pure. An introduction names the two partners, their institutes and
// the kinds of mentoring they share; never a score, a reason, a preference or anything consented
// for matching only.
import type { Letter } from '../mail/letters';

export interface IntroductionFacts {
  year: number;
  mentorName: string;
  mentorInstitute: string;
  menteeName: string;
  menteeInstitute: string;
  /** Kinds of mentoring both named, in words. */
  kinds: string[];
  continued: boolean;
}

const SIGNATURE = '\n-- \nThe mentorship programme coordinators (sent by the speaker allocation service)\n';

export function introductionLetter(f: IntroductionFacts): Letter {
  return {
    subject: `Mentorship programme ${f.year}: ${f.mentorName} and ${f.menteeName}`,
    body: [
      `Dear ${f.mentorName}, dear ${f.menteeName},`,
      '',
      f.continued
        ? `you both asked to continue, so you are paired again in the mentorship programme ${f.year}:`
        : `you are paired in the collaboration's mentorship programme ${f.year}:`,
      '',
      `  Mentor: ${f.mentorName} (${f.mentorInstitute})`,
      `  Mentee: ${f.menteeName} (${f.menteeInstitute})`,
      ...(f.kinds.length ? [`  For:    ${f.kinds.join('; ')}`] : []),
      '',
      'Please write to each other to arrange a first conversation. If the pairing does not work for',
      'either of you, tell the programme coordinators; nobody else is told why.',
      SIGNATURE,
    ].join('\n'),
  };
}
