import { SignInSettings, signInSettings } from '../auth/sign-in.settings';
import { JobSettings } from '../jobs/job-settings';
import { checkedEnvironment, LogLevel } from './environment';

/**
 * The service's settings, typed. Read from the environment by `loadConfig` when the service (or a
 * test's app) is built; nothing else reads process.env for a setting.
 */
export class ServiceConfig {
  http: {
    port: number;
    host: string;
    /** Origins allowed by CORS; empty: CORS is off. */
    corsOrigins: string[];
  };
  database: {
    /** DATABASE_URL; unset: an embedded PostgreSQL is started. */
    url: string | undefined;
    /** DATA_DIR as given; each command has its own default folder. */
    dataDir: string | undefined;
    embeddedPort: number | undefined;
    poolSize: number;
    statementTimeoutMs: number;
  };
  log: { level: LogLevel };
  auth: {
    /** ADMIN_TOKEN: the bootstrap admin's token. */
    adminToken: string | undefined;
    maxFailures: number;
    failureWindowMs: number;
  };
  /**
   * Sign-in through the collaboration's identity provider (OIDC_*), checked together with the rules
   * between them; null when OIDC_ISSUER is unset (only the service's own tokens).
   */
  oidc: SignInSettings | null;
  /** SMTP_URL, MAIL_FROM; unset SMTP_URL, mail is kept in the outbox and not sent. */
  mail: {
    smtpUrl: string | undefined;
    from: string | undefined;
    /** PUBLIC_URL: the address links in mail point to. */
    publicUrl: string | undefined;
  };
  jobs: JobSettings;
  /** INCIDENT_KEY as given: the incidents module checks it and runs without it. */
  incidentKey: string | undefined;
  talkImport: {
    /** From this many rows on, an import relaxes the talk table's constraints while it loads (see TalksRepository.insertTalks). */
    bulkRows: number;
    /**
     * How long a shutdown waits for a CSV import still being uploaded. Below the 20 s after which
     * start-up's shutdown gives up on everything, so that the refusal still gets out.
     */
    shutdownGraceMs: number;
  };
  reports: { minimumCellCount: number; epsilon: number };
}

export const DEFAULTS = {
  port: 3000,
  host: '0.0.0.0',
  poolSize: 10,
  statementTimeoutMs: 30_000,
  maxFailures: 30,
  failureWindowMs: 60_000,
  talkImportBulkRows: 50_000,
  shutdownGraceMs: 10_000,
  minimumCellCount: 5,
  epsilon: 0.5,
  mailRetryLimit: 8,
  mailRetryDelaySeconds: 30,
  mailSendTimeoutSeconds: 120,
  jobPollingSeconds: 2,
} as const;

const numberOr = (raw: string | undefined, fallback: number) => (raw === undefined ? fallback : Number(raw));

/** The settings from the environment; a bad value throws a ConfigError naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const e = checkedEnvironment(env);
  return Object.assign(new ServiceConfig(), {
    http: {
      port: numberOr(e.PORT, DEFAULTS.port),
      host: e.HOST ?? DEFAULTS.host,
      corsOrigins: e.CORS_ORIGIN ? e.CORS_ORIGIN.split(',').map((origin) => origin.trim()) : [],
    },
    database: {
      url: e.DATABASE_URL,
      dataDir: e.DATA_DIR,
      embeddedPort: e.EMBEDDED_PG_PORT === undefined ? undefined : Number(e.EMBEDDED_PG_PORT),
      poolSize: numberOr(e.DB_POOL_SIZE, DEFAULTS.poolSize),
      statementTimeoutMs: numberOr(e.DB_STATEMENT_TIMEOUT_MS, DEFAULTS.statementTimeoutMs),
    },
    log: { level: (e.LOG_LEVEL as LogLevel | undefined) ?? (e.NODE_ENV === 'test' ? 'silent' : 'info') },
    auth: {
      adminToken: e.ADMIN_TOKEN,
      maxFailures: numberOr(e.AUTH_MAX_FAILURES, DEFAULTS.maxFailures),
      failureWindowMs: numberOr(e.AUTH_FAILURE_WINDOW_MS, DEFAULTS.failureWindowMs),
    },
    oidc: signInSettings(e),
    mail: { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM, publicUrl: e.PUBLIC_URL },
    jobs: {
      pollingSeconds: numberOr(e.JOB_POLLING_SECONDS, DEFAULTS.jobPollingSeconds),
      mailRetryLimit: numberOr(e.MAIL_RETRY_LIMIT, DEFAULTS.mailRetryLimit),
      mailRetryDelaySeconds: numberOr(e.MAIL_RETRY_DELAY_SECONDS, DEFAULTS.mailRetryDelaySeconds),
      mailSendTimeoutSeconds: numberOr(e.MAIL_SEND_TIMEOUT_SECONDS, DEFAULTS.mailSendTimeoutSeconds),
    },
    incidentKey: e.INCIDENT_KEY,
    talkImport: {
      bulkRows: numberOr(e.TALK_IMPORT_BULK_ROWS, DEFAULTS.talkImportBulkRows),
      shutdownGraceMs: numberOr(e.SHUTDOWN_GRACE_MS, DEFAULTS.shutdownGraceMs),
    },
    reports: {
      minimumCellCount: numberOr(e.REPORT_MIN_CELL, DEFAULTS.minimumCellCount),
      epsilon: numberOr(e.REPORT_EPSILON, DEFAULTS.epsilon),
    },
  });
}
