import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Client, Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/** The channel the tables' statement triggers notify on, with the table's name as payload. */
export const CHANGE_CHANNEL = 'sa_change';

/** The tables that notify (see the AddChangeNotifications migration). */
export const NOTIFYING_TABLES = [
  'app_user',
  'region',
  'region_country',
  'institute',
  'member',
  'member_career_stage',
  'member_affiliation',
  'conference',
  'slot',
  'nomination',
  'allocation',
  'talk',
] as const;
/**
 * Tables the database keeps from others by trigger, in the same transaction: they change exactly when
 * one of their sources does, so a write to a source moves them too.
 */
export const DERIVED_TABLES: Readonly<Record<string, readonly string[]>> = {
  talk: ['talk_tally', 'member_rank_basis'],
  member: ['talk_tally', 'member_tally'],
  conference: ['talk_tally', 'member_rank_basis'],
  member_career_stage: ['member_rank_basis', 'member_tally'],
  member_affiliation: ['member_rank_basis', 'member_tally'],
};

/**
 * What this process knows about committed writes to the database. Every table that reports or
 * authentication read has a statement trigger calling pg_notify(CHANGE_CHANNEL, table); NOTIFY is
 * delivered only when the writing transaction commits, by whichever process wrote. This service
 * LISTENs on one dedicated connection and counts a generation per table.
 *
 * Notifications reach the listening connection a moment after the commit. So that this process reads
 * its own writes at once, every connection of its pool LISTENs too: PostgreSQL delivers a session's
 * own notifications as its transaction commits, before it answers the COMMIT (or the single
 * statement), so the tables a write changed, and whatever the database derives from them, have
 * moved before the caller goes on. Nothing is guessed from SQL text: the tables' own triggers say what
 * was written, whoever wrote it (TypeORM, a prepared statement, a COPY). Other processes' writes are
 * seen when their notification arrives.
 *
 * A cache may keep an answer computed from tables T only while the feed is `live` and nothing in its
 * stamp has moved since the computation began (`stamp`/`unchanged`). A cache may leave the local
 * epoch out of its stamp (users, reports: they depend on their tables alone), and so survive this
 * process's writes to other tables. When the listening connection is lost, notifications may
 * be missed: every stamp moves and nothing is `live` until it is back, so caches fall through to the
 * database meanwhile.
 */
@Injectable()
export class ChangeFeed implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ChangeFeed.name);
  private readonly generations = new Map<string, number>();
  /** Moves on every reconnect: an answer computed across a gap in the feed is never trusted. */
  private epoch = 0;
  /** Moves whenever one of this process's own writes to a notifying table commits. */
  private local = 0;
  private client: Client | null = null;
  private connected = false;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;
  private retryMs = 250;
  private readonly listeningClients = new WeakSet<PoolClient>();
  /** The server processes of this pool's listening connections: their commits are counted where made. */
  private readonly poolProcesses = new Set<number>();

  constructor(private readonly dataSource: DataSource) {}

  /**
   * Every connection the pool hands out LISTENs before its first statement (queued ahead of it), and
   * counts the notifications of its own commits.
   */
  private listenOnPool(): void {
    const pool = (this.dataSource.driver as PostgresDriver).master as Pool;
    pool.on('acquire', (client: PoolClient) => {
      if (this.listeningClients.has(client)) return;
      this.listeningClients.add(client);
      const processId = (client as PoolClient & { processID?: number }).processID;
      // A commit is counted once: by the connection that made it. Every other listening connection
      // (the rest of the pool, the dedicated one) hears it too, a moment later, and must not move the
      // tables again: that would drop answers cached in between.
      client.on('notification', (message) => {
        if (message.channel !== CHANGE_CHANNEL || !message.payload || message.processId !== processId) return;
        this.local++;
        this.moved(message.payload);
      });
      client.on('end', () => processId !== undefined && this.poolProcesses.delete(processId));
      client
        .query(`LISTEN ${CHANGE_CHANNEL}`)
        .then(() => processId !== undefined && this.poolProcesses.add(processId))
        .catch((error: Error) => {
          this.logger.warn(`A pool connection could not listen for changes (${error.message})`);
        });
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.listenOnPool();
    await this.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.connected = false;
    await this.client?.end().catch(() => undefined);
    this.client = null;
  }

  /** `table` changed, and with it whatever the database derives from it. */
  private moved(table: string): void {
    for (const t of [table, ...(DERIVED_TABLES[table] ?? [])]) this.generations.set(t, (this.generations.get(t) ?? 0) + 1);
  }

  /** True while notifications are being received. */
  get live(): boolean {
    return this.connected;
  }

  /** Where `tables` stand now (and this process's own writes, unless `ownWrites` is false). */
  stamp(tables: readonly string[], ownWrites = true): string {
    return `${this.epoch}:${ownWrites ? this.local : '-'}:${tables.map((t) => this.generations.get(t) ?? 0).join(',')}`;
  }

  /** Whether `stamp` still holds: the feed is live and nothing in it moved since. */
  unchanged(tables: readonly string[], stamp: string, ownWrites = true): boolean {
    return this.connected && this.stamp(tables, ownWrites) === stamp;
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const options = this.dataSource.options as { url?: string };
    const client = new Client({
      connectionString: options.url,
      application_name: 'speaker-allocation-changes',
      connectionTimeoutMillis: 5_000,
    });
    client.on('notification', (message) => {
      if (message.channel !== CHANGE_CHANNEL || !message.payload || this.poolProcesses.has(message.processId)) return;
      this.moved(message.payload);
    });
    const lost = (error?: Error) => {
      if (this.client !== client) return;
      this.client = null;
      this.connected = false;
      this.epoch++;
      client.end().catch(() => undefined);
      if (this.stopped) return;
      this.logger.warn(`Change feed lost (${error?.message ?? 'connection ended'}); caches bypassed until it is back`);
      this.scheduleReconnect();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    this.client = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
      if (this.client !== client) return;
      // Anything committed before LISTEN took effect was never seen: start a new epoch.
      this.epoch++;
      this.connected = true;
      this.retryMs = 250;
    } catch (error) {
      lost(error as Error);
    }
  }

  private scheduleReconnect(): void {
    if (this.retry || this.stopped) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.connect();
    }, this.retryMs);
    this.retry.unref();
    this.retryMs = Math.min(this.retryMs * 2, 5_000);
  }
}

/**
 * A small least-recently-used cache of answers that depend on tables, kept correct by the change
 * feed: an answer is stored only if none of its tables changed while it was computed, and served
 * only while none has changed since.
 */
export class TableCache<T> {
  private readonly entries = new Map<string, { stamp: string; value: T }>();

  constructor(
    private readonly feed: ChangeFeed,
    private readonly tables: readonly string[],
    private readonly options: {
      capacity?: number;
      /**
       * False for answers that only statements naming their tables can change: then this process's
       * writes to other tables leave them cached.
       */
      ownWrites?: boolean;
      /** Whether to keep this answer (say, not a failed lookup). */
      keep?: (value: T) => boolean;
    } = {},
  ) {}

  /** `tables`: what this answer depends on, when it is narrower than the cache's tables. */
  async get(key: string, compute: () => Promise<T>, options: { fresh?: boolean; tables?: readonly string[] } = {}): Promise<T> {
    const tables = options.tables ?? this.tables;
    if (!options.fresh) {
      const hit = this.entries.get(key);
      if (hit && this.feed.unchanged(tables, hit.stamp, this.ownWrites)) {
        this.entries.delete(key);
        this.entries.set(key, hit);
        return hit.value;
      }
    }
    const stamp = this.feed.stamp(tables, this.ownWrites);
    const live = this.feed.live;
    const value = await compute();
    const keep = this.options.keep?.(value) ?? true;
    if (keep && live && this.feed.unchanged(tables, stamp, this.ownWrites)) {
      this.entries.delete(key);
      this.entries.set(key, { stamp, value });
      if (this.entries.size > (this.options.capacity ?? 256)) this.entries.delete(this.entries.keys().next().value!);
    } else {
      this.entries.delete(key);
    }
    return value;
  }

  clear(): void {
    this.entries.clear();
  }

  private get ownWrites(): boolean {
    return this.options.ownWrites ?? true;
  }
}
