// The Docker image starts and serves the service, dashboard included. Without a Docker engine (as on
// most CI runners and this project's machines) the Dockerfile is read and carried out by hand: the build
// stage's files are copied from the repository as its COPY lines say and its build command runs on
// them; the runtime stage is assembled from its COPY lines alone, and its CMD must start the service
// there. Anything the image lacks at run time (the dashboard's static files, a migration) is then
// missing here too. With a Docker engine (`docker info` succeeds) the image is also built and run.
import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { basename, dirname, join, posix, relative } from 'node:path';
import { Client } from 'pg';
import { freePort } from '../src/database/embedded-postgres';
import { readState } from './support/state';

const ROOT = process.cwd();

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  base: string;
  name?: string;
  instructions: Instruction[];
}

/** The Dockerfile's stages, continuation lines joined, comments dropped. */
function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  for (const line of lines) {
    const [, word, args] = /^(\S+)\s*(.*)$/.exec(line)!;
    const op = word.toUpperCase();
    if (op === 'FROM') {
      const [, base, name] = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?/i.exec(args)!;
      stages.push({ base, name, instructions: [] });
    } else {
      stages.at(-1)!.instructions.push({ op, args });
    }
  }
  return stages;
}

/** A COPY's stage (--from), sources and destination, in shell or JSON form. */
function copyArgs(args: string): { from?: string; sources: string[]; dest: string } {
  let words = args.trim().startsWith('[') ? (JSON.parse(args) as string[]) : args.trim().split(/\s+/);
  const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
  words = words.filter((w) => !w.startsWith('--'));
  return { from, sources: words.slice(0, -1), dest: words.at(-1)! };
}

/** .dockerignore's patterns as tests on paths relative to the context (its `*` and `**` only). */
function ignored(context: string): (path: string) => boolean {
  const file = join(context, '.dockerignore');
  if (!existsSync(file)) return () => false;
  const patterns = readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map(
      (p) =>
        new RegExp(
          `^${p
            .replace(/^\//, '')
            .replace(/[.+^${}()|[\]]/g, '\\$&')
            .replace(/\*\*/g, '\u0000')
            .replace(/\*/g, '[^/]*')
            .replace(/\u0000/g, '.*')}(/.*)?$`,
        ),
    );
  return (path) => patterns.some((p) => p.test(path));
}

interface Assembled {
  stages: Stage[];
  roots: string[];
  app: string;
  env: Record<string, string>;
  cmd: string[];
}

/**
 * Carries the Dockerfile out in `work`, one folder per stage standing for its file system. RUN lines
 * run in the stage except `npm ci` (the repository's node_modules is linked in instead) and
 * `npm prune` (it would prune that same node_modules); the final stage's RUN lines are not run (they
 * prepare users and folders, which a DATABASE_URL run does not need).
 */
function assemble(context: string, work: string): Assembled {
  const stages = parseDockerfile(readFileSync(join(context, 'Dockerfile'), 'utf8'));
  const skip = ignored(context);
  const roots: string[] = [];
  let env: Record<string, string> = {};
  let cmd: string[] = [];
  let workdir = '/';
  stages.forEach((stage, index) => {
    const root = join(work, `stage-${index}`);
    mkdirSync(root, { recursive: true });
    roots.push(root);
    workdir = '/';
    env = {};
    const inStage = (path: string) => join(root, posix.resolve(workdir, path));
    for (const { op, args } of stage.instructions) {
      if (op === 'WORKDIR') {
        workdir = posix.resolve(workdir, args);
        mkdirSync(inStage('.'), { recursive: true });
      } else if (op === 'ENV') {
        for (const [, key, value] of args.matchAll(/(\w+)=("[^"]*"|\S+)/g)) env[key] = value.replace(/^"|"$/g, '');
      } else if (op === 'COPY') {
        const { from, sources, dest } = copyArgs(args);
        const fromRoot = from === undefined ? null : roots[stages.findIndex((s, i) => s.name === from || String(i) === from)];
        if (from !== undefined && !fromRoot) throw new Error(`COPY --from=${from}: no such stage before this one`);
        const intoDir = dest.endsWith('/') || sources.length > 1;
        for (const source of sources) {
          const path = fromRoot ? join(fromRoot, source) : join(context, source);
          if (!existsSync(path) || (!fromRoot && skip(relative(context, path)))) {
            throw new Error(
              `COPY ${source}: not found ${fromRoot ? `in stage ${from}` : 'in the build context (or excluded by .dockerignore)'}`,
            );
          }
          const target = intoDir ? join(inStage(dest), basename(path)) : inStage(dest);
          mkdirSync(dirname(target), { recursive: true });
          cpSync(path, target, {
            recursive: true,
            verbatimSymlinks: true,
            filter: (p) => fromRoot !== null || !skip(relative(context, p)),
          });
        }
      } else if (op === 'RUN' && index < stages.length - 1) {
        for (const command of args.split('&&').map((c) => c.trim())) {
          if (/^npm ci\b/.test(command)) symlinkSync(join(ROOT, 'node_modules'), inStage('node_modules'));
          else if (!/^npm prune\b/.test(command)) execFileSync('sh', ['-c', command], { cwd: inStage('.'), stdio: 'pipe' });
        }
      } else if (op === 'CMD') {
        cmd = JSON.parse(args) as string[];
      }
    }
  });
  return { stages, roots, app: join(roots.at(-1)!, workdir), env, cmd };
}

function get(port: number, path: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
      })
      .on('error', reject);
  });
}

async function healthy(port: number, output: () => string, timeoutMs: number, running = () => true): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (!running()) throw new Error(`exited before it was healthy:\n${output()}`);
    if ((await get(port, '/health').catch(() => null))?.status === 200) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`not healthy within ${timeoutMs} ms:\n${output()}`);
}

/** What a user of the image sees first: the health check, the dashboard page with its files, the API docs. */
async function expectServiceWithDashboard(port: number): Promise<void> {
  expect(await get(port, '/health')).toMatchObject({ status: 200 });
  const page = await get(port, '/dashboard');
  expect(page).toMatchObject({ status: 200, type: expect.stringMatching(/text\/html/) });
  expect(page.body).toContain('/dashboard/dashboard.js');
  expect(await get(port, '/dashboard/dashboard.js')).toMatchObject({ status: 200, type: expect.stringMatching(/javascript/) });
  expect(await get(port, '/dashboard/dashboard.css')).toMatchObject({ status: 200, type: expect.stringMatching(/text\/css/) });
  expect(await get(port, '/docs-json')).toMatchObject({ status: 200 });
}

describe('the Docker image', () => {
  const stages = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
  const runtime = stages.at(-1)!;

  it('is built on and runs on a Node.js LTS line still supported (24, bookworm-slim)', () => {
    for (const stage of stages) expect(stage.base).toBe('node:24-bookworm-slim');
  });

  it("copies the dashboard's static files into its runtime stage", () => {
    const sources = runtime.instructions.filter((i) => i.op === 'COPY').flatMap((i) => copyArgs(i.args).sources);
    expect(sources.some((source) => /(^|\/)src(\/dashboard(\/public)?)?\/?$/.test(source))).toBe(true);
  });

  describe('carried out without Docker', () => {
    let work: string;
    let assembled: Assembled;
    let service: ChildProcess | undefined;
    let database: string | undefined;

    beforeAll(() => {
      work = mkdtempSync(join(tmpdir(), 'sa-image-'));
      assembled = assemble(ROOT, work);
    }, 240_000);

    afterAll(async () => {
      service?.kill('SIGKILL');
      rmSync(work, { recursive: true, force: true });
      if (database) {
        const { adminUrl } = readState();
        const admin = new Client({ connectionString: adminUrl });
        await admin.connect();
        await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
        await admin.end();
      }
    });

    it('compiles the service and its migrations, not the tests', () => {
      const build = join(assembled.roots[0], 'app', 'dist');
      expect(existsSync(join(build, 'src', 'main.js'))).toBe(true);
      expect(existsSync(join(build, 'migrations', 'index.js'))).toBe(true);
      expect(
        readdirSync(build)
          .filter((entry) => statSync(join(build, entry)).isDirectory())
          .sort(),
      ).toEqual(['migrations', 'src']);
    });

    it('has in its runtime stage what the compiled service reads at run time', () => {
      const { app } = assembled;
      expect(existsSync(join(app, 'dist', 'src', 'main.js'))).toBe(true);
      expect(existsSync(join(app, 'dist', 'migrations', 'index.js'))).toBe(true);
      // Where the compiled dashboard controller looks first: next to itself.
      for (const file of ['index.html', 'dashboard.js', 'dashboard.css']) {
        expect(existsSync(join(app, 'dist', 'src', 'dashboard', 'public', file))).toBe(true);
      }
      expect(existsSync(join(app, 'dist', 'test'))).toBe(false);
    });

    it('starts with its CMD and serves the API and the dashboard', async () => {
      const { adminUrl, template } = readState();
      database = `sa_image_${process.pid}_${Date.now()}`;
      const admin = new Client({ connectionString: adminUrl });
      await admin.connect();
      for (let attempt = 0; ; attempt++) {
        try {
          await admin.query(`CREATE DATABASE ${database} TEMPLATE ${template}`);
          break;
        } catch (error) {
          // Another test file cloning the template at the same instant.
          if (attempt > 20 || !/being accessed by other users/.test(String(error))) throw error;
          await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
        }
      }
      await admin.end();
      const port = await freePort();
      const [command, ...args] = assembled.cmd;
      expect(command).toBe('node');
      service = spawn(process.execPath, args, {
        cwd: assembled.app,
        env: {
          PATH: process.env.PATH,
          ...assembled.env,
          PORT: String(port),
          LOG_LEVEL: 'warn',
          DATABASE_URL: Object.assign(new URL(adminUrl), { pathname: `/${database}` }).toString(),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      service.stdout!.on('data', (d) => (output += d));
      service.stderr!.on('data', (d) => (output += d));
      await healthy(
        port,
        () => output,
        60_000,
        () => service?.exitCode === null,
      );
      await expectServiceWithDashboard(port);
    }, 90_000);
  });

  const docker = spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 15_000 }).status === 0;
  (docker ? it : it.skip)(
    docker
      ? 'builds, and its container answers on /health and serves the dashboard'
      : 'builds, and its container answers on /health and serves the dashboard (skipped: no Docker engine, `docker info` fails)',
    async () => {
      const tag = `speaker-allocation-test:${process.pid}`;
      execFileSync('docker', ['build', '-t', tag, ROOT], { stdio: 'pipe', timeout: 900_000 });
      const port = await freePort();
      const container = execFileSync('docker', ['run', '-d', '-p', `127.0.0.1:${port}:3000`, tag], { encoding: 'utf8' }).trim();
      try {
        const logs = () => spawnSync('docker', ['logs', container], { encoding: 'utf8' }).stdout;
        await healthy(port, logs, 120_000);
        await expectServiceWithDashboard(port);
      } finally {
        spawnSync('docker', ['rm', '-f', container], { stdio: 'ignore' });
        spawnSync('docker', ['rmi', '-f', tag], { stdio: 'ignore' });
      }
    },
    1_200_000,
  );
});
