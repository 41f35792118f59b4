// The demo's mentorship programme: last year's round, matched and published, and this year's, whose
// sign-up has just closed and whose matching the coordinators are reviewing. Sign-ups are drawn from
// a seeded random stream (who takes part, as what, seeking or offering what, with which wishes) and
// made through the service's own code, so every row, pair, mail and audit entry is what real use
// would leave. The same draw (drawSignups) gives the bench its round of 600 mentees and 300 mentors.
import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actor } from '../auth/actor';
import { Clock } from '../clock/clock';
import { CareerStage } from '../common/enums';
import { inCollaborationOn } from '../database/predicates';
import { MatchParticipant, MENTORSHIP_KINDS, MentorshipKind, RegionPreference, SignupRole } from '../mentorship/mentorship-model';
import { MentorshipService } from '../mentorship/mentorship.service';
import { chance, integer, Random, randomStream, weighted } from './random';

export interface PoolMember {
  memberId: string;
  name: string;
  instituteId: string;
  country: string;
  region: string;
  careerStage: CareerStage;
  /** ISO date: at this stage since. */
  stageSince: string;
}

export interface SignupChoice {
  memberId: string;
  role: SignupRole;
  kindsSought: MentorshipKind[];
  kindsOffered: MentorshipKind[];
  capacity?: number;
  regionPreference: RegionPreference;
  timeZone: string;
  languages: string[];
  continueWithPrevious: boolean;
}

const TIME_ZONES: Record<string, string> = {
  US: 'America/Chicago',
  CH: 'Europe/Zurich',
  DE: 'Europe/Berlin',
  IT: 'Europe/Rome',
  FR: 'Europe/Paris',
  GB: 'Europe/London',
  JP: 'Asia/Tokyo',
  CN: 'Asia/Shanghai',
  ES: 'Europe/Madrid',
  CZ: 'Europe/Prague',
  KR: 'Asia/Seoul',
  IN: 'Asia/Kolkata',
  RU: 'Europe/Moscow',
  BR: 'America/Sao_Paulo',
  PK: 'Asia/Karachi',
  MX: 'America/Mexico_City',
  PL: 'Europe/Warsaw',
  BE: 'Europe/Brussels',
  TR: 'Europe/Istanbul',
  AT: 'Europe/Vienna',
  FI: 'Europe/Helsinki',
  GR: 'Europe/Athens',
};
const LANGUAGES: Record<string, string> = {
  DE: 'de',
  AT: 'de',
  IT: 'it',
  FR: 'fr',
  BE: 'fr',
  CH: 'fr',
  ES: 'es',
  MX: 'es',
  CN: 'zh',
  JP: 'ja',
  KR: 'ko',
  IN: 'hi',
  RU: 'ru',
  BR: 'pt',
  CZ: 'cs',
  PL: 'pl',
  TR: 'tr',
  FI: 'fi',
  GR: 'el',
  PK: 'ur',
};
/** Who seeks mentoring, and who offers it, by career stage (relative weights). */
const MENTEE_WEIGHT: Record<CareerStage, number> = { student: 5, postdoc: 4, nontenured: 2, engineer: 1, tenured: 0, other: 0.5 };
const MENTOR_WEIGHT: Record<CareerStage, number> = { student: 0.3, postdoc: 1.5, nontenured: 2, engineer: 1, tenured: 4, other: 1 };
const SOUGHT: Record<MentorshipKind, number> = { career: 6, connection: 4, relocation: 2, allyship: 1.5 };
const OFFERED: Record<MentorshipKind, number> = { career: 6, connection: 5, relocation: 2, allyship: 2 };
const REGION_WISH: Record<RegionPreference, number> = { any: 6, same: 2.5, other: 1.5 };

function kinds(random: Random, weights: Record<MentorshipKind, number>, most: number): MentorshipKind[] {
  const chosen = new Set<MentorshipKind>([weighted(random, weights)]);
  while (chosen.size < most && chance(random, 0.45)) chosen.add(weighted(random, weights));
  return MENTORSHIP_KINDS.filter((k) => chosen.has(k));
}

/**
 * Draws a round's sign-ups from the pool: `mentees` people seeking mentoring (some of them mentors
 * too), `mentors` offering it. A member of `previous` pairs signs up again as before with the given
 * probabilities, most asking to continue.
 */
export function drawSignups(
  random: Random,
  pool: readonly PoolMember[],
  counts: { mentees: number; mentors: number },
  previous: ReadonlyArray<{ mentorMemberId: string; menteeMemberId: string }> = [],
): SignupChoice[] {
  const byId = new Map(pool.map((m) => [m.memberId, m]));
  const choices = new Map<string, SignupChoice>();
  let mentees = 0;
  let mentors = 0;
  const wishes = (m: PoolMember) => ({
    regionPreference: weighted(random, REGION_WISH),
    timeZone: TIME_ZONES[m.country] ?? 'Europe/Zurich',
    languages: ['en', ...(LANGUAGES[m.country] && chance(random, 0.8) ? [LANGUAGES[m.country]] : [])],
  });
  const add = (m: PoolMember, role: SignupRole, continueWithPrevious: boolean) => {
    const seeks = role !== 'mentor';
    const offers = role !== 'mentee';
    choices.set(m.memberId, {
      memberId: m.memberId,
      role,
      continueWithPrevious,
      ...wishes(m),
      kindsSought: seeks ? kinds(random, SOUGHT, 3) : [],
      kindsOffered: offers ? kinds(random, OFFERED, 4) : [],
      ...(offers ? { capacity: m.careerStage === 'tenured' ? integer(random, 1, 3) : integer(random, 1, 2) } : {}),
    });
    if (seeks) mentees += 1;
    if (offers) mentors += 1;
  };
  for (const pair of previous) {
    const mentor = byId.get(pair.mentorMemberId);
    const mentee = byId.get(pair.menteeMemberId);
    if (mentor && !choices.has(mentor.memberId) && chance(random, 0.65)) add(mentor, 'mentor', chance(random, 0.75));
    if (mentee && !choices.has(mentee.memberId) && chance(random, 0.6)) add(mentee, 'mentee', chance(random, 0.7));
    // A pair that goes on still seeks and offers what brought it together.
    const offering = mentor && choices.get(mentor.memberId);
    const seeking = mentee && choices.get(mentee.memberId);
    if (
      offering &&
      seeking &&
      offering.role !== 'mentee' &&
      seeking.role !== 'mentor' &&
      !seeking.kindsSought.some((k) => offering.kindsOffered.includes(k))
    ) {
      seeking.kindsSought = MENTORSHIP_KINDS.filter((k) => seeking.kindsSought.includes(k) || k === offering.kindsOffered[0]);
    }
  }
  // The rest, in a random order of the pool, each by the weight of their career stage.
  const order = pool
    .map((m) => ({ m, key: random() }))
    .sort((a, b) => a.key - b.key)
    .map(({ m }) => m);
  for (const m of order) {
    if (mentees >= counts.mentees && mentors >= counts.mentors) break;
    if (choices.has(m.memberId)) continue;
    const wantsMentee = mentees < counts.mentees && random() < MENTEE_WEIGHT[m.careerStage] / 6;
    const wantsMentor = mentors < counts.mentors && random() < MENTOR_WEIGHT[m.careerStage] / 6;
    if (wantsMentee && wantsMentor) add(m, 'both', false);
    else if (wantsMentee) add(m, 'mentee', false);
    else if (wantsMentor) add(m, 'mentor', false);
  }
  return [...choices.values()];
}

/** The sign-ups as the optimiser reads them (for the bench, which solves without a database). */
export function asParticipants(choices: readonly SignupChoice[], pool: readonly PoolMember[]): MatchParticipant[] {
  const byId = new Map(pool.map((m) => [m.memberId, m]));
  return choices.map((c, k) => {
    const m = byId.get(c.memberId)!;
    return {
      ...c,
      signupId: `signup-${k}`,
      name: m.name,
      capacity: c.capacity ?? 0,
      careerStage: m.careerStage,
      stageSince: m.stageSince,
      instituteId: m.instituteId,
      region: m.region,
    };
  });
}

export interface MentorshipDemoResult {
  previousYear: number;
  year: number;
  signups: number;
  pairs: number;
  continued: number;
  unmatched: number;
}

/** Runs once on a demo database (nothing happens when a round exists). */
export async function demoMentorshipRounds(
  app: INestApplication,
  seed: number,
  coordinatorEmail = 'mentorship@demo.example',
): Promise<MentorshipDemoResult | null> {
  const db = app.get(DataSource);
  if ((await db.query(`SELECT 1 FROM mentorship_round LIMIT 1`)).length) return null;
  const [user] = await db.query(`SELECT id, name, roles FROM app_user WHERE lower(email) = $1`, [coordinatorEmail]);
  if (!user) return null;
  const actor: Actor = { id: user.id, name: user.name, roles: user.roles, requestId: 'demo' };
  const service = app.get(MentorshipService);
  const clock = app.get(Clock);
  const realNow = clock.now.bind(clock);
  const today = realNow();
  const day = (offset: number) => new Date(today.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
  const year = today.getUTCFullYear() + (today.getUTCMonth() >= 9 ? 1 : 0);
  const previousYear = year - 1;
  const random = randomStream(seed, 'mentorship');

  const poolOn = async (on: string): Promise<PoolMember[]> =>
    db.query(
      `SELECT m.id AS "memberId", m.name, i.id AS "instituteId", i.country, ir.region_code AS region,
            member_career_stage_at(m.id, $1::date) AS "careerStage",
            COALESCE((SELECT to_char(max(cs.valid_from), 'YYYY-MM-DD') FROM member_career_stage cs
                      WHERE cs.member_id = m.id AND cs.valid_from <= $1::date), to_char(m.joined_on, 'YYYY-MM-DD')) AS "stageSince"
     FROM member m JOIN institute i ON i.id = member_institute_at(m.id, $1::date)
     JOIN institute_region ir ON ir.institute_id = i.id
     WHERE ${inCollaborationOn('m', '$1::date')}
     ORDER BY m.external_id, m.id`,
      [on],
    );

  // Each round is made as it was then: the service's clock is set to the day of each step.
  const at = async <T>(when: string, step: () => Promise<T>): Promise<T> => {
    clock.now = () => new Date(`${when}T10:00:00Z`);
    try {
      return await step();
    } finally {
      clock.now = realNow;
    }
  };
  const signUp = async (roundId: string, choices: SignupChoice[]) => {
    for (const { memberId, ...choice } of choices) await service.createSignup(roundId, { memberId, ...choice }, actor);
  };

  // Last year's round: signed up, matched and published (its introductions are in the outbox).
  const previous = await at(`${previousYear}-01-05`, () =>
    service.createRound(
      {
        year: previousYear,
        signUpOpens: `${previousYear}-01-10`,
        signUpCloses: `${previousYear}-02-14`,
        matchingOn: `${previousYear}-03-01`,
      },
      actor,
    ),
  );
  const previousPool = await poolOn(`${previousYear}-01-20`);
  await at(`${previousYear}-01-20`, () => signUp(previous.id, drawSignups(random, previousPool, { mentees: 140, mentors: 70 })));
  const lastYear = await at(`${previousYear}-02-20`, async () => {
    const solved = await service.solve(previous.id, actor);
    return service.publish(solved.roundId, actor);
  });

  // This year's: sign-up closed a few days ago, the matching proposed and awaiting review.
  const current = await at(day(-45), () =>
    service.createRound(
      {
        year,
        signUpOpens: day(-40),
        signUpCloses: day(-5),
        matchingOn: day(7),
      },
      actor,
    ),
  );
  const pool = await poolOn(day(-20));
  const again = lastYear.pairs.map((p) => ({ mentorMemberId: p.mentor.memberId, menteeMemberId: p.mentee.memberId }));
  const choices = drawSignups(random, pool, { mentees: 170, mentors: 75 }, again);
  await at(day(-20), () => signUp(current.id, choices));
  const proposed = await service.solve(current.id, actor);
  return {
    previousYear,
    year,
    signups: choices.length,
    pairs: proposed.pairs.length,
    continued: proposed.pairs.filter((p) => p.source === 'continued').length,
    unmatched: proposed.unmatched.filter((u) => u.as === 'mentee').length,
  };
}
