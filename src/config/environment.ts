// Every environment variable the service reads, checked in one place. The rules are class-validator
// decorators on the raw strings, so a message can quote the value it refused; `serviceConfig` then
// turns the checked strings into the typed settings the rest of the code uses.
import { IsIn, IsOptional, Matches, ValidateBy, ValidationArguments, validateSync } from 'class-validator';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const quoted = (args?: ValidationArguments) => `not "${String(args?.value)}"`;
const nameOf = (args?: ValidationArguments) => args?.property ?? 'the variable';

function WholeNumber(min: number, max: number, fallback?: string) {
  const defaults = fallback === undefined ? '' : ` (default ${fallback})`;
  return ValidateBy({
    name: 'wholeNumber',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && /^\d+$/.test(value) && Number(value) >= min && Number(value) <= max,
      defaultMessage: (args) => `${nameOf(args)} must be a whole number from ${min} to ${max}${defaults}, ${quoted(args)}`,
    },
  });
}

function DecimalNumber(above: number, atMost: number, fallback: string) {
  return ValidateBy({
    name: 'decimalNumber',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' && /^(\d+\.?\d*|\.\d+)$/.test(value) && Number(value) > above && Number(value) <= atMost,
      defaultMessage: (args) =>
        `${nameOf(args)} must be a number above ${above} and at most ${atMost} (default ${fallback}), ${quoted(args)}`,
    },
  });
}

function UrlOf(protocols: readonly string[]) {
  return ValidateBy({
    name: 'urlOf',
    validator: {
      validate: (value: unknown) => {
        if (typeof value !== 'string') return false;
        try {
          const url = new URL(value);
          return protocols.includes(url.protocol) && url.host !== '';
        } catch {
          return false;
        }
      },
      // A URL may hold a password: the message names the variable and the expected form, never the value.
      defaultMessage: (args) => `${nameOf(args)} must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
    },
  });
}

const ORIGIN = /^https?:\/\/[^/\s,]+$/;
const OriginList = () =>
  ValidateBy({
    name: 'originList',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && value.split(',').every((o) => ORIGIN.test(o.trim())),
      defaultMessage: (args) => `${nameOf(args)} must be comma-separated origins such as https://dashboard.example.org, ${quoted(args)}`,
    },
  });

/** The raw variables, as strings; unset and blank ones are left out before checking. */
export class Environment {
  @IsOptional() @WholeNumber(0, 65535, '3000') PORT?: string;
  @IsOptional() @Matches(/^\S+$/, { message: (a) => `HOST must be an address to listen on, ${quoted(a)}` }) HOST?: string;
  @IsOptional() @UrlOf(['postgres:', 'postgresql:']) DATABASE_URL?: string;
  @IsOptional() DATA_DIR?: string;
  @IsOptional() @WholeNumber(1, 65535) EMBEDDED_PG_PORT?: string;
  // The guard reads at most 200 non-space characters as a bearer token; another one could never sign in.
  @IsOptional() @Matches(/^\S{1,200}$/, { message: 'ADMIN_TOKEN must be at most 200 characters without spaces' }) ADMIN_TOKEN?: string;
  // Checked by the incidents module, which runs without it and says why on every incidents route (503).
  @IsOptional() INCIDENT_KEY?: string;
  @IsOptional() @IsIn(LOG_LEVELS, { message: (a) => `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, ${quoted(a)}` }) LOG_LEVEL?: string;
  @IsOptional() NODE_ENV?: string;
  @IsOptional() @WholeNumber(1, 86_400_000, '30000') DB_STATEMENT_TIMEOUT_MS?: string;
  @IsOptional() @OriginList() CORS_ORIGIN?: string;
  @IsOptional() @WholeNumber(1, 1000, '10') DB_POOL_SIZE?: string;
  @IsOptional() @WholeNumber(1, 1_000_000_000, '30') AUTH_MAX_FAILURES?: string;
  @IsOptional() @WholeNumber(1, 86_400_000, '60000') AUTH_FAILURE_WINDOW_MS?: string;
  @IsOptional() @WholeNumber(1, 1_000_000_000, '50000') TALK_IMPORT_BULK_ROWS?: string;
  // Below the 20 s after which a shutdown gives up on everything, so that a refusal still gets out.
  @IsOptional() @WholeNumber(0, 19_000, '10000') SHUTDOWN_GRACE_MS?: string;
  // A malformed threshold used to fall back to 5 silently; a privacy setting must not be guessed.
  @IsOptional() @WholeNumber(1, 1000, '5') REPORT_MIN_CELL?: string;
  @IsOptional() @DecimalNumber(0, 10, '0.5') REPORT_EPSILON?: string;
  // Sign-in: checked together, with the rules between them, by signInSettings (src/auth/sign-in.settings.ts), which loadConfig calls.
  @IsOptional() OIDC_ISSUER?: string;
  @IsOptional() OIDC_CLIENT_ID?: string;
  @IsOptional() OIDC_CLIENT_SECRET?: string;
  @IsOptional() OIDC_ROLE_MAP?: string;
  @IsOptional() OIDC_AUDIENCE?: string;
  @IsOptional() OIDC_GROUPS_CLAIM?: string;
  @IsOptional() OIDC_EXTERNAL_ID_CLAIM?: string;
  @IsOptional() OIDC_SCOPES?: string;
  @IsOptional() OIDC_REDIRECT_URI?: string;
  @IsOptional() OIDC_SESSION_HOURS?: string;
  @IsOptional() OIDC_GROUPS_RECHECK_SECONDS?: string;
  @IsOptional() @UrlOf(['https:', 'http:']) PUBLIC_URL?: string;
  @IsOptional() @WholeNumber(1, 60, '2') JOB_POLLING_SECONDS?: string;
  @IsOptional() @WholeNumber(0, 100, '8') MAIL_RETRY_LIMIT?: string;
  @IsOptional() @WholeNumber(1, 86_400, '30') MAIL_RETRY_DELAY_SECONDS?: string;
  @IsOptional() @WholeNumber(2, 3_600, '120') MAIL_SEND_TIMEOUT_SECONDS?: string;
  @IsOptional() @UrlOf(['smtp:', 'smtps:']) SMTP_URL?: string;
  @IsOptional()
  @Matches(/^[^@\s<>]+@[^@\s<>]+$|^[^<>]*<[^@\s<>]+@[^@\s<>]+>$/, {
    message: (a) => `MAIL_FROM must be an address such as committee@example.org or "Committee <committee@example.org>", ${quoted(a)}`,
  })
  MAIL_FROM?: string;
}

export const VARIABLES = [
  'PORT',
  'HOST',
  'DATABASE_URL',
  'DATA_DIR',
  'EMBEDDED_PG_PORT',
  'ADMIN_TOKEN',
  'INCIDENT_KEY',
  'LOG_LEVEL',
  'NODE_ENV',
  'DB_STATEMENT_TIMEOUT_MS',
  'CORS_ORIGIN',
  'DB_POOL_SIZE',
  'AUTH_MAX_FAILURES',
  'AUTH_FAILURE_WINDOW_MS',
  'TALK_IMPORT_BULK_ROWS',
  'SHUTDOWN_GRACE_MS',
  'REPORT_MIN_CELL',
  'REPORT_EPSILON',
  'OIDC_ISSUER',
  'OIDC_CLIENT_ID',
  'OIDC_CLIENT_SECRET',
  'OIDC_ROLE_MAP',
  'OIDC_AUDIENCE',
  'OIDC_GROUPS_CLAIM',
  'OIDC_EXTERNAL_ID_CLAIM',
  'OIDC_SCOPES',
  'OIDC_REDIRECT_URI',
  'OIDC_SESSION_HOURS',
  'OIDC_GROUPS_RECHECK_SECONDS',
  'PUBLIC_URL',
  'JOB_POLLING_SECONDS',
  'MAIL_RETRY_LIMIT',
  'MAIL_RETRY_DELAY_SECONDS',
  'MAIL_SEND_TIMEOUT_SECONDS',
  'SMTP_URL',
  'MAIL_FROM',
] as const satisfies readonly (keyof Environment)[];

/** A setting the service cannot run with; the message names the variable and what it must be. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** The environment's variables, unset and blank ones left out, checked; a ConfigError names every bad one. */
export function checkedEnvironment(env: NodeJS.ProcessEnv): Environment {
  const raw = new Environment();
  for (const name of VARIABLES) {
    const value = env[name]?.trim();
    if (value) raw[name] = value;
  }
  const problems = validateSync(raw).flatMap((error) => Object.values(error.constraints ?? {}).slice(0, 1));
  if (problems.length) throw new ConfigError(problems.join('; '));
  return raw;
}
