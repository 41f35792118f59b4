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
});
