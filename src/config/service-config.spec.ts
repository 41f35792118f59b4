import { ConfigError } from './environment';
import { DEFAULTS, loadConfig } from './service-config';

describe('the service configuration', () => {
  it('takes the report settings from REPORT_MIN_CELL and REPORT_EPSILON, else the defaults', () => {
    expect(loadConfig({}).reports).toEqual({ minimumCellCount: DEFAULTS.minimumCellCount, epsilon: DEFAULTS.epsilon });
    expect(loadConfig({ REPORT_MIN_CELL: '10', REPORT_EPSILON: '0.25' }).reports).toEqual({ minimumCellCount: 10, epsilon: 0.25 });
    expect(loadConfig({ REPORT_MIN_CELL: ' ' }).reports.minimumCellCount).toBe(DEFAULTS.minimumCellCount);
  });

  it('refuses a setting it cannot use instead of running with another value', () => {
    for (const env of [
      { REPORT_MIN_CELL: '0' },
      { REPORT_MIN_CELL: '2.5' },
      { REPORT_EPSILON: '0' },
      { REPORT_EPSILON: 'lots' },
      { AUTH_FAILURE_WINDOW_MS: 'a minute' },
    ]) {
      expect(() => loadConfig(env)).toThrow(ConfigError);
    }
  });

  it('reads the addresses, tokens and keys as given', () => {
    const config = loadConfig({
      ADMIN_TOKEN: 'a'.repeat(40),
      MAIL_FROM: 'Committee <c@example.org>',
      PUBLIC_URL: 'https://talks.example.org',
    });
    expect(config.auth.adminToken).toBe('a'.repeat(40));
    expect(config.mail.from).toBe('Committee <c@example.org>');
    expect(config.mail.publicUrl).toBe('https://talks.example.org');
  });

  it('takes the limiter and job settings from the environment, else the defaults', () => {
    expect(loadConfig({}).auth).toMatchObject({ maxFailures: 30, failureWindowMs: 60_000 });
    expect(loadConfig({ AUTH_MAX_FAILURES: '5', AUTH_FAILURE_WINDOW_MS: ' 1500 ' }).auth).toMatchObject({
      maxFailures: 5,
      failureWindowMs: 1500,
    });
    expect(loadConfig({}).jobs).toEqual({ pollingSeconds: 2, mailRetryLimit: 8, mailRetryDelaySeconds: 30, mailSendTimeoutSeconds: 120 });
    expect(loadConfig({ MAIL_RETRY_LIMIT: '0' }).jobs.mailRetryLimit).toBe(0);
    expect(loadConfig({ SHUTDOWN_GRACE_MS: '0', TALK_IMPORT_BULK_ROWS: '50' }).talkImport).toEqual({ shutdownGraceMs: 0, bulkRows: 50 });
  });

  it('refuses a limit that would switch the limiter off or retry mail for ever, naming the variable', () => {
    for (const bad of ['thirty', '0', '-3', '2.5', '1e3', 'NaN', 'Infinity', '99999999999999999999']) {
      expect(() => loadConfig({ AUTH_MAX_FAILURES: bad })).toThrow(/^AUTH_MAX_FAILURES must be a whole number/);
      expect(() => loadConfig({ AUTH_FAILURE_WINDOW_MS: bad })).toThrow(/^AUTH_FAILURE_WINDOW_MS must be a whole number/);
    }
    expect(() => loadConfig({ MAIL_RETRY_DELAY_SECONDS: 'soon' })).toThrow(/^MAIL_RETRY_DELAY_SECONDS must be a whole number/);
    expect(() => loadConfig({ MAIL_SEND_TIMEOUT_SECONDS: '1' })).toThrow(/from 2 to 3600/);
  });

  it('checks the sign-in settings together and refuses an incomplete set as a setting error', () => {
    expect(loadConfig({}).oidc).toBeNull();
    expect(() => loadConfig({ OIDC_CLIENT_ID: 'x' })).toThrow(ConfigError);
    expect(() => loadConfig({ OIDC_ISSUER: 'https://sso.example.org' })).toThrow(/OIDC_CLIENT_ID must be set/);
    const oidc = loadConfig({ OIDC_ISSUER: 'https://sso.example.org', OIDC_CLIENT_ID: ' speakers ', OIDC_SESSION_HOURS: '2' }).oidc;
    expect(oidc).toMatchObject({ issuer: 'https://sso.example.org', clientId: 'speakers', audience: 'speakers', sessionSeconds: 7200 });
  });
});
