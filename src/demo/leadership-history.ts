// The demo collaboration's leadership over about fifteen years: L1 coordinators, L2 physics-group
// conveners and detector managers with their deputies, L3 subgroup conveners; two-year terms from
// 1 September, renewed up to the position's limit; deputies often become conveners later; and one
// call open now. Seeded, so the same demo gets the same history. Planned by a pure function, then
// written through the service's own code (positions, the import of the historical record, a call and
// its nominations), so every row and audit entry is what real use would leave.
import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actor } from '../auth/actor';
import { CareerStage, Gender, LeadershipArea, PositionKind } from '../common/enums';
import { AppointmentsService } from '../leadership/appointments.service';
import { CallsService } from '../leadership/calls.service';
import { PositionsService } from '../leadership/positions.service';
import { addYears } from '../leadership/term-rules';
import { chance, pick, Random, randomStream } from './random';

export interface LeadershipCandidate {
  id: string;
  gender: Gender;
  careerStage: CareerStage;
  joinedOn: string;
  leftOn: string | null;
}

export interface PlannedPosition {
  title: string;
  level: string;
  area: LeadershipArea;
  kind: PositionKind;
  mandate: string;
  requirements: string;
  termYears: number;
  maxTerms: number;
  seats: number;
  allocatesResources: boolean;
}

export interface PlannedAppointment {
  position: string;
  memberId: string;
  startsOn: string;
  endsOn: string | null;
}

export interface LeadershipPlan {
  positions: PlannedPosition[];
  appointments: PlannedAppointment[];
  /** The position a call is open for now, and who is nominated. */
  call: { position: string; nominees: string[] };
}

const PHYSICS_GROUPS = ['Higgs', 'Top quark', 'Supersymmetry', 'Exotica', 'B physics', 'Standard Model', 'Heavy ions'];
const DETECTORS = ['Tracker', 'Electromagnetic calorimeter', 'Hadron calorimeter', 'Muon system', 'Trigger'];
const UPGRADES = ['Phase-2 tracker', 'High-granularity calorimeter', 'Timing layer'];

function positionsOf(): PlannedPosition[] {
  const p = (
    title: string,
    level: string,
    area: LeadershipArea,
    kind: PositionKind,
    extra: Partial<PlannedPosition> = {},
  ): PlannedPosition => ({
    title,
    level,
    area,
    kind,
    termYears: 2,
    maxTerms: 2,
    seats: 1,
    allocatesResources: false,
    mandate: `${title}: leads the collaboration's work in this ${area} area and reports to the level above.`,
    requirements: level === 'L1' ? 'Long experience in the collaboration; tenured or equivalent.' : 'Recognised expertise in the area.',
    ...extra,
  });
  return [
    p('Spokesperson', 'L1', 'management', 'spokesperson', { allocatesResources: true, termYears: 2, maxTerms: 2 }),
    p('Deputy spokesperson', 'L1', 'management', 'deputy', { seats: 2 }),
    p('Physics coordinator', 'L1', 'physics', 'coordinator', { allocatesResources: true }),
    p('Run coordinator', 'L1', 'operations', 'coordinator'),
    p('Technical coordinator', 'L1', 'detector', 'coordinator', { allocatesResources: true, termYears: 3 }),
    p('Upgrade coordinator', 'L1', 'upgrade', 'coordinator', { allocatesResources: true, termYears: 3 }),
    p('Computing coordinator', 'L1', 'computing', 'coordinator', { allocatesResources: true }),
    ...PHYSICS_GROUPS.map((g) => p(`${g} group convener`, 'L2', 'physics', 'convener', { seats: 2 })),
    ...DETECTORS.map((d) => p(`${d} project manager`, 'L2', 'detector', 'manager', { allocatesResources: true, termYears: 3 })),
    ...UPGRADES.map((u) => p(`${u} project manager`, 'L2', 'upgrade', 'manager', { allocatesResources: true, termYears: 3 })),
    p('Offline software convener', 'L2', 'computing', 'convener'),
    p('Publications committee chair', 'L2', 'publications', 'chair'),
    ...PHYSICS_GROUPS.map((g) => p(`${g} group deputy convener`, 'L3', 'physics', 'deputy', { seats: 2 })),
    ...DETECTORS.map((d) => p(`${d} deputy project manager`, 'L3', 'detector', 'deputy', { termYears: 3 })),
    ...PHYSICS_GROUPS.slice(0, 4).flatMap((g) =>
      ['analysis', 'object'].map((sub) => p(`${g} ${sub} subgroup convener`, 'L3', 'physics', 'convener', { seats: 2 })),
    ),
    ...DETECTORS.map((d) => p(`${d} operations convener`, 'L3', 'operations', 'convener')),
    p('Data quality convener', 'L3', 'computing', 'convener', { seats: 2 }),
  ];
}

/** Who is likely to be chosen at each level: seniority, and the under-representation of women that grows with the level. */
const STAGE_WEIGHT: Record<string, Partial<Record<CareerStage, number>>> = {
  L1: { tenured: 1 },
  L2: { tenured: 1, nontenured: 0.5, engineer: 0.3 },
  L3: { tenured: 0.8, nontenured: 1, postdoc: 0.7, engineer: 0.4 },
};
const WOMAN_WEIGHT: Record<string, number> = { L1: 0.55, L2: 0.75, L3: 0.95 };

export function planLeadershipHistory(
  candidates: readonly LeadershipCandidate[],
  options: { seed: number; today: string; years?: number },
): LeadershipPlan {
  const random = randomStream(options.seed, 'leadership');
  const first = Number(options.today.slice(0, 4)) - (options.years ?? 15);
  const positions = positionsOf();
  const appointments: PlannedAppointment[] = [];
  // Per member, the days they are busy in some position: nobody holds two positions at once here.
  const busy = new Map<string, Array<[string, string]>>();
  const deputyOf = new Map<string, Set<string>>(); // area -> former deputies
  const free = (id: string, from: string, to: string) => !(busy.get(id) ?? []).some(([a, b]) => from < b && a < to);
  const choose = (position: PlannedPosition, from: string, to: string, heldBefore: Set<string>, r: Random): string | null => {
    const weights = STAGE_WEIGHT[position.level];
    const pool = candidates.filter(
      (c) =>
        (weights[c.careerStage] ?? 0) > 0 &&
        c.joinedOn <= from &&
        (c.leftOn === null || c.leftOn > to) &&
        !heldBefore.has(c.id) &&
        free(c.id, from, to),
    );
    if (pool.length === 0) return null;
    // Lead posts go to the area's former deputies half of the time.
    const deputies = deputyOf.get(position.area);
    if (position.kind !== 'deputy' && deputies && chance(r, 0.5)) {
      const promoted = pool.filter((c) => deputies.has(c.id));
      if (promoted.length) return pick(r, promoted).id;
    }
    for (let attempt = 0; attempt < 50; attempt++) {
      const c = pick(r, pool);
      const w = (weights[c.careerStage] ?? 0) * (c.gender === 'woman' ? WOMAN_WEIGHT[position.level] : 1);
      if (r() < w) return c.id;
    }
    return pick(r, pool).id;
  };
  // Lower levels first, so that deputies exist before the conveners' seats are filled.
  for (const position of [...positions].sort((a, b) => b.level.localeCompare(a.level) || (a.kind === 'deputy' ? -1 : 1))) {
    const heldBefore = new Set<string>();
    for (let seat = 0; seat < position.seats; seat++) {
      let start = `${first + seat}-09-01`;
      let holder: string | null = null;
      let terms = 0;
      while (start <= options.today) {
        const end = addYears(start, position.termYears);
        if (holder === null || terms >= position.maxTerms || !chance(random, 0.6) || !free(holder, start, end)) {
          if (holder) heldBefore.add(holder);
          holder = choose(position, start, end, heldBefore, random);
          terms = 0;
          if (holder === null) break;
        }
        terms += 1;
        const ongoing = end > options.today;
        appointments.push({ position: position.title, memberId: holder, startsOn: start, endsOn: ongoing ? null : end });
        busy.set(holder, [...(busy.get(holder) ?? []), [start, ongoing ? '9999-12-31' : end]]);
        if (position.kind === 'deputy') deputyOf.set(position.area, (deputyOf.get(position.area) ?? new Set()).add(holder));
        start = end;
      }
    }
  }
  // The call: a physics group whose conveners' terms end soonest; nominees from the senior pool.
  const callPosition = positions.find((p) => p.title === 'Higgs group convener')!;
  const nominees = candidates
    .filter((c) => c.careerStage === 'tenured' && c.leftOn === null && free(c.id, options.today, '9999-12-31'))
    .slice(0, 400)
    .filter(() => chance(random, 0.02))
    .slice(0, 4)
    .map((c) => c.id);
  return { positions, appointments, call: { position: callPosition.title, nominees } };
}

export interface LeadershipHistoryResult {
  positions: number;
  appointments: number;
  nominations: number;
}

/** Runs once on a demo database (nothing happens when positions exist already). */
export async function demoLeadershipHistory(
  app: INestApplication,
  options: { seed?: number; committeeEmail?: string } = {},
): Promise<LeadershipHistoryResult | null> {
  const db = app.get(DataSource);
  if ((await db.query(`SELECT 1 FROM leadership_position LIMIT 1`)).length) return null;
  const [user] = await db.query(`SELECT id, name, roles FROM app_user WHERE lower(email) = $1`, [
    options.committeeEmail ?? 'committee@demo.example',
  ]);
  if (!user) return null;
  const actor: Actor = { id: user.id, name: user.name, roles: user.roles, requestId: 'demo' };
  const today = new Date().toISOString().slice(0, 10);
  const candidates: LeadershipCandidate[] = await db.query(
    `SELECT id, gender, career_stage AS "careerStage", joined_on AS "joinedOn", left_on AS "leftOn" FROM member ORDER BY external_id, id`,
  );
  const plan = planLeadershipHistory(candidates, { seed: options.seed ?? 42, today });
  const ids = new Map<string, string>();
  for (const position of plan.positions) ids.set(position.title, (await app.get(PositionsService).create(position, actor)).id);
  await app.get(AppointmentsService).importHistory(
    plan.appointments.map((a) => ({
      positionId: ids.get(a.position),
      memberId: a.memberId,
      startsOn: a.startsOn,
      ...(a.endsOn ? { endsOn: a.endsOn } : {}),
    })),
    actor,
  );
  const deadline = new Date(Date.now() + 21 * 86_400_000).toISOString().slice(0, 10);
  // Terms begin on 1 September: the first one after the deadline.
  const september = `${deadline.slice(0, 4)}-09-01`;
  const call = await app.get(CallsService).create(
    {
      positionId: ids.get(plan.call.position)!,
      deadline,
      termStartsOn: september >= deadline ? september : addYears(september, 1),
      note: 'One of the two convener seats: the term begins on 1 September.',
    },
    actor,
  );
  for (const memberId of plan.call.nominees) {
    await app
      .get(CallsService)
      .nominate(call.id, { memberId, statement: 'Broad experience in Higgs analyses and in leading a team.' }, actor);
  }
  return { positions: plan.positions.length, appointments: plan.appointments.length, nominations: plan.call.nominees.length };
}
