import { BeforeApplicationShutdown, HttpStatus, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { DataSource, QueryRunner } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../auth/actor';
import { ServiceConfig } from '../config/service-config';
import { badRequest, ProblemException, unprocessable } from '../common/problem';
import { ImportFormatError } from '../common/import-rows';
import { readTalkCsvStream, talkCopyLine, TalkImportChecker, talkJsonRecords } from './talk-import';
import { TalkImportResult } from './talks.dto';
import { TalksRepository } from './talks.repository';

/** How many row errors a refused import lists; the answer says how many more there were. */
export const MAX_LISTED_ERRORS = 1000;

/** The answer to an upload still arriving when the shutdown's grace period is over. */
export class ShutdownRefusal extends ProblemException {
  constructor() {
    super(
      HttpStatus.SERVICE_UNAVAILABLE,
      'The service is shutting down and the upload had not finished; nothing of it was imported. Send it again in a moment',
    );
  }
}

@Injectable()
export class TalkImportService implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('TalkImport');
  private readonly bulkRows: number;
  private readonly graceMs: number;
  /** Aborted when a shutdown's grace period is over: uploads still arriving then are refused. */
  private readonly shutdown = new AbortController();
  private graceTimer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    private readonly talks: TalksRepository,
    private readonly audit: AuditService,
    config: ServiceConfig,
  ) {
    this.bulkRows = config.talkImport.bulkRows;
    this.graceMs = config.talkImport.shutdownGraceMs;
  }

  /** A JSON array of talks (see load). */
  import(body: unknown, actor: Actor): Promise<TalkImportResult> {
    return this.load(
      (async function* () {
        yield talkJsonRecords(body);
      })(),
      actor,
    );
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
    this.graceTimer = setTimeout(() => this.shutdown.abort(new ShutdownRefusal()), this.graceMs);
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
    const lap = (phase: string) => {
      phases[phase] = Date.now() - started - Object.values(phases).reduce((a, b) => a + b, 0);
    };
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
      await this.talks.openImport(client);
      await this.talks.copyImportRows(client, talkCopyText(first, batches, checker));
      const check = checker.finish();
      lap('read, check and copy');
      await this.talks.queueTalkImport(client);
      await this.talks.stageConferences(client, check.conferences);
      const { errors: unmatched, total: unmatchedTotal } = await this.talks.unmatchedRows(client, MAX_LISTED_ERRORS);
      lap('resolve');
      const errorCount = check.errorCount + unmatchedTotal;
      if (errorCount > 0) {
        const listed = [...check.errors, ...unmatched].sort((a, b) => a.row - b.row).slice(0, MAX_LISTED_ERRORS);
        const more = errorCount - listed.length;
        throw unprocessable(
          `Nothing was imported: ${errorCount} problem(s)` +
            (more > 0 ? `; the first ${listed.length} are listed, ${more} more are not` : ''),
          listed,
          { errorCount },
        );
      }

      const conferencesCreated = await this.talks.insertMissingConferences(client);
      await this.talks.prepareTalks(client);
      lap('prepare');
      const talks = await this.talks.insertTalks(client, check.valid, check.valid >= this.bulkRows);
      lap('insert');
      const result = { created: talks, conferencesCreated };
      await this.audit.record(runner.manager, actor, { action: 'talk.import', entity: 'talk', after: result });
      await runner.commitTransaction();
      lap('commit');
      this.logger.log(
        `Imported ${result.created} talks, ${result.conferencesCreated} new conferences; ms per phase ${JSON.stringify(phases)}`,
      );
      return result;
    } catch (error) {
      if (runner?.isTransactionActive) await runner.rollbackTransaction();
      if (error instanceof ImportFormatError) throw badRequest(error.message);
      throw error;
    } finally {
      await runner?.release();
      // Stops reading the file when the import ended before it did.
      await batches.return(undefined);
    }
  }
}

/** The COPY text of the valid rows, as their records arrive and are checked, in pieces of about 64 KB. */
async function* talkCopyText(
  first: IteratorResult<readonly unknown[]>,
  batches: AsyncIterator<readonly unknown[]>,
  checker: TalkImportChecker,
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
