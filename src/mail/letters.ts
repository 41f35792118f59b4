// What the service's mails say, as plain text. Pure: the callers gather the facts, these words them.
// Mail travels through other people's servers, so no letter carries a decline reason, a gender or a
// rank of anyone but a committee's own candidates.
import { venueTime } from '../conferences/local-time';

export interface Letter {
  subject: string;
  body: string;
}

/** An invitation as the speaker reads it. */
export interface InvitationFacts {
  speakerName: string;
  slotTitle: string;
  talkType: string;
  conferenceName: string;
  startDate: string;
  endDate: string;
  /** Room, city, country as far as known. */
  location: string | null;
  startsAt: Date | null;
  durationMinutes: number;
  timeZone: string | null;
  respondBy: Date;
  /** The single-use answer link. */
  link: string;
}

const SIGNATURE = '\n-- \nThe conference committee (sent by the speaker allocation service)\n';

function when(f: Pick<InvitationFacts, 'startsAt' | 'durationMinutes' | 'timeZone' | 'startDate' | 'endDate'>): string {
  return f.startsAt
    ? `${venueTime(f.startsAt, f.timeZone)}, ${f.durationMinutes} minutes`
    : `during the conference (${f.startDate} to ${f.endDate}); the exact time follows`;
}

function details(f: InvitationFacts): string[] {
  return [
    `  Conference: ${f.conferenceName}, ${f.startDate} to ${f.endDate}`,
    `  Talk:       ${f.slotTitle} (${f.talkType})`,
    `  When:       ${when(f)}`,
    ...(f.location ? [`  Where:      ${f.location}`] : []),
  ];
}

export function invitationLetter(f: InvitationFacts): Letter {
  return {
    subject: `Invitation to speak: ${f.slotTitle} at ${f.conferenceName}`,
    body: [
      `Dear ${f.speakerName},`,
      '',
      `the conference committee invites you to give the ${f.talkType} talk "${f.slotTitle}" at ${f.conferenceName}.`,
      '',
      ...details(f),
      '',
      `Please accept or decline by ${venueTime(f.respondBy, f.timeZone)}:`,
      `  ${f.link}`,
      '',
      'The link works once, whether or not you are signed in, until that date. Declining is always fine and',
      'never counts against you; an invitation left unanswered lapses on that date, which does not count either.',
      'The attached calendar file holds the talk.',
      SIGNATURE,
    ].join('\n'),
  };
}

export function reminderLetter(f: InvitationFacts): Letter {
  return {
    subject: `Reminder: please answer the invitation to speak at ${f.conferenceName}`,
    body: [
      `Dear ${f.speakerName},`,
      '',
      `the committee has not yet heard whether you will give the talk "${f.slotTitle}" at ${f.conferenceName}.`,
      '',
      ...details(f),
      '',
      `The invitation lapses at ${venueTime(f.respondBy, f.timeZone)}. To accept or decline:`,
      `  ${f.link}`,
      SIGNATURE,
    ].join('\n'),
  };
}

/** The speaker's confirmation of their own answer. */
export function answerLetter(f: Omit<InvitationFacts, 'link' | 'respondBy'>, accepted: boolean): Letter {
  return accepted
    ? {
        subject: `Confirmed: your talk at ${f.conferenceName}`,
        body: [
          `Dear ${f.speakerName},`,
          '',
          `thank you: you will give the talk "${f.slotTitle}" at ${f.conferenceName}.`,
          '',
          ...details({ ...f, link: '', respondBy: new Date(0) }),
          '',
          'The attached calendar file holds the talk.',
          SIGNATURE,
        ].join('\n'),
      }
    : {
        subject: `Your answer about ${f.conferenceName}`,
        body: [
          `Dear ${f.speakerName},`,
          '',
          `we have recorded that you will not give the talk "${f.slotTitle}" at ${f.conferenceName}.`,
          'Thank you for letting us know; this never counts against you.',
          SIGNATURE,
        ].join('\n'),
      };
}

export function lapsedLetter(f: Pick<InvitationFacts, 'speakerName' | 'slotTitle' | 'conferenceName'>): Letter {
  return {
    subject: `Your invitation to speak at ${f.conferenceName} has lapsed`,
    body: [
      `Dear ${f.speakerName},`,
      '',
      `the invitation to give the talk "${f.slotTitle}" at ${f.conferenceName} lapsed without an answer,`,
      'so the committee will offer the slot to someone else. This does not count against you.',
      SIGNATURE,
    ].join('\n'),
  };
}

/** To the speaker: the committee withdrew the invitation (or the accepted talk); the link no longer works. */
export function withdrawnLetter(f: Pick<InvitationFacts, 'speakerName' | 'slotTitle' | 'conferenceName'>, accepted: boolean): Letter {
  return {
    subject: `Your ${accepted ? 'talk' : 'invitation'} at ${f.conferenceName} has been withdrawn`,
    body: [
      `Dear ${f.speakerName},`,
      '',
      `the committee has withdrawn ${accepted ? 'your talk' : 'the invitation to give the talk'} "${f.slotTitle}" at ${f.conferenceName}.`,
      ...(accepted ? [] : ['The link in the invitation no longer works.']),
      'This does not count against you; the committee will write to you if anything about it is unclear.',
      SIGNATURE,
    ].join('\n'),
  };
}

export interface NextCandidateFacts {
  name: string;
  rank: number;
  careerStage: string;
  region: string;
}

/** To the committee: an invitation lapsed, and who is next in line for the freed seat. */
export function lapsedNotice(f: {
  speakerName: string;
  slotTitle: string;
  conferenceName: string;
  nextCandidates: NextCandidateFacts[];
}): Letter {
  return {
    subject: `Invitation lapsed: ${f.slotTitle} at ${f.conferenceName}`,
    body: [
      `${f.speakerName} did not answer the invitation to "${f.slotTitle}" at ${f.conferenceName} by its deadline.`,
      'The invitation has expired, the seat is free and the nomination is back on the shortlist.',
      '',
      f.nextCandidates.length ? 'Next candidates for the seat, best ranked first:' : 'No other nominee is available for the seat.',
      ...f.nextCandidates.map((c) => `  ${c.rank}. ${c.name} (${c.careerStage}, ${c.region})`),
      SIGNATURE,
    ].join('\n'),
  };
}

/** To a nominator: what became of their nominee, and nothing about anyone else. */
export function outcomeLetter(f: {
  nominatorName: string;
  nomineeName: string;
  slotTitle: string;
  conferenceName: string;
  selected: boolean;
}): Letter {
  return {
    subject: `${f.selected ? 'Selected' : 'Not this time'}: your nomination for ${f.slotTitle} at ${f.conferenceName}`,
    body: [
      `Dear ${f.nominatorName},`,
      '',
      f.selected
        ? `${f.nomineeName}, whom you nominated, will give the talk "${f.slotTitle}" at ${f.conferenceName}.`
        : `the talk "${f.slotTitle}" at ${f.conferenceName} is now filled, and ${f.nomineeName}, whom you nominated, was not selected this time.`,
      'Thank you for the nomination.',
      SIGNATURE,
    ].join('\n'),
  };
}

/** The outcome of an open call for a leadership position, to a nominee or their nominator; never the rationale. */
export function leadershipOutcomeLetter(f: {
  recipientName: string;
  nomineeName: string;
  positionTitle: string;
  appointeeName: string;
  startsOn: string;
  to: 'nominee' | 'nominator';
  selected: boolean;
}): Letter {
  const who = f.to === 'nominee' ? 'you' : f.nomineeName;
  return {
    subject: `${f.selected ? 'Appointed' : 'Decided'}: ${f.positionTitle}`,
    body: [
      `Dear ${f.recipientName},`,
      '',
      f.selected
        ? `the committee has appointed ${f.to === 'nominee' ? 'you' : `${f.nomineeName}, whom you nominated,`} as ${f.positionTitle} from ${f.startsOn}.`
        : `the committee has appointed ${f.appointeeName} as ${f.positionTitle} from ${f.startsOn}; ${who} ${f.to === 'nominee' ? 'were' : 'was'} not chosen this time.`,
      f.to === 'nominee' ? 'Thank you for standing.' : 'Thank you for the nomination.',
      SIGNATURE,
    ].join('\n'),
  };
}

export interface DigestResponse {
  conferenceName: string;
  slotTitle: string;
  speakerName: string;
  status: 'accepted' | 'declined' | 'expired';
  at: Date;
}

export interface DigestPending {
  conferenceName: string;
  slotTitle: string;
  speakerName: string;
  respondBy: Date;
}

/** The committee's daily digest of answers, and of invitations still waiting. */
export function digestLetter(f: { day: string; responses: DigestResponse[]; pending: DigestPending[] }): Letter {
  const counts = (['accepted', 'declined', 'expired'] as const).map((s) => `${f.responses.filter((r) => r.status === s).length} ${s}`);
  return {
    subject: `Speaker responses for ${f.day}: ${counts.join(', ')}`,
    body: [
      `Answers to invitations since the last digest: ${counts.join(', ')}.`,
      '',
      ...f.responses.map((r) => `  ${r.status.padEnd(8)} ${r.speakerName}: ${r.slotTitle} (${r.conferenceName})`),
      ...(f.pending.length
        ? [
            '',
            'Still waiting for an answer:',
            ...f.pending.map(
              (p) =>
                `  ${p.speakerName}: ${p.slotTitle} (${p.conferenceName}), respond by ${p.respondBy.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
            ),
          ]
        : []),
      SIGNATURE,
    ].join('\n'),
  };
}
