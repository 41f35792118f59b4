// `npm run demo`: the service on its own embedded PostgreSQL (DATA_DIR, default ./.data/demo, never
// the normal ./.data/pg), filled with the generated 5,000-member collaboration on the first start,
// and a page of tokens and ready curl lines to try it.
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { hashToken, newToken } from '../auth/tokens';
import { startService } from '../bootstrap';
import { Role, ROLES } from '../common/enums';
import { loadConfig } from '../config/service-config';
import { startEmbeddedPostgres } from '../database/embedded-postgres';
import { migrate, seedDatabase } from './seed';
import { demoMentorshipRounds } from './mentorship-round';
import { demoLeadershipHistory } from './leadership-history';
import { demoSpeakerFlow } from './speaker-flow';

const DEMO_MEMBERS = 5000;
const DEMO_SEED = 42;
/** The users whose tokens the demo prints, one per role (see USERS in collaboration.ts). */
const ROLE_USERS: Record<Role, string> = {
  admin: 'admin@demo.example',
  committee: 'committee@demo.example',
  nominator: 'nominator@demo.example',
  monitor: 'monitor@demo.example',
  contact: 'contact@demo.example',
  member: 'member@demo.example',
  'do-chair': 'do-chair@demo.example',
  'mentorship-coordinator': 'mentorship@demo.example',
};

async function main(): Promise<void> {
  Logger.overrideLogger(['log', 'warn', 'error', 'fatal']);
  const { database } = loadConfig();
  const dataDir = database.dataDir ?? './.data/demo';
  if (database.url) console.log('DATABASE_URL is ignored: the demo keeps its own embedded PostgreSQL in DATA_DIR');
  const embedded = await startEmbeddedPostgres({
    dataDir,
    port: database.embeddedPort,
    database: 'speaker_allocation',
    log: () => undefined,
  });
  const url = embedded.url('speaker_allocation');
  // Handed to the service, which reads its settings from the environment when it starts below.
  process.env.INCIDENT_KEY ??= demoIncidentKey(dataDir);
  let tokens: Record<Role, string>;
  try {
    await migrate(url);
    if (await hasMembers(url)) {
      console.log(`The demo collaboration in ${dataDir} is already there; issuing fresh tokens for the demo users`);
      tokens = await reissueTokens(url, dataDir);
    } else {
      console.log(`Generating the demo collaboration (${DEMO_MEMBERS} members, seed ${DEMO_SEED}) into ${dataDir} ...`);
      const result = await seedDatabase(url, { members: DEMO_MEMBERS, seed: DEMO_SEED });
      const counts = Object.entries(result.counts)
        .map(([table, n]) => `${n} ${table}`)
        .join(', ');
      console.log(`Done in ${(result.timings.totalMs / 1000).toFixed(1)} s: ${counts}`);
      tokens = Object.fromEntries(ROLES.map((role) => [role, result.users.find((u) => u.email === ROLE_USERS[role])!.token])) as Record<
        Role,
        string
      >;
    }
  } catch (error) {
    await embedded.stop();
    throw error;
  }
  const { app, port } = await startService({ url, embedded });
  const speakers = await demoSpeakerFlow(app);
  if (speakers) {
    console.log(
      `Speaker flow: ${speakers.invitations} invitations at ${speakers.conferences} conferences, ` +
        `${speakers.answered} answered by link, ${speakers.mails} mails in the outbox`,
    );
  }
  const mentorship = await demoMentorshipRounds(app, DEMO_SEED);
  if (mentorship) {
    console.log(
      `Mentorship: the ${mentorship.previousYear} round published; ${mentorship.year}: ${mentorship.signups} sign-ups, ` +
        `${mentorship.pairs} pairs proposed (${mentorship.continued} continued), ${mentorship.unmatched} mentees unmatched`,
    );
  }
  const leadership = await demoLeadershipHistory(app, { seed: DEMO_SEED });
  if (leadership) {
    console.log(
      `Leadership: ${leadership.positions} positions (L1 to L3), ${leadership.appointments} appointments over 15 years, ` +
        `an open call with ${leadership.nominations} nominations`,
    );
  }
  console.log(await instructions(url, port, tokens));
}

/**
 * Incident reports need a key; the demo keeps its own beside its data (created once, readable only by
 * the owner), so reports filed in the demo stay readable across restarts. Never use it for real reports.
 */
function demoIncidentKey(dataDir: string): string {
  const file = join(dataDir, 'demo-incident-key');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function hasMembers(url: string): Promise<boolean> {
  return withClient(url, async (client) => (await client.query('SELECT EXISTS (SELECT 1 FROM member) AS any')).rows[0].any);
}

/** Tokens are stored only hashed, so a restarted demo cannot show the old ones: it issues new ones. */
function reissueTokens(url: string, dataDir: string): Promise<Record<Role, string>> {
  return withClient(url, async (client) => {
    const tokens = {} as Record<Role, string>;
    await client.query('BEGIN');
    for (const role of ROLES) {
      const token = newToken();
      const { rows } = await client.query<{ id: string }>(
        `UPDATE app_user SET token_hash = $2 WHERE lower(email) = $1 AND identity_subject IS NULL RETURNING id`,
        [ROLE_USERS[role], hashToken(token)],
      );
      if (rows.length === 0) throw new Error(`The demo user ${ROLE_USERS[role]} is missing: delete ${dataDir} to start afresh`);
      await client.query(`INSERT INTO audit_event (action, entity, entity_id, after) VALUES ('user.token-reissue', 'user', $1, $2)`, [
        rows[0].id,
        JSON.stringify({ reason: 'demo start' }),
      ]);
      tokens[role] = token;
    }
    await client.query('COMMIT');
    return tokens;
  });
}

/** Real ids from the demo data, so every curl line works as printed. */
async function instructions(url: string, port: number, tokens: Record<Role, string>): Promise<string> {
  const examples = await withClient(url, async (client) => {
    const slot = (
      await client.query<{ id: string; title: string; conference: string }>(`
      SELECT s.id, s.title, c.name AS conference FROM slot s JOIN conference c ON c.id = s.conference_id
      JOIN nomination n ON n.slot_id = s.id AND n.status IN ('submitted', 'shortlisted')
      WHERE c.start_date > current_date
      GROUP BY s.id, c.name, c.start_date ORDER BY count(*) DESC, c.start_date, s.id LIMIT 1`)
    ).rows[0];
    const member = (
      await client.query<{ id: string; name: string }>(
        `
      SELECT m.id, m.name FROM member m
      WHERE m.left_on IS NULL AND NOT EXISTS (SELECT 1 FROM nomination n WHERE n.member_id = m.id AND n.slot_id = $1)
      ORDER BY m.external_id LIMIT 1`,
        [slot.id],
      )
    ).rows[0];
    const memberName =
      (
        await client.query<{ name: string }>(
          `SELECT m.name FROM app_user u JOIN member m ON m.id = u.member_id WHERE lower(u.email) = $1`,
          [ROLE_USERS.member],
        )
      ).rows[0]?.name ?? '';
    const timed =
      (
        await client.query<{ id: string }>(`
      SELECT conference_id AS id FROM slot WHERE starts_at IS NOT NULL ORDER BY starts_at LIMIT 1`)
      ).rows[0]?.id ?? null;
    const round =
      (
        await client.query<{ id: string }>(`
      SELECT id FROM mentorship_round WHERE status = 'open'`)
      ).rows[0]?.id ?? null;
    return { slot, member, memberName, timed, round };
  });
  const base = `http://localhost:${port}`;
  const api = `${base}/api/v1`;
  // do-chair -> DEMO_DO_CHAIR: a shell variable name has no hyphen.
  const variable = (role: string) => `DEMO_${role.toUpperCase().replace(/-/g, '_')}`;
  const auth = (role: string) => `-H "Authorization: Bearer $${variable(role)}"`;
  const nomination = JSON.stringify({ memberId: examples.member.id, slotId: examples.slot.id, reason: 'Strong recent results' });
  return [
    '',
    '================ Speaker allocation service: demo collaboration ================',
    `Dashboard: ${base}/dashboard      API docs: ${base}/docs      API: ${api}`,
    '',
    'Tokens (one user per role; new ones are issued at every demo start):',
    ...ROLES.map((role) => `  export ${variable(role)}=${tokens[role]}`),
    '',
    `Candidates for "${examples.slot.title}" (${examples.slot.conference}), best first:`,
    `  curl ${auth('committee')} ${api}/slots/${examples.slot.id}/candidates`,
    'Eligibility ranking of the whole collaboration, and of one region:',
    `  curl ${auth('committee')} "${api}/rankings?limit=20"`,
    `  curl ${auth('committee')} "${api}/rankings?region=USA&careerStage=postdoc&limit=20"`,
    'Balance of the recorded talks by region, and of the membership by gender within career stage:',
    `  curl ${auth('monitor')} "${api}/reports/balance?population=talks&dimension=region"`,
    `  curl ${auth('monitor')} "${api}/reports/balance?population=members&dimension=gender&within=careerStage"`,
    'Where an imbalance enters (membership -> nominations -> allocations), and equal treatment by career stage:',
    `  curl ${auth('monitor')} "${api}/reports/funnel?dimension=gender"`,
    `  curl ${auth('monitor')} "${api}/reports/equity?from=2025-01-01"`,
    "Declines by region with the kind of reason, the authors against the membership, each year against that year's membership:",
    `  curl ${auth('monitor')} "${api}/reports/declines?dimension=region"`,
    `  curl ${auth('monitor')} "${api}/reports/balance?population=authors&dimension=gender&within=careerStage&compareTo=members"`,
    `  curl ${auth('monitor')} "${api}/reports/trends?population=talks&dimension=region&compareTo=members"`,
    `Nominate ${examples.member.name} for that slot, then list your own nominations:`,
    `  curl ${auth('nominator')} -H "Content-Type: application/json" -d '${nomination}' ${api}/nominations`,
    `  curl ${auth('nominator')} "${api}/nominations?limit=5"`,
    'Countries without a region (data quality), and the audit log:',
    `  curl ${auth('admin')} ${api}/regions/data-quality`,
    `  curl ${auth('admin')} "${api}/audit?limit=5"`,
    'Leadership: the positions, who held them, the proportionality review by gender, and who is due to rotate:',
    `  curl ${auth('monitor')} "${api}/leadership/positions?level=L1"`,
    `  curl ${auth('monitor')} "${api}/reports/leadership?dimension=gender"`,
    `  curl ${auth('monitor')} "${api}/reports/leadership/term-limits?withinDays=365"`,
    'Reports filed with the conference contact:',
    `  curl ${auth('contact')} ${api}/incidents`,
    'The mail the service wrote (SMTP_URL is unset, so it is kept here), and a programme with times and rooms:',
    `  curl ${auth('admin')} "${api}/outbox?limit=5"`,
    ...(examples.timed
      ? [
          `  curl ${auth('committee')} ${api}/conferences/${examples.timed}/programme`,
          `  curl ${auth('committee')} -o programme.ics "${api}/conferences/${examples.timed}/programme?format=ics"`,
        ]
      : []),
    `A member's own page (${examples.memberName}): record, talk history, eligibility with its breakdown, invitations:`,
    `  curl ${auth('member')} ${api}/me`,
    `  curl ${auth('member')} ${api}/me/eligibility`,
    `  curl ${auth('member')} ${api}/me/invitations`,
    "A message to the diversity office's anonymous box, and the DO co-chairs reading it:",
    `  curl ${auth('member')} -H "Content-Type: application/json" -d '{"text":"About the coffee-break jokes"}' ${api}/diversity-office/messages`,
    `  curl ${auth('do-chair')} ${api}/diversity-office/messages`,
    "The mentorship programme: the rounds, this year's proposed pairs with their explanations, the round's report:",
    `  curl ${auth('mentorship-coordinator')} ${api}/mentorship/rounds`,
    ...(examples.round
      ? [
          `  curl ${auth('mentorship-coordinator')} ${api}/mentorship/rounds/${examples.round}/matching`,
          `  curl ${auth('mentorship-coordinator')} "${api}/reports/mentorship?roundId=${examples.round}"`,
        ]
      : []),
    `The dashboard shows the member's own page: open ${base}/dashboard and paste $DEMO_MEMBER (or sign in through`,
    '  the identity provider when OIDC_ISSUER is set).',
    '',
    'Stop with Ctrl-C. The data stays in DATA_DIR (default ./.data/demo); delete it to generate afresh.',
    '================================================================================',
  ].join('\n');
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
