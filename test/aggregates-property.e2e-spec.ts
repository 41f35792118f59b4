// The service's rankings and report counts against the full-scan SQL (test/support/full-scan.ts) on
// random histories: whatever the service keeps to answer faster (running sums per member, tallies per
// quarter), its answers must be the ones the raw tables give. Each history is drawn from a seed and
// written mostly through the public API (talks by the bulk import), then edited (talks deleted, moved
// and retyped, a conference's tier, members' gender, stage and institute, an institute's region, a new
// rank policy) and compared again after each phase.
import { DataSource } from 'typeorm';
import { CAREER_STAGES, CareerStage, CONFERENCE_TIERS, ConferenceTier, Gender, GENDERS, TALK_TYPES, TalkType } from '../src/common/enums';
import { chance, integer, pick, Random, randomStream } from '../src/demo/random';
import { RankWeights } from '../src/ranking/eligibility';
import { balanceCountQuery, CountFilters, CountRow, Dimension, DIMENSIONS, isSnapshot, Population } from '../src/reports/balance.sql';
import {
  fullScanBalanceCountQuery,
  fullScanEquityCountQuery,
  fullScanFunnelCountQuery,
  fullScanRankingsQuery,
  fullScanTrendCountQuery,
} from './support/full-scan';
import { bearer, createTestApp, TestApp } from './support/test-app';

const SEEDS = [11, 29, 47];
const DAY = 86_400_000;
const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
const dayIn = (random: Random, from: string, to: string) =>
  addDays(from, integer(random, 0, Math.round((Date.parse(to) - Date.parse(from)) / DAY)));

/** The dates rankings are asked for; talks are also placed on them and on the window's edges around them. */
const AS_OF = ['2026-01-01', '2023-07-01', '2020-02-29'];
/** Days before an asOf where a talk's counting changes: on asOf (not counted), the day before, the 10- and 7.5-year windows' edges. */
const EDGES = [0, 1, 3652, 3653, 2739, 2740, 1096];
/** Countries of several regions, one of none (UNASSIGNED). */
const COUNTRIES = ['DE', 'FR', 'IT', 'CH', 'GB', 'US', 'RU', 'PL', 'CN', 'BR', 'JP'];
const POPULATIONS: Population[] = ['talks', 'nominations', 'allocations', 'members', 'authors'];
const QUARTER_DAYS = ['2019-01-01', '2019-03-31', '2021-04-01', '2021-06-30', '2024-07-01', '2024-09-30', '2026-09-30'];

interface History {
  institutes: { id: string; country: string }[];
  members: { id: string; externalId: string }[];
  conferences: { id: string; name: string; startDate: string; tier: ConferenceTier }[];
  slots: { id: string; conferenceId: string }[];
}

/** Members with dated stage and institute histories, conferences of every tier over fifteen years, slots. */
async function drawCollaboration(db: DataSource, random: Random, seed: number): Promise<History> {
  const institutes: History['institutes'] = [];
  for (let i = 0; i < 14; i++) {
    const country = COUNTRIES[i % COUNTRIES.length];
    const override = i === 12 ? 'CERN' : null;
    const [row] = await db.query(`INSERT INTO institute (name, country, region_override) VALUES ($1, $2, $3) RETURNING id`, [
      `Institute ${seed}-${i}`,
      country,
      override,
    ]);
    institutes.push({ id: row.id, country });
  }
  const people = Array.from({ length: 160 }, (_, i) => {
    const joinedOn = dayIn(random, '2006-01-01', '2024-06-30');
    const stages: { from: string; stage: CareerStage }[] = [{ from: joinedOn, stage: pick(random, CAREER_STAGES) }];
    const affiliations = [{ from: joinedOn, institute: pick(random, institutes).id }];
    for (let k = integer(random, 0, 2); k > 0; k--) {
      stages.push({ from: dayIn(random, addDays(stages[stages.length - 1].from, 1), '2026-06-30'), stage: pick(random, CAREER_STAGES) });
    }
    if (chance(random, 0.4))
      affiliations.push({ from: dayIn(random, addDays(joinedOn, 1), '2026-06-30'), institute: pick(random, institutes).id });
    // A few names repeat, so ties are broken by name and then by id.
    return {
      externalId: `X${seed}-${i}`,
      name: `Member ${i % 150}`,
      gender: pick(random, GENDERS) as Gender,
      joinedOn,
      leftOn: chance(random, 0.15) ? dayIn(random, addDays(joinedOn, 30), '2026-11-30') : null,
      stages,
      affiliations,
      // Authors from some day after joining (some before it, as a record may say), some until a later day.
      authorSince: chance(random, 0.6) ? dayIn(random, addDays(joinedOn, -200), '2026-06-30') : null,
      authorUntilDays: chance(random, 0.3) ? integer(random, 0, 2000) : null,
    };
  });
  const members: History['members'] = [];
  for (const p of people) {
    const [row] = await db.query(
      `INSERT INTO member (external_id, name, gender, institute_id, career_stage, joined_on, left_on, author_since, author_until)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8::date + $9::int) RETURNING id`,
      [
        p.externalId,
        p.name,
        p.gender,
        p.affiliations[p.affiliations.length - 1].institute,
        p.stages[p.stages.length - 1].stage,
        p.joinedOn,
        p.leftOn,
        p.authorSince,
        p.authorSince ? p.authorUntilDays : null,
      ],
    );
    await db.query(
      `INSERT INTO member_career_stage (member_id, valid_from, career_stage)
                    SELECT $1, unnest($2::date[]), unnest($3::text[])`,
      [row.id, p.stages.map((s) => s.from), p.stages.map((s) => s.stage)],
    );
    await db.query(
      `INSERT INTO member_affiliation (member_id, valid_from, institute_id)
                    SELECT $1, unnest($2::date[]), unnest($3::uuid[])`,
      [row.id, p.affiliations.map((a) => a.from), p.affiliations.map((a) => a.institute)],
    );
    members.push({ id: row.id, externalId: p.externalId });
  }
  const conferences: History['conferences'] = [];
  const starts = [
    ...Array.from({ length: 40 }, () => dayIn(random, '2011-01-01', '2026-11-30')),
    ...AS_OF.flatMap((asOf) => EDGES.map((edge) => addDays(asOf, -edge))),
  ];
  for (const [i, startDate] of starts.entries()) {
    const tier = CONFERENCE_TIERS[i % CONFERENCE_TIERS.length];
    const name = `Conference ${seed}-${i}`;
    const [row] = await db.query(
      `INSERT INTO conference (name, start_date, end_date, tier) VALUES ($1, $2, $2::date + 4, $3) RETURNING id`,
      [name, startDate, tier],
    );
    conferences.push({ id: row.id, name, startDate, tier });
  }
  const slots: History['slots'] = [];
  for (const c of conferences.filter((_, i) => i % 3 === 0)) {
    const [row] = await db.query(`INSERT INTO slot (conference_id, title, talk_type, seats) VALUES ($1, 'Slot', $2, 50) RETURNING id`, [
      c.id,
      pick(random, TALK_TYPES),
    ]);
    slots.push({ id: row.id, conferenceId: c.id });
  }
  return { institutes, members, conferences, slots };
}

/** Talks through POST /talks/import: every type, some on the same day as another of the speaker's, many on the window edges. */
async function importTalks(t: TestApp, h: History, random: Random, count: number): Promise<void> {
  const rows = Array.from({ length: count }, () => {
    const c = pick(random, h.conferences);
    const member = pick(random, h.members);
    const date = chance(random, 0.6) ? c.startDate : addDays(c.startDate, integer(random, 0, 4));
    return {
      externalId: member.externalId,
      conference: c.name,
      year: Number(c.startDate.slice(0, 4)),
      talkType: pick(random, TALK_TYPES),
      date,
    };
  });
  // Same-day talks: a second talk of the same speaker at the same conference on the same day.
  rows.push(...rows.slice(0, 40).map((r) => ({ ...r, talkType: pick(random, TALK_TYPES) })));
  const res = await t.http.post('/api/v1/talks/import').set(bearer(t.admin)).send(rows);
  expect(res.status).toBe(200);
  expect(res.body.created).toBe(rows.length);
}

/** Nominations (some withdrawn or rejected) made over the years, and invitations of every status for some. */
async function nominateAndAllocate(db: DataSource, h: History, random: Random, nominatorId: string): Promise<void> {
  const taken = new Set<string>();
  for (let i = 0; i < 260; i++) {
    const member = pick(random, h.members);
    const slot = pick(random, h.slots);
    if (taken.has(`${member.id}/${slot.id}`)) continue;
    taken.add(`${member.id}/${slot.id}`);
    // On quarter boundaries now and then, at midnight UTC or just before.
    const day = chance(random, 0.2) ? pick(random, QUARTER_DAYS) : dayIn(random, '2012-01-01', '2026-11-30');
    const createdAt = `${day}T${pick(random, ['00:00:00', '12:30:00', '23:59:59'])}Z`;
    const status = pick(random, ['submitted', 'submitted', 'shortlisted', 'rejected', 'withdrawn', 'allocated'] as const);
    const [nomination] = await db.query(
      `INSERT INTO nomination (member_id, slot_id, nominator_id, reason, status, career_stage, institute_id, created_at)
       SELECT m.id, $2, $3, 'Strong results', $4,
              COALESCE(member_career_stage_at(m.id, $5::timestamptz::date), m.career_stage),
              COALESCE(member_institute_at(m.id, $5::timestamptz::date), m.institute_id), $5::timestamptz
       FROM member m WHERE m.id = $1 RETURNING id`,
      [member.id, slot.id, nominatorId, status, createdAt],
    );
    if (status === 'allocated') {
      const allocationStatus = pick(random, ['invited', 'accepted', 'accepted', 'declined', 'withdrawn', 'expired'] as const);
      await db.query(
        `INSERT INTO allocation (slot_id, member_id, nomination_id, status, created_at) VALUES ($1, $2, $3, $4, $5::timestamptz + $6::interval)`,
        [slot.id, member.id, nomination.id, allocationStatus, createdAt, `${integer(random, 0, 40)} days`],
      );
    }
  }
}

/** The later edits, through the API where it has an endpoint for them and with SQL where it has none (talks). */
async function editHistory(t: TestApp, h: History, random: Random): Promise<void> {
  const db = t.dataSource;
  const committee = await t.token('committee');
  await db.query(`DELETE FROM talk WHERE id IN (SELECT id FROM talk ORDER BY md5(id::text || $1) LIMIT 60)`, [String(random())]);
  await db.query(`UPDATE talk SET date = date + 1 WHERE id IN (SELECT id FROM talk ORDER BY md5(id::text || $1) LIMIT 40)`, [
    String(random()),
  ]);
  await db.query(`UPDATE talk SET talk_type = 'plenary' WHERE id IN (SELECT id FROM talk ORDER BY md5(id::text || $1) LIMIT 40)`, [
    String(random()),
  ]);
  for (const c of [pick(random, h.conferences), pick(random, h.conferences), h.conferences[h.conferences.length - 3]]) {
    const tier = CONFERENCE_TIERS[(CONFERENCE_TIERS.indexOf(c.tier) + 1) % CONFERENCE_TIERS.length];
    const res = await t.http.patch(`/api/v1/conferences/${c.id}`).set(bearer(committee)).send({ tier });
    expect(res.status).toBe(200);
    c.tier = tier;
  }
  for (let i = 0; i < 6; i++) {
    const member = pick(random, h.members);
    const change =
      i % 3 === 0
        ? { gender: pick(random, GENDERS) }
        : i % 3 === 1
          ? { careerStage: pick(random, CAREER_STAGES), effectiveFrom: dayIn(random, '2018-01-01', '2026-11-30') }
          : { instituteId: pick(random, h.institutes).id, effectiveFrom: dayIn(random, '2018-01-01', '2026-11-30') };
    const res = await t.http.patch(`/api/v1/members/${member.id}`).set(bearer(t.admin)).send(change);
    expect([200, 409, 422]).toContain(res.status); // An entry on a day that already has one is refused; the others stand.
  }
  // Members leave, become authors or stop being ones.
  for (let i = 0; i < 6; i++) {
    const member = pick(random, h.members);
    const change =
      i % 3 === 0
        ? { leftOn: chance(random, 0.8) ? dayIn(random, '2025-01-01', '2026-11-30') : null }
        : i % 3 === 1
          ? { authorSince: chance(random, 0.8) ? dayIn(random, '2012-01-01', '2024-12-31') : null }
          : { authorUntil: dayIn(random, '2024-01-01', '2026-11-30') };
    const res = await t.http.patch(`/api/v1/members/${member.id}`).set(bearer(t.admin)).send(change);
    expect([200, 409, 422]).toContain(res.status); // A day before joining, or an end without a start, is refused.
  }
  const moved = await t.http.patch(`/api/v1/institutes/${h.institutes[0].id}`).set(bearer(t.admin)).send({ region: 'UK' });
  expect(moved.status).toBe(200);
  const back = await t.http.patch(`/api/v1/institutes/${h.institutes[12].id}`).set(bearer(t.admin)).send({ region: null });
  expect(back.status).toBe(200);
  const policy = await t.http
    .put('/api/v1/rank-policy')
    .set(bearer(t.admin))
    .send({
      typeWeight: { plenary: 2.5, summary: 2, parallel: 1, seminar: 0.75, poster: 0.1 },
      tierWeight: { major: 2, standard: 1, minor: 0.25 },
      halfLifeYears: 2.5,
      windowYears: 7.5,
      careerBonus: { student: 1.5, postdoc: 0.75, nontenured: 0.25, tenured: 0, engineer: 0.1, other: 0 },
      note: 'Property test',
    });
  expect(policy.status).toBe(201);
}

// ---------------------------------------------------------------------------------------------
// Comparisons

interface RankingItem {
  memberId: string;
  rank: number;
  rankInSelection: number;
  score: number;
  talksCounted: number;
}
interface FullScanRanking {
  member_id: string;
  rank: number;
  rank_in_selection: number;
  score: number;
  talks_counted: number;
  total: number;
}

async function compareRankings(t: TestApp, random: Random, label: string): Promise<number> {
  const db = t.dataSource;
  const policies: { version: number; weights: RankWeights }[] = await db.query(`SELECT version, weights FROM rank_policy ORDER BY version`);
  const [{ today }] = await db.query(`SELECT current_date::text AS today`);
  const [{ knownAt }] = await db.query(`SELECT to_char((min(created_at) + (max(created_at) - min(created_at)) / 2) AT TIME ZONE 'UTC',
    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "knownAt" FROM talk`);
  let compared = 0;
  for (const asOf of [...AS_OF, undefined]) {
    for (const policy of [policies[policies.length - 1], ...(policies.length > 1 ? [policies[0]] : [])]) {
      const selections: { region?: string; careerStage?: CareerStage; knownAt?: string }[] = [
        {},
        { region: pick(random, ['GERMANY', 'CERN', 'UK', 'UNASSIGNED']) },
        { careerStage: pick(random, CAREER_STAGES) },
        { region: 'FRANCE', careerStage: 'student' },
        ...(asOf === AS_OF[0] ? [{ knownAt }] : []),
      ];
      for (const selection of selections) {
        const sql = fullScanRankingsQuery({ asOf: asOf ?? today, weights: policy.weights, limit: 100_000, offset: 0, ...selection });
        const expected: FullScanRanking[] = await db.query(sql.text, sql.values);
        for (const [limit, offset] of [
          [500, 0],
          [7, 0],
          [7, integer(random, 1, 60)],
          [50, expected.length],
        ]) {
          const res = await t.http
            .get('/api/v1/rankings')
            .set(bearer(t.admin))
            .query({ ...(asOf ? { asOf } : {}), policyVersion: policy.version, limit, offset, ...selection });
          const where = `${label}: rankings ${JSON.stringify({ asOf, policy: policy.version, limit, offset, ...selection })}`;
          expect({ where, status: res.status }).toEqual({ where, status: 200 });
          const want = expected.slice(offset, offset + limit);
          const got: RankingItem[] = res.body.items;
          expect({ where, total: res.body.total }).toEqual({ where, total: expected.length });
          expect({ where, members: got.map((i) => [i.memberId, i.rank, i.rankInSelection, i.talksCounted]) }).toEqual({
            where,
            members: want.map((r) => [r.member_id, r.rank, r.rank_in_selection, r.talks_counted]),
          });
          got.forEach((item, i) => {
            if (Math.abs(item.score - want[i].score) > 1e-9) {
              throw new Error(`${where}: ${item.memberId} scores ${item.score}, the full scan ${want[i].score}`);
            }
          });
          compared += 1;
        }
      }
    }
  }
  return compared;
}

/** Counts per cell, zeros left out: `group|value` -> count. */
function cellsOfRows(rows: CountRow[], side = 'main'): Record<string, number> {
  const cells: Record<string, number> = {};
  for (const r of rows.filter((row) => (row.side ?? 'main') === side)) {
    const key = `${r.group_key ?? ''}|${r.value}`;
    cells[key] = (cells[key] ?? 0) + r.count;
  }
  return Object.fromEntries(
    Object.entries(cells)
      .filter(([, n]) => n !== 0)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

interface ReportGroup {
  key: string | null;
  cells: { value: string; count: number | null }[];
}

function cellsOfGroups(groups: ReportGroup[]): Record<string, number | null> {
  const cells: Record<string, number | null> = {};
  for (const g of groups) for (const c of g.cells) if (c.count !== 0) cells[`${g.key ?? ''}|${c.value}`] = c.count;
  return Object.fromEntries(Object.entries(cells).sort(([a], [b]) => a.localeCompare(b)));
}

interface BalanceAsk {
  population: Population;
  dimension: Dimension;
  within?: Dimension;
  from?: string;
  to: string;
  tier?: ConferenceTier;
  talkType?: TalkType;
  conferenceId?: string;
  region?: string;
}

function drawBalanceAsks(random: Random, h: History): BalanceAsk[] {
  const asks: BalanceAsk[] = [];
  const day = () => (chance(random, 0.4) ? pick(random, QUARTER_DAYS) : dayIn(random, '2011-01-01', '2026-12-01'));
  for (const population of POPULATIONS) {
    for (const dimension of DIMENSIONS) {
      asks.push({ population, dimension, to: '2026-12-01' });
      for (let k = 0; k < 2; k++) {
        const [a, b] = [day(), day()].sort();
        const ask: BalanceAsk = { population, dimension, to: b };
        if (chance(random, 0.5))
          ask.within = pick(
            random,
            DIMENSIONS.filter((d) => d !== dimension),
          );
        if (chance(random, 0.3)) ask.region = pick(random, ['GERMANY', 'CERN', 'UK', 'OTHER_STATES_B', 'UNASSIGNED']);
        if (!isSnapshot(population)) {
          if (chance(random, 0.7)) ask.from = a;
          const filter = integer(random, 0, 4);
          if (filter === 1) ask.tier = pick(random, CONFERENCE_TIERS);
          if (filter === 2) ask.talkType = pick(random, TALK_TYPES);
          if (filter === 3) ask.conferenceId = pick(random, h.slots).conferenceId;
        }
        asks.push(ask);
      }
    }
  }
  return asks;
}

const filtersOf = (a: BalanceAsk): CountFilters =>
  isSnapshot(a.population)
    ? { to: a.to, region: a.region }
    : { from: a.from, to: a.to, tier: a.tier, talkType: a.talkType, conferenceId: a.conferenceId, region: a.region };

async function compareBalance(t: TestApp, monitor: string, random: Random, h: History, label: string): Promise<number> {
  const db = t.dataSource;
  const asks = drawBalanceAsks(random, h);
  for (const ask of asks) {
    const where = `${label}: balance ${JSON.stringify(ask)}`;
    const res = await t.http.get('/api/v1/reports/balance').set(bearer(t.admin)).set('Cache-Control', 'no-cache').query(ask);
    expect({ where, status: res.status }).toEqual({ where, status: 200 });
    const sql = fullScanBalanceCountQuery(ask.population, ask.dimension, ask.within ?? null, filtersOf(ask));
    const expected = cellsOfRows(await db.query(sql.text, sql.values));
    expect({ where, cells: cellsOfGroups(res.body.groups) }).toEqual({ where, cells: expected });

    // By period with each cell's key, as the noise is drawn: the service's own statement against the full scan's.
    const byPeriod = (rows: CountRow[]) =>
      rows.map((r) => `${r.side}|${r.period}|${r.group_key}|${r.value}|${r.count}|${r.cell_key}`).sort();
    const mine = balanceCountQuery(ask.population, ask.dimension, ask.within ?? null, filtersOf(ask), undefined, true);
    const reference = fullScanBalanceCountQuery(ask.population, ask.dimension, ask.within ?? null, filtersOf(ask), undefined, true);
    expect({ where, byPeriod: byPeriod(await db.query(mine.text, mine.values)) }).toEqual({
      where,
      byPeriod: byPeriod(await db.query(reference.text, reference.values)),
    });
  }
  // A monitor's gender reports carry noise: computed afresh they are the same answer every time.
  for (const ask of asks.filter((a) => a.dimension === 'gender' || a.within === 'gender').slice(0, 8)) {
    const read = () => t.http.get('/api/v1/reports/balance').set(bearer(monitor)).set('Cache-Control', 'no-cache').query(ask);
    const [first, second] = [await read(), await read()];
    expect(first.status).toBe(200);
    expect(second.body).toEqual(first.body);
  }
  return asks.length;
}

async function compareTrendsFunnelEquity(t: TestApp, random: Random, h: History, label: string): Promise<number> {
  const db = t.dataSource;
  let compared = 0;
  for (const population of POPULATIONS) {
    const dimension = pick(random, DIMENSIONS);
    const filters = {
      from: dayIn(random, '2012-01-01', '2018-12-31'),
      to: dayIn(random, '2024-01-01', '2026-12-01'),
      region: chance(random, 0.5) ? 'GERMANY' : undefined,
    };
    const where = `${label}: trends ${population} x ${dimension} ${JSON.stringify(filters)}`;
    const res = await t.http
      .get('/api/v1/reports/trends')
      .set(bearer(t.admin))
      .set('Cache-Control', 'no-cache')
      .query({ population, dimension, ...filters });
    expect({ where, status: res.status }).toEqual({ where, status: 200 });
    const sql = fullScanTrendCountQuery(population, dimension, filters);
    expect({ where, cells: cellsOfGroups(res.body.years) }).toEqual({ where, cells: cellsOfRows(await db.query(sql.text, sql.values)) });
    compared += 1;
  }
  for (const dimension of DIMENSIONS) {
    const filters: CountFilters = {
      from: chance(random, 0.5) ? pick(random, QUARTER_DAYS) : undefined,
      to: dayIn(random, '2022-01-01', '2026-12-01'),
      tier: chance(random, 0.3) ? pick(random, CONFERENCE_TIERS) : undefined,
    };
    if (filters.from && filters.from > filters.to) filters.from = undefined;
    const where = `${label}: funnel ${dimension} ${JSON.stringify(filters)}`;
    const res = await t.http
      .get('/api/v1/reports/funnel')
      .set(bearer(t.admin))
      .set('Cache-Control', 'no-cache')
      .query({ dimension, ...filters });
    expect({ where, status: res.status }).toEqual({ where, status: 200 });
    const sql = fullScanFunnelCountQuery(dimension, filters);
    const rows: CountRow[] = await db.query(sql.text, sql.values);
    const got: Record<string, number> = {};
    const want: Record<string, number> = {};
    for (const v of res.body.values as { value: string; stages: { stage: string; count: number }[] }[]) {
      for (const s of v.stages) if (s.count) got[`${s.stage}|${v.value}`] = s.count;
    }
    for (const r of rows) if (r.count) want[`${r.side}|${r.value}`] = (want[`${r.side}|${r.value}`] ?? 0) + r.count;
    expect({ where, got }).toEqual({ where, got: want });

    const equity = await t.http.get('/api/v1/reports/equity').set(bearer(t.admin)).set('Cache-Control', 'no-cache').query(filters);
    expect(equity.status).toBe(200);
    const equitySql = fullScanEquityCountQuery(filters);
    const equityRows: CountRow[] = await db.query(equitySql.text, equitySql.values);
    const shown: Record<string, number> = {};
    const counted: Record<string, number> = {};
    for (const s of equity.body.strata as {
      careerStage: string;
      cells: { gender: string; nominations: number; allocations: number }[];
    }[]) {
      for (const c of s.cells) {
        if (c.nominations) shown[`nominations|${s.careerStage}|${c.gender}`] = c.nominations;
        if (c.allocations) shown[`allocated|${s.careerStage}|${c.gender}`] = c.allocations;
      }
    }
    for (const r of equityRows) if (r.count) counted[`${r.side}|${r.group_key}|${r.value}`] = r.count;
    expect({ where: `${label}: equity ${JSON.stringify(filters)}`, shown }).toEqual({
      where: `${label}: equity ${JSON.stringify(filters)}`,
      shown: counted,
    });
    compared += 2;
  }
  return compared;
}

describe.each(SEEDS)('The service against the full-scan SQL, history %i', (seed) => {
  let t: TestApp;
  let monitor: string;
  let history: History;
  const random = randomStream(seed, 'aggregates-property');

  beforeAll(async () => {
    // Every count shown (no small-cell suppression), so each cell can be compared with the full scan's.
    t = await createTestApp({ env: { REPORT_MIN_CELL: '1' } });
    monitor = await t.token('monitor');
    const nominator = await t.user('nominator');
    history = await drawCollaboration(t.dataSource, random, seed);
    await importTalks(t, history, random, 1500);
    await nominateAndAllocate(t.dataSource, history, random, nominator.id);
  });
  afterAll(async () => {
    await t?.close();
  });

  const phase = async (label: string) => {
    const rankings = await compareRankings(t, random, label);
    const balances = await compareBalance(t, monitor, random, history, label);
    const others = await compareTrendsFunnelEquity(t, random, history, label);
    expect(rankings).toBeGreaterThan(50);
    expect(balances + others).toBeGreaterThan(40);
  };

  it('agrees on the history as written', async () => {
    await phase(`history ${seed}, as written`);
  });

  it('agrees after talks, tiers, genders, histories, regions and the rank policy change', async () => {
    await editHistory(t, history, random);
    await importTalks(t, history, random, 300);
    await phase(`history ${seed}, edited`);
  });
});
