// The benchmark's baseline: a bare Node `http` server with a `pg` pool running the service's own SQL
// (the exported query builders), with nothing around it: no framework, no auth, no validation, no
// logging, the policy and the slot's date read once. Each service figure is set against this one.
// Under /fullscan/ the same answers computed by the full-scan SQL (test/support/full-scan.ts): what
// the service's SQL did before it kept aggregates, timed beside it.
// Started by bench.ts as a child process: DATABASE_URL, PORT.
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { Pool } from 'pg';
import { SESSION_OPTIONS } from '../../src/database/data-source-options';
import { RankWeights } from '../../src/ranking/eligibility';
import { CandidateConference, CandidateRow, conferencesOf, nomineesOf, rankCandidates } from '../../src/ranking/candidates';
import { CANDIDATE_CONFERENCES, CANDIDATES, candidatesQuery, rankingsFromBasisQuery } from '../../src/ranking/ranking.sql';
import { previousQuarterEnd } from '../../src/privacy/reporting-period';
import { balanceCountQuery, Dimension, Population } from '../../src/reports/balance.sql';
import {
  fullScanBalanceCountQuery,
  fullScanCandidatesQuery,
  fullScanEquityCountQuery,
  fullScanFunnelCountQuery,
  fullScanRankingsQuery,
  fullScanTrendCountQuery,
  SqlQuery,
} from '../support/full-scan';
import { baselineReportQueries, trendPeriod } from './report-queries';

async function main(): Promise<void> {
  // The service's planner settings, so that the comparison is of the code, not of the settings.
  const pool = new Pool({
    connectionString: process.env.DATABASE_URL,
    max: Number(process.env.DB_POOL_SIZE ?? 10),
    options: SESSION_OPTIONS,
  });
  const policy: { version: number; weights: RankWeights } = (
    await pool.query('SELECT version, weights FROM rank_policy ORDER BY version DESC LIMIT 1')
  ).rows[0];
  const { weights } = policy;
  const slotStart = new Map<string, string>();
  const today = new Date().toISOString().slice(0, 10);
  const reports = baselineReportQueries(today);

  const startOf = async (slotId: string) => {
    if (!slotStart.has(slotId)) {
      const { rows } = await pool.query(
        `SELECT c.start_date::text AS start FROM slot s JOIN conference c ON c.id = s.conference_id WHERE s.id = $1`,
        [slotId],
      );
      slotStart.set(slotId, rows[0].start);
    }
    return slotStart.get(slotId)!;
  };
  const run = async (q: SqlQuery) => (await pool.query(q.text, q.values)).rows;
  // A monitor's gender report: split by quarter, up to the last quarter that has ended.
  const balanceOf = (url: URL, build: typeof balanceCountQuery | typeof fullScanBalanceCountQuery) => {
    const dimension = url.searchParams.get('dimension') as Dimension;
    const within = (url.searchParams.get('within') as Dimension | null) ?? null;
    const gender = dimension === 'gender' || within === 'gender';
    return build(
      url.searchParams.get('population') as Population,
      dimension,
      within,
      { to: gender ? previousQuarterEnd(today) : today },
      undefined,
      gender,
    );
  };
  const fullScanReports: Record<string, SqlQuery> = {
    funnel: fullScanFunnelCountQuery('gender', { to: previousQuarterEnd(today) }, previousQuarterEnd(today), true),
    equity: fullScanEquityCountQuery({ to: previousQuarterEnd(today) }, true),
    trends: fullScanTrendCountQuery('talks', 'gender', trendPeriod(today), true, 'members'),
  };

  const routes: Record<string, (url: URL, body: string) => Promise<unknown>> = {
    '/candidates': async (url) => {
      const slotId = url.searchParams.get('slotId')!;
      // The same two statements and the same pure formula as the service: only the framework is left out.
      const asOf = await startOf(slotId);
      const q = candidatesQuery({ slotId, asOf, weights });
      const nominees = nomineesOf((await pool.query<CandidateRow>({ name: CANDIDATES.name, text: q.text, values: q.values })).rows);
      const conferences = (
        await pool.query<CandidateConference>({
          name: CANDIDATE_CONFERENCES.name,
          text: CANDIDATE_CONFERENCES.text,
          values: [conferencesOf(nominees)],
        })
      ).rows;
      return rankCandidates(nominees, conferences, asOf, policy);
    },
    '/fullscan/candidates': async (url) => {
      const slotId = url.searchParams.get('slotId')!;
      return run(fullScanCandidatesQuery({ slotId, asOf: await startOf(slotId), weights }));
    },
    '/fullscan/rankings': (url) =>
      run(fullScanRankingsQuery({ asOf: today, weights, region: url.searchParams.get('region'), limit: 50, offset: 0 })),
    '/fullscan/balance': (url) => run(balanceOf(url, fullScanBalanceCountQuery)),
    '/fullscan/report': (url) => run(fullScanReports[url.searchParams.get('name')!]),
    '/rankings': async (url) => {
      const q = rankingsFromBasisQuery({ asOf: today, weights, region: url.searchParams.get('region'), limit: 50, offset: 0 });
      return (await pool.query(q.text, q.values)).rows;
    },
    '/balance': (url) => run(balanceOf(url, balanceCountQuery)),
    '/report': async (url) => {
      const q = reports[url.searchParams.get('name') as keyof typeof reports];
      return (await pool.query(q.text, q.values)).rows;
    },
    // What POST /nominations must do at the least: the snapshot insert and its audit entry, in one transaction.
    '/nominations': async (_url, body) => {
      const dto = JSON.parse(body) as { memberId: string; slotId: string; nominatorId: string; reason: string };
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const { rows } = await client.query(
          `INSERT INTO nomination (member_id, slot_id, nominator_id, reason, career_stage, institute_id)
           SELECT m.id, $2, $3, $4, COALESCE(member_career_stage_at(m.id, current_date), m.career_stage),
                  COALESCE(member_institute_at(m.id, current_date), m.institute_id)
           FROM member m WHERE m.id = $1 RETURNING id`,
          [dto.memberId, dto.slotId, dto.nominatorId, dto.reason],
        );
        await client.query(
          `INSERT INTO audit_event (actor_id, action, entity, entity_id) VALUES ($1, 'nomination.create', 'nomination', $2)`,
          [dto.nominatorId, rows[0].id],
        );
        await client.query('COMMIT');
        return rows[0];
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      } finally {
        client.release();
      }
    },
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const route = routes[url.pathname];
      if (!route) {
        res.writeHead(404).end();
        return;
      }
      route(url, Buffer.concat(chunks).toString('utf8')).then(
        (answer) => {
          res.writeHead(req.method === 'POST' ? 201 : 200, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify(answer));
        },
        (error: unknown) => {
          res.writeHead(500, { 'Content-Type': 'text/plain' });
          res.end(String(error));
        },
      );
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('ready'));
  process.on('SIGTERM', () => server.close(() => void pool.end().then(() => process.exit(0))));
}

void main();
