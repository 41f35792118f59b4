// Writes a generated collaboration into an empty, migrated database, fast: one COPY per table inside
// one transaction, foreign keys dropped during the load and re-added (checked in bulk) before commit,
// as pg_restore does. `npm run seed -- --members 50000 --talks 1000000 [--seed 42] [--reset]`
import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { Logger } from '@nestjs/common';
import { Client, Submittable } from 'pg';
import { DataSource } from 'typeorm';
import { hashToken, newToken } from '../auth/tokens';
import { DeclineCategory, Role } from '../common/enums';
import { dataSourceOptions } from '../database/data-source-options';
import { resolveDatabase } from '../database/database';
import { Collaboration, CollaborationOptions, generateCollaboration } from './collaboration';

/** A number in [0, 1) fixed by a text: the demo's later details, drawn without moving the generator's stream. */
function uniformOf(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0) / 2 ** 32;
}

/**
 * Authors: most members sign the collaboration's papers a year after joining (a qualification task
 * done), until they leave; engineers less often. Dates as the collaboration's author list keeps them.
 */
function authorship(
  m: { id: string; joinedOn: string; leftOn: string | null; careerStage: string },
  today: string,
): [string | null, string | null] {
  if (uniformOf(`author:${m.id}`) >= (m.careerStage === 'engineer' ? 0.5 : 0.9)) return [null, null];
  const since = new Date(Date.parse(`${m.joinedOn}T00:00:00Z`) + 365 * 86_400_000).toISOString().slice(0, 10);
  if (since > today || (m.leftOn && since >= m.leftOn)) return [null, null];
  const until = m.leftOn ? new Date(Date.parse(`${m.leftOn}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10) : null;
  return [since, until];
}

/** Where travel money is short, declines are more often for funding or visas: the seed's "downward outliers". */
const FUNDING_STRAINED = new Set(['IN', 'PK', 'LK', 'IR', 'EG', 'BR', 'MX', 'CO', 'EC', 'UA', 'RS', 'ME', 'TR', 'LB', 'TH', 'MY']);
const CATEGORY_OF_REASON: Record<string, DeclineCategory> = {
  'Schedule conflict': 'schedule',
  'Teaching duties': 'schedule',
  'Travel not possible': 'travel',
  'Personal reasons': 'family',
};

function declineOf(id: string, reason: string | null, country: string | undefined): { reason: string | null; category: DeclineCategory } {
  const u = uniformOf(`decline:${id}`);
  if (country && FUNDING_STRAINED.has(country) && u < 0.55) {
    return u < 0.4
      ? { reason: 'No travel funding left this year', category: 'funding' }
      : { reason: 'The visa did not come in time', category: 'travel' };
  }
  if (u < 0.08) return { reason: 'No travel funding left this year', category: 'funding' };
  if (u > 0.95) return { reason, category: 'other' };
  return { reason, category: (reason ? CATEGORY_OF_REASON[reason] : undefined) ?? 'other' };
}

// pg-copy-streams ships without type declarations; this is the one function used.
const { from: copyFrom } = require('pg-copy-streams') as { from(sql: string): Writable & Submittable };

export interface SeedOptions extends Omit<CollaborationOptions, 'today' | 'existingInstitutes'> {
  /** Defaults to the current date. */
  today?: string;
  /** Empty the domain tables first instead of refusing a database that has data. */
  reset?: boolean;
  log?: (line: string) => void;
}

export interface SeededUser {
  id: string;
  name: string;
  email: string;
  roles: Role[];
  token: string;
}

export interface SeedResult {
  counts: Record<string, number>;
  users: SeededUser[];
  crowdedSlotId: string | null;
  timings: { generateAndCopyMs: number; indexesMs: number; constraintsMs: number; analyzeMs: number; totalMs: number };
}

export class DatabaseNotEmpty extends Error {}

/** The tables the seed fills, in load order. */
const DOMAIN_TABLES = [
  'institute',
  'member',
  'member_career_stage',
  'member_affiliation',
  'conference',
  'slot',
  'nomination',
  'allocation',
  'talk',
];

/** The aggregates the migrations' triggers keep from the domain tables. */
const MAINTAINED_TABLES = ['talk_tally', 'member_tally', 'member_span', 'member_rank_basis'];

export async function migrate(url: string): Promise<void> {
  const dataSource = new DataSource(dataSourceOptions(url, { extra: { max: 1 } }));
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'all' });
  } finally {
    await dataSource.destroy();
  }
}

/** Migrates, then fills the database with a generated collaboration. */
export async function seedDatabase(url: string, options: SeedOptions = {}): Promise<SeedResult> {
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  await migrate(url);
  const client = new Client({ connectionString: url, application_name: 'speaker-allocation-seed' });
  await client.connect();
  try {
    if (!(await isEmpty(client))) {
      if (!options.reset) {
        throw new DatabaseNotEmpty('The database already holds members or conferences; seed an empty database or pass --reset');
      }
      log('Emptying the domain tables (--reset)');
      await emptyDomainTables(client);
    }
    const existing = await client.query<{ id: string; name: string }>(
      `SELECT id, name FROM institute WHERE name IN ('CERN', 'JINR Dubna')`,
    );
    const collaboration = generateCollaboration({
      ...options,
      today: options.today ?? new Date().toISOString().slice(0, 10),
      existingInstitutes: Object.fromEntries(existing.rows.map((r) => [r.name, r.id])),
    });

    await client.query('BEGIN');
    try {
      const users = await upsertUsers(client, collaboration);
      const foreignKeys = await dropConstraints(client);
      const keys = await dropUnreferencedKeys(client);
      const indexes = await dropIndexes(client);
      const counts = await copyCollaboration(client, collaboration, users, log);
      const loaded = Date.now();
      // Sorting once per index is much faster than a million random B-tree inserts.
      await client.query(`SET LOCAL maintenance_work_mem = '256MB'`);
      for (const key of keys) {
        await client.query(`ALTER TABLE ${key.table} ADD CONSTRAINT ${client.escapeIdentifier(key.name)} ${key.definition}`);
      }
      for (const index of indexes) await client.query(index.definition);
      const indexed = Date.now();
      log(`  indexes rebuilt in ${indexed - loaded} ms`);
      for (const fk of foreignKeys) {
        await client.query(`ALTER TABLE ${fk.table} ADD CONSTRAINT ${client.escapeIdentifier(fk.name)} ${fk.definition}`);
      }
      await linkMemberAccounts(client, collaboration, users);
      const checked = Date.now();
      await client.query(`INSERT INTO audit_event (action, entity, after) VALUES ('collaboration.seed', 'database', $1)`, [
        JSON.stringify({ ...counts, seed: options.seed ?? 42, today: collaboration.today }),
      ]);
      await client.query('COMMIT');
      // The ranking basis was rebuilt once per history table loaded: leave none of the old rows behind.
      // The loaded tables are vacuumed too, as autovacuum would soon: their visibility maps let the
      // talk reads be index-only, and no autovacuum of a million fresh rows runs under what follows.
      await client.query(`VACUUM (ANALYZE) member_rank_basis, ${DOMAIN_TABLES.join(', ')}`);
      await client.query('ANALYZE');
      const analyzed = Date.now();
      return {
        counts: { ...counts, app_user: users.length },
        users,
        crowdedSlotId: collaboration.crowdedSlotId,
        timings: {
          generateAndCopyMs: loaded - started,
          indexesMs: indexed - loaded,
          constraintsMs: checked - indexed,
          analyzeMs: analyzed - checked,
          totalMs: analyzed - started,
        },
      };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  } finally {
    await client.end();
  }
}

async function isEmpty(client: Client): Promise<boolean> {
  const { rows } = await client.query<{ empty: boolean }>(`
    SELECT NOT EXISTS (SELECT 1 FROM member) AND NOT EXISTS (SELECT 1 FROM conference)
      AND NOT EXISTS (SELECT 1 FROM institute WHERE name NOT IN ('CERN', 'JINR Dubna')) AS empty`);
  return rows[0].empty;
}

/** Links the members' own accounts to their records, now loaded, and enables them. */
async function linkMemberAccounts(client: Client, collaboration: Collaboration, users: SeededUser[]): Promise<void> {
  for (const [i, user] of collaboration.users.entries()) {
    if (!user.memberId) continue;
    await client.query(`UPDATE app_user SET member_id = $2, roles = $3, disabled = false WHERE id = $1`, [
      users[i].id,
      user.memberId,
      user.roles,
    ]);
  }
}

/**
 * The audit log and the users stay (the log is append-only by design); everything else goes. Accounts
 * lose their member link first, one left without a role disabled, and their foreign key to the members
 * is set aside while the tables are emptied: TRUNCATE ... CASCADE would take the accounts, and with
 * them the log, along.
 */
async function emptyDomainTables(client: Client): Promise<void> {
  await client.query(
    `UPDATE app_user SET member_id = NULL, roles = array_remove(roles, 'member'),
            disabled = disabled OR (roles = ARRAY['member'] AND identity_subject IS NULL)
     WHERE member_id IS NOT NULL`,
  );
  const { rows: links } = await client.query<Constraint>(
    `
    SELECT conrelid::regclass::text AS table, conname AS name, pg_get_constraintdef(oid) AS definition
    FROM pg_constraint WHERE contype = 'f' AND conrelid = 'app_user'::regclass AND confrelid::regclass::text = ANY ($1)`,
    [DOMAIN_TABLES],
  );
  for (const fk of links) await client.query(`ALTER TABLE app_user DROP CONSTRAINT ${client.escapeIdentifier(fk.name)}`);
  // TRUNCATE fires no delete trigger: the aggregates the triggers keep are emptied with their tables
  // (the talk tally has no key to cascade from), and the load below counts everything afresh.
  await client.query(`TRUNCATE ${[...DOMAIN_TABLES, ...MAINTAINED_TABLES].join(', ')} CASCADE`);
  for (const fk of links) await client.query(`ALTER TABLE app_user ADD CONSTRAINT ${client.escapeIdentifier(fk.name)} ${fk.definition}`);
  await client.query(`INSERT INTO institute (name, country, region_override) VALUES
    ('CERN', 'CH', 'CERN'), ('JINR Dubna', 'RU', 'RDMS')`);
}

/**
 * One user per role (and the conveners who nominate); a user with the same email gets a new token.
 * A member's own account waits, disabled and without roles, until its member record is loaded.
 */
async function upsertUsers(client: Client, collaboration: Collaboration): Promise<SeededUser[]> {
  const seeded: SeededUser[] = [];
  for (const user of collaboration.users) {
    const token = newToken();
    const waiting = user.memberId !== undefined;
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO app_user (id, name, email, roles, token_hash, disabled) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT ((lower(email))) WHERE identity_subject IS NULL
       DO UPDATE SET name = EXCLUDED.name, roles = EXCLUDED.roles, token_hash = EXCLUDED.token_hash, disabled = EXCLUDED.disabled,
                     member_id = NULL
       RETURNING id`,
      [user.id, user.name, user.email, waiting ? [] : user.roles, hashToken(token), waiting],
    );
    seeded.push({ ...user, id: rows[0].id, token });
  }
  return seeded;
}

interface Constraint {
  table: string;
  name: string;
  definition: string;
}

async function dropConstraints(client: Client): Promise<Constraint[]> {
  const { rows } = await client.query<Constraint>(
    `
    SELECT conrelid::regclass::text AS table, conname AS name, pg_get_constraintdef(oid) AS definition
    FROM pg_constraint
    WHERE contype = 'f' AND conrelid::regclass::text = ANY ($1)`,
    [DOMAIN_TABLES],
  );
  for (const fk of rows) await client.query(`ALTER TABLE ${fk.table} DROP CONSTRAINT ${client.escapeIdentifier(fk.name)}`);
  return rows;
}

/** Primary keys and unique constraints no foreign key leans on (the talk table's, above all). */
async function dropUnreferencedKeys(client: Client): Promise<Constraint[]> {
  const { rows } = await client.query<Constraint>(
    `
    SELECT k.conrelid::regclass::text AS table, k.conname AS name, pg_get_constraintdef(k.oid) AS definition
    FROM pg_constraint k
    WHERE k.contype IN ('p', 'u') AND k.conrelid::regclass::text = ANY ($1)
      AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = k.conindid)`,
    [DOMAIN_TABLES],
  );
  for (const key of rows) await client.query(`ALTER TABLE ${key.table} DROP CONSTRAINT ${client.escapeIdentifier(key.name)}`);
  return rows;
}

/** Secondary indexes (those not backing a primary key, unique or exclusion constraint), rebuilt after the load. */
async function dropIndexes(client: Client): Promise<{ name: string; definition: string }[]> {
  const { rows } = await client.query<{ name: string; definition: string }>(
    `
    SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
    FROM pg_index i
    WHERE i.indrelid::regclass::text = ANY ($1)
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x'))`,
    [DOMAIN_TABLES],
  );
  for (const index of rows) await client.query(`DROP INDEX ${index.name}`);
  return rows;
}

async function copyCollaboration(
  client: Client,
  c: Collaboration,
  users: SeededUser[],
  log: (line: string) => void,
): Promise<Record<string, number>> {
  const userId = new Map(c.users.map((u, i) => [u.id, users[i].id]));
  const counts: Record<string, number> = {};
  const copy = async (table: string, columns: string[], rows: Iterable<readonly unknown[]>) => {
    const started = Date.now();
    counts[table] = await copyRows(client, table, columns, rows);
    log(`  ${table.padEnd(20)} ${String(counts[table]).padStart(9)} rows  ${Date.now() - started} ms`);
  };
  await copy(
    'institute',
    ['id', 'name', 'country', 'region_override'],
    c.institutes.filter((i) => !i.existing).map((i) => [i.id, i.name, i.country, i.regionOverride]),
  );
  await copy(
    'member',
    [
      'id',
      'external_id',
      'name',
      'email',
      'gender',
      'institute_id',
      'career_stage',
      'joined_on',
      'left_on',
      'author_since',
      'author_until',
    ],
    c.members.map((m) => [
      m.id,
      m.externalId,
      m.name,
      m.email,
      m.gender,
      m.instituteId,
      m.careerStage,
      m.joinedOn,
      m.leftOn,
      ...authorship(m, c.today),
    ]),
  );
  await copy(
    'member_career_stage',
    ['member_id', 'valid_from', 'career_stage'],
    c.members.flatMap((m) => m.careerStages.map((e) => [m.id, e.validFrom, e.careerStage])),
  );
  await copy(
    'member_affiliation',
    ['member_id', 'valid_from', 'institute_id'],
    c.members.flatMap((m) => m.affiliations.map((e) => [m.id, e.validFrom, e.instituteId])),
  );
  await copy(
    'conference',
    ['id', 'name', 'start_date', 'end_date', 'country', 'tier'],
    c.conferences.map((k) => [k.id, k.name, k.startDate, k.endDate, k.country, k.tier]),
  );
  await copy(
    'slot',
    ['id', 'conference_id', 'title', 'talk_type', 'seats', 'topic'],
    c.slots.map((s) => [s.id, s.conferenceId, s.title, s.talkType, s.seats, s.topic]),
  );
  await copy(
    'nomination',
    ['id', 'member_id', 'slot_id', 'nominator_id', 'reason', 'status', 'career_stage', 'institute_id', 'created_at', 'updated_at'],
    c.nominations.map((n) => [
      n.id,
      n.memberId,
      n.slotId,
      userId.get(n.nominatorId),
      n.reason,
      n.status,
      n.careerStage,
      n.instituteId,
      n.createdAt,
      n.createdAt,
    ]),
  );
  const instituteCountry = new Map(c.institutes.map((i) => [i.id, i.country]));
  const countryOf = new Map(c.members.map((m) => [m.id, instituteCountry.get(m.instituteId)]));
  await copy(
    'allocation',
    [
      'id',
      'slot_id',
      'member_id',
      'nomination_id',
      'status',
      'rationale',
      'decline_reason',
      'decline_category',
      'policy_version',
      'allocated_by',
      'created_at',
      'updated_at',
      'responded_at',
    ],
    c.allocations.map((a) => {
      const decline = a.status === 'declined' ? declineOf(a.id, a.declineReason, countryOf.get(a.memberId)) : null;
      return [
        a.id,
        a.slotId,
        a.memberId,
        a.nominationId,
        a.status,
        a.rationale,
        decline?.reason ?? a.declineReason,
        decline?.category ?? null,
        1,
        userId.get(a.allocatedBy),
        a.createdAt,
        a.respondedAt ?? a.createdAt,
        a.respondedAt,
      ];
    }),
  );
  await copy(
    'talk',
    ['id', 'member_id', 'conference_id', 'talk_type', 'date', 'title', 'career_stage', 'institute_id', 'allocation_id'],
    (function* () {
      for (const t of c.talks())
        yield [t.id, t.memberId, t.conferenceId, t.talkType, t.date, t.title, t.careerStage, t.instituteId, t.allocationId];
    })(),
  );
  return counts;
}

const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** COPY's text format: tab-separated, \N for null, backslash escapes. */
function copyField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const text = String(value);
  return /[\\\t\n\r]/.test(text) ? text.replace(/[\\\t\n\r]/g, (ch) => COPY_ESCAPES[ch]) : text;
}

async function copyRows(client: Client, table: string, columns: string[], rows: Iterable<readonly unknown[]>): Promise<number> {
  let count = 0;
  function* chunks(): Generator<string> {
    let chunk = '';
    for (const row of rows) {
      chunk += `${row.map(copyField).join('\t')}\n`;
      count++;
      if (chunk.length >= 1 << 16) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }
  await pipeline(Readable.from(chunks()), client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`)));
  return count;
}

// ---------------------------------------------------------------------------------------------
// Command line

async function main(): Promise<void> {
  Logger.overrideLogger(['log', 'warn', 'error', 'fatal']);
  const { values } = parseArgs({
    options: {
      members: { type: 'string', default: '5000' },
      talks: { type: 'string' },
      seed: { type: 'string', default: '42' },
      today: { type: 'string' },
      'crowded-slot': { type: 'string', default: '0' },
      reset: { type: 'boolean', default: false },
    },
  });
  const number = (name: string, text: string | undefined) => {
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a whole number, got ${text}`);
    return value;
  };
  if (values.today !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values.today)) throw new Error('--today must be YYYY-MM-DD');
  const { url, embedded } = await resolveDatabase();
  try {
    const result = await seedDatabase(url, {
      members: number('members', values.members),
      talks: number('talks', values.talks),
      seed: number('seed', values.seed),
      today: values.today,
      crowdedSlotNominees: number('crowded-slot', values['crowded-slot']),
      reset: values.reset,
      log: (line) => console.log(line),
    });
    const t = result.timings;
    console.log(
      `Seeded in ${(t.totalMs / 1000).toFixed(1)} s (migrate, generate + COPY ${t.generateAndCopyMs} ms, ` +
        `indexes ${t.indexesMs} ms, foreign keys checked ${t.constraintsMs} ms, ANALYZE ${t.analyzeMs} ms)`,
    );
    console.log('Tokens (shown once, stored hashed):');
    for (const user of result.users) console.log(`  ${user.roles.join(',').padEnd(10)} ${user.email.padEnd(36)} ${user.token}`);
  } finally {
    await embedded?.stop();
  }
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
