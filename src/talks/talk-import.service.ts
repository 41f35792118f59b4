import { BeforeApplicationShutdown, HttpStatus, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { DataSource, QueryRunner } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../auth/actor';
import { badRequest, ProblemException, unprocessable } from '../common/problem';
import { copyFrom } from './copy-streams';
import {
  readTalkCsvStream, talkCopyLine, TalkImportChecker, TalkImportFormatError, TalkImportRowError, talkJsonRecords,
} from './talk-import';
import { TalkImportResult } from './talks.dto';

/** How many row errors a refused import lists; the answer says how many more there were. */
export const MAX_LISTED_ERRORS = 1000;

/** From this many rows on, an import relaxes the talk table's constraints while it loads (see insertTalks). */
export const BULK_IMPORT_ROWS = 50_000;

/**
 * How long a shutdown waits for a CSV import still being uploaded (SHUTDOWN_GRACE_MS). Below the 20 s
 * after which start-up's shutdown gives up on everything, so that the refusal still gets out.
 */
export const SHUTDOWN_GRACE_MS = 10_000;

/** The answer to an upload still arriving when the shutdown's grace period is over. */
export class ShutdownRefusal extends ProblemException {
  constructor() {
    super(HttpStatus.SERVICE_UNAVAILABLE,
      'The service is shutting down and the upload had not finished; nothing of it was imported. Send it again in a moment');
  }
}

// The history entry in force on a date, as member_career_stage_at / member_institute_at pick it (the
// latest entry on or before the date, else the first one), as ranges a whole import joins against in
// one pass instead of calling the functions once per talk.
const IN_FORCE = (table: string, column: string) => `
  SELECT member_id, ${column},
         CASE WHEN lag(valid_from) OVER w IS NULL THEN '-infinity'::date ELSE valid_from END AS valid_from,
         COALESCE(lead(valid_from) OVER w, 'infinity'::date) AS valid_until
  FROM ${table}
  WINDOW w AS (PARTITION BY member_id ORDER BY valid_from)`;

@Injectable()
export class TalkImportService implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('TalkImport');
  private readonly bulkRows: number;
  /** Aborted when a shutdown's grace period is over: uploads still arriving then are refused. */
  private readonly shutdown = new AbortController();
  private graceTimer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {
    this.bulkRows = Number(process.env.TALK_IMPORT_BULK_ROWS ?? BULK_IMPORT_ROWS);
  }

  /** A JSON array of talks (see load). */
  import(body: unknown, actor: Actor): Promise<TalkImportResult> {
    return this.load((async function* () { yield talkJsonRecords(body); })(), actor);
  }

  /** A CSV file of talks, read as it arrives (see load); refused with ShutdownRefusal if a shutdown outlasts its upload. */
  importCsv(text: AsyncIterable<string>, actor: Actor): Promise<TalkImportResult> {
    return this.load(readTalkCsvStream(untilAborted(text, this.shutdown.signal)), actor);
  }

  /**
   * Runs before the HTTP server closes (it then takes no new connections and waits for the requests in
   * flight) and before the database goes: an upload gets the grace period to finish and is imported;
   * one still arriving after it is refused and rolled back, so that its client gets an answer.
   */
  beforeApplicationShutdown(): void {
    const grace = Number(process.env.SHUTDOWN_GRACE_MS ?? SHUTDOWN_GRACE_MS);
    this.graceTimer = setTimeout(() => this.shutdown.abort(new ShutdownRefusal()), grace);
    this.graceTimer.unref();
  }

  onApplicationShutdown(): void {
    clearTimeout(this.graceTimer);
  }

  /**
   * All or nothing: the records are checked one by one as they arrive and go on with COPY into a
   * temporary table, where members and conferences are resolved with joins; any bad row refuses the
   * whole import, naming the bad rows. Otherwise the missing conferences and then the talks are written
   * by two INSERT ... SELECT. Nothing of the file stays in memory but the conferences it describes and
   * the first errors; a file that cannot be read (its header, its CSV) is refused with 400.
   */
  private async load(batches: AsyncGenerator<readonly unknown[]>, actor: Actor): Promise<TalkImportResult> {
    const started = Date.now();
    const phases: Record<string, number> = {};
    const lap = (phase: string) => { phases[phase] = Date.now() - started - Object.values(phases).reduce((a, b) => a + b, 0); };
    const checker = new TalkImportChecker(MAX_LISTED_ERRORS);
    let runner: QueryRunner | null = null;
    try {
      // The header is read and checked before the database is touched: a file that is not a talk
      // import costs no transaction, and waits for no other import.
      const first = await batches.next();
      lap('header');
      runner = this.dataSource.createQueryRunner();
      const client: PoolClient = await runner.connect();
      await runner.startTransaction();
      await client.query(`SET LOCAL statement_timeout = '10min'`);
      await client.query(`SET LOCAL work_mem = '64MB'`);
      await client.query(`
        CREATE TEMP TABLE talk_import (
          row int NOT NULL, external_id text NOT NULL, conference text NOT NULL, year int NOT NULL,
          talk_type text NOT NULL, date date, title text
        ) ON COMMIT DROP;
        CREATE TEMP TABLE conference_import (
          row int NOT NULL, name text NOT NULL, year int NOT NULL, tier text NOT NULL,
          start_date date NOT NULL, end_date date NOT NULL, country char(2)
        ) ON COMMIT DROP`);
      await copyText(client, 'COPY talk_import FROM STDIN', talkCopyText(first, batches, checker));
      const check = checker.finish();
      lap('read, check and copy');
      // Imports queue up from here, so two of them never race to create the same conference.
      await client.query(`SELECT pg_advisory_xact_lock(hashtext('talk-import'))`);
      await client.query(
        `INSERT INTO conference_import SELECT * FROM jsonb_to_recordset($1::jsonb)
           AS c(row int, name text, year int, tier text, start_date date, end_date date, country char(2))`,
        [JSON.stringify(check.conferences.map((c) => ({
          row: c.row, name: c.name, year: c.year, tier: c.tier, start_date: c.startDate, end_date: c.endDate, country: c.country,
        })))],
      );
      await client.query(`ANALYZE talk_import`);

      const { errors: unmatched, total: unmatchedTotal } = await this.unmatched(client);
      lap('resolve');
      const errorCount = check.errorCount + unmatchedTotal;
      if (errorCount > 0) {
        const listed = [...check.errors, ...unmatched]
          .sort((a, b) => a.row - b.row)
          .slice(0, MAX_LISTED_ERRORS);
        const more = errorCount - listed.length;
        throw unprocessable(
          `Nothing was imported: ${errorCount} problem(s)`
            + (more > 0 ? `; the first ${listed.length} are listed, ${more} more are not` : ''),
          listed,
          { errorCount },
        );
      }

      const conferences = await client.query(`
        INSERT INTO conference (name, start_date, end_date, country, tier)
        SELECT DISTINCT ON (lower(ci.name), ci.year) ci.name, ci.start_date, ci.end_date, ci.country, ci.tier
        FROM conference_import ci
        WHERE NOT EXISTS (SELECT 1 FROM conference c
                          WHERE lower(c.name) = lower(ci.name) AND date_part('year', c.start_date) = ci.year)
        ORDER BY lower(ci.name), ci.year, ci.row`);
      // The finished rows first, so that the talk table itself is busy only while they go in. Ordered
      // by speaker and date: a member's talks end up side by side, as the rank reads them.
      await client.query(`
        CREATE TEMP TABLE talk_ready ON COMMIT DROP AS
        WITH stage AS (${IN_FORCE('member_career_stage', 'career_stage')}),
             place AS (${IN_FORCE('member_affiliation', 'institute_id')})
        SELECT m.id AS member_id, c.id AS conference_id, i.talk_type, d.date, i.title,
               COALESCE(s.career_stage, m.career_stage) AS career_stage,
               COALESCE(p.institute_id, m.institute_id) AS institute_id
        FROM talk_import i
        JOIN member m ON m.external_id = i.external_id
        JOIN conference c ON lower(c.name) = lower(i.conference) AND date_part('year', c.start_date) = i.year
        CROSS JOIN LATERAL (SELECT COALESCE(i.date, c.start_date) AS date) d
        LEFT JOIN stage s ON s.member_id = m.id AND d.date >= s.valid_from AND d.date < s.valid_until
        LEFT JOIN place p ON p.member_id = m.id AND d.date >= p.valid_from AND d.date < p.valid_until
        ORDER BY m.id, d.date`);
      lap('prepare');
      const talks = await this.insertTalks(client, check.valid);
      lap('insert');
      const result = { created: talks, conferencesCreated: conferences.rowCount ?? 0 };
      await this.audit.record(runner.manager, actor, { action: 'talk.import', entity: 'talk', after: result });
      await runner.commitTransaction();
      lap('commit');
      this.logger.log(`Imported ${result.created} talks, ${result.conferencesCreated} new conferences; ms per phase ${JSON.stringify(phases)}`);
      return result;
    } catch (error) {
      if (runner?.isTransactionActive) await runner.rollbackTransaction();
      if (error instanceof TalkImportFormatError) throw badRequest(error.message);
      throw error;
    } finally {
      await runner?.release();
      // Stops reading the file when the import ended before it did.
      await batches.return(undefined);
    }
  }

  /**
   * Moves the finished rows into the talk table. A large import goes in the way the PostgreSQL manual
   * advises for populating a table ("Populating a Database"): the foreign keys to member, conference and
   * institute are dropped and added back (one set-based check instead of three lookups per row), and
   * when the import at least doubles the table, its plain indexes are rebuilt instead of updated.
   * Definitions are read from the catalog, so this follows whatever the migrations say. Until commit
   * this holds exclusive locks on talk, member, conference and institute: readers wait a few seconds.
   */
  private async insertTalks(client: PoolClient, rows: number): Promise<number> {
    // Time-ordered ids (PostgreSQL 18) append to the primary key's index instead of landing all over it.
    const { rows: [{ ordered }] } = await client.query<{ ordered: boolean }>(
      `SELECT current_setting('server_version_num')::int >= 180000 AS ordered`);
    const insert = `
      INSERT INTO talk (id, member_id, conference_id, talk_type, date, title, career_stage, institute_id)
      SELECT ${ordered ? 'uuidv7()' : 'gen_random_uuid()'}, member_id, conference_id, talk_type, date, title, career_stage, institute_id
      FROM talk_ready`;
    if (rows < this.bulkRows) return (await client.query(insert)).rowCount ?? 0;

    const { rows: foreignKeys } = await client.query<{ name: string; definition: string }>(`
      SELECT conname AS name, pg_get_constraintdef(oid) AS definition
      FROM pg_constraint
      WHERE conrelid = 'talk'::regclass AND contype = 'f'
        AND confrelid IN ('member'::regclass, 'conference'::regclass, 'institute'::regclass)`);
    const { rows: [{ existing }] } = await client.query<{ existing: number }>(
      `SELECT GREATEST(reltuples, 0)::float8 AS existing FROM pg_class WHERE oid = 'talk'::regclass`);
    const { rows: indexes } = rows < existing ? { rows: [] } : await client.query<{ name: string; definition: string }>(`
      SELECT c.relname AS name, pg_get_indexdef(x.indexrelid) AS definition
      FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid
      WHERE x.indrelid = 'talk'::regclass AND NOT x.indisunique AND NOT x.indisprimary`);

    const id = (name: string) => client.escapeIdentifier(name);
    if (foreignKeys.length) {
      await client.query(`ALTER TABLE talk ${foreignKeys.map((fk) => `DROP CONSTRAINT ${id(fk.name)}`).join(', ')}`);
    }
    for (const index of indexes) await client.query(`DROP INDEX ${id(index.name)}`);
    const inserted = (await client.query(insert)).rowCount ?? 0;
    await client.query(`SET LOCAL maintenance_work_mem = '256MB'`);
    for (const index of indexes) await client.query(index.definition);
    if (foreignKeys.length) {
      await client.query(`ALTER TABLE talk ${foreignKeys.map((fk) => `ADD CONSTRAINT ${id(fk.name)} ${fk.definition}`).join(', ')}`);
    }
    return inserted;
  }

  /** Rows naming a member or a conference that neither the database nor the file provides; the first ones and how many. */
  private async unmatched(client: PoolClient): Promise<{ errors: TalkImportRowError[]; total: number }> {
    const { rows } = await client.query(`
      SELECT e.row, e.field, e.message, count(*) OVER ()::int AS total
      FROM (
        SELECT i.row, 'externalId' AS field, format('no member has externalId %s', i.external_id) AS message
        FROM talk_import i
        WHERE NOT EXISTS (SELECT 1 FROM member m WHERE m.external_id = i.external_id)
        UNION ALL
        SELECT i.row, 'conference',
               format('no conference %s in %s; give its tier to create it', i.conference, i.year)
        FROM talk_import i
        WHERE NOT EXISTS (SELECT 1 FROM conference c
                          WHERE lower(c.name) = lower(i.conference) AND date_part('year', c.start_date) = i.year)
          AND NOT EXISTS (SELECT 1 FROM conference_import ci
                          WHERE lower(ci.name) = lower(i.conference) AND ci.year = i.year)
      ) e
      ORDER BY e.row, e.field DESC
      LIMIT ${MAX_LISTED_ERRORS}`);
    return {
      errors: rows.map(({ row, field, message }) => ({ row, field, message })),
      total: rows[0]?.total ?? 0,
    };
  }
}

/** The COPY text of the valid rows, as their records arrive and are checked, in pieces of about 64 KB. */
async function* talkCopyText(
  first: IteratorResult<readonly unknown[]>, batches: AsyncIterator<readonly unknown[]>, checker: TalkImportChecker,
): AsyncGenerator<string> {
  let text = '';
  for (let batch = first; !batch.done; batch = await batches.next()) {
    for (const record of batch.value) {
      const row = checker.check(record);
      if (row === null) continue;
      text += talkCopyLine(row);
      if (text.length >= 1 << 16) {
        yield text;
        text = '';
      }
    }
  }
  if (text !== '') yield text;
}

/**
 * The pieces of `text` until `signal` is aborted, then its reason as the error: a piece that is slow to
 * come (a client still uploading) is not waited for.
 */
async function* untilAborted(text: AsyncIterable<string>, signal: AbortSignal): AsyncGenerator<string> {
  let stop: () => void = () => undefined;
  const aborted = new Promise<never>((_resolve, reject) => {
    stop = () => reject(signal.reason);
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
  });
  aborted.catch(() => undefined);
  const pieces = text[Symbol.asyncIterator]();
  let waiting = false;
  try {
    for (;;) {
      waiting = true;
      const next = await Promise.race([pieces.next(), aborted]);
      waiting = false;
      if (next.done) return;
      yield next.value;
    }
  } finally {
    signal.removeEventListener('abort', stop);
    // Left waiting for a piece by the abort: that piece may never come (the rest of the body is
    // discarded by the request's own handling), so closing is not waited for.
    const closing = pieces.return?.();
    if (waiting) void closing?.catch(() => undefined);
    else await closing;
  }
}

/**
 * Streams text into a COPY ... FROM STDIN, taking the next piece only when PostgreSQL has caught up.
 * When the text fails (a file that turns out unreadable), the COPY is abandoned with it.
 */
async function copyText(client: PoolClient, sql: string, pieces: AsyncIterable<string>): Promise<void> {
  const stream = client.query(copyFrom(sql));
  const done = finished(stream);
  done.catch(() => undefined);
  try {
    for await (const piece of pieces) {
      if (!stream.write(piece)) await once(stream, 'drain');
    }
    stream.end();
  } catch (error) {
    // CopyFail: PostgreSQL ends the COPY with an error, and the connection can roll back.
    stream.destroy(error as Error);
    await done.catch(() => undefined);
    throw error;
  }
  await done;
}
