import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Client } from 'pg';
import { AfterQueryEvent, DataSource, EntitySubscriberInterface, TransactionCommitEvent } from 'typeorm';

/** The channel the tables' statement triggers notify on, with the table's name as payload. */
export const CHANGE_CHANNEL = 'sa_change';

/** A statement that may write (outside a transaction it commits on its own). */
const WRITE = /^\s*(INSERT|UPDATE|DELETE|MERGE|TRUNCATE|COPY|ALTER|DROP|CREATE|WITH\b[\s\S]*\b(INSERT|UPDATE|DELETE|MERGE)\b)/i;

/**
 * What this process knows about committed writes to the database. Every table that reports or
 * authentication read has a statement trigger calling pg_notify(CHANGE_CHANNEL, table); NOTIFY is
 * delivered only when the writing transaction commits, by whichever process wrote. This service
 * LISTENs on one dedicated connection and counts a generation per table.
 *
 * Notifications arrive a moment after the commit. So that this process reads its own writes at once,
 * it also forgets everything when one of its own transactions commits, or a write outside a
 * transaction succeeds, before the caller goes on (a TypeORM subscriber); other processes' writes are
 * seen when their notification arrives.
 *
 * A cache may keep an answer computed from tables T only while it is `live` and none of T's
 * generations has moved since the computation began (`stamp`/`unchanged`). When the listening
 * connection is lost, notifications may be missed: every generation moves and nothing is `live`
 * until it is back, so caches fall through to the database meanwhile.
 */
@Injectable()
export class ChangeFeed implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ChangeFeed.name);
  private readonly generations = new Map<string, number>();
  /** Moves on every reconnect: an answer computed across a gap in the feed is never trusted. */
  private epoch = 0;
  private client: Client | null = null;
  private connected = false;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;
  private retryMs = 250;

  constructor(private readonly dataSource: DataSource) {
    const subscriber: EntitySubscriberInterface = {
      afterTransactionCommit: (_event: TransactionCommitEvent) => this.invalidateAll(),
      afterQuery: (event: AfterQueryEvent) => {
        if (event.success && !event.queryRunner.isTransactionActive && WRITE.test(event.query)) this.invalidateAll();
      },
    };
    dataSource.subscribers.push(subscriber);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.connected = false;
    await this.client?.end().catch(() => undefined);
    this.client = null;
  }

  /** Forget every cached answer of this process: one of its own writes has committed. */
  invalidateAll(): void {
    this.epoch++;
  }

  /** True while notifications are being received. */
  get live(): boolean {
    return this.connected;
  }

  /** The current generations of `tables`, to compare after a computation. */
  stamp(tables: readonly string[]): string {
    return `${this.epoch}:${tables.map((t) => this.generations.get(t) ?? 0).join(',')}`;
  }

  /** Whether `stamp` still holds: the feed is live and no table in it changed since. */
  unchanged(tables: readonly string[], stamp: string): boolean {
    return this.connected && this.stamp(tables) === stamp;
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const options = this.dataSource.options as { url?: string };
    const client = new Client({
      connectionString: options.url, application_name: 'speaker-allocation-changes', connectionTimeoutMillis: 5_000,
    });
    client.on('notification', (message) => {
      if (message.channel !== CHANGE_CHANNEL || !message.payload) return;
      this.generations.set(message.payload, (this.generations.get(message.payload) ?? 0) + 1);
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
    private readonly capacity = 256,
  ) {}

  async get(key: string, compute: () => Promise<T>, options: { fresh?: boolean } = {}): Promise<T> {
    if (!options.fresh) {
      const hit = this.entries.get(key);
      if (hit && this.feed.unchanged(this.tables, hit.stamp)) {
        this.entries.delete(key);
        this.entries.set(key, hit);
        return hit.value;
      }
    }
    const stamp = this.feed.stamp(this.tables);
    const live = this.feed.live;
    const value = await compute();
    if (live && this.feed.unchanged(this.tables, stamp)) {
      this.entries.delete(key);
      this.entries.set(key, { stamp, value });
      if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    } else {
      this.entries.delete(key);
    }
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}
