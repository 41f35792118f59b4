import { jobSettings } from './job-settings';

describe('job settings', () => {
  it('has defaults that retry for about two hours with backoff', () => {
    expect(jobSettings({})).toEqual({ pollingSeconds: 2, mailRetryLimit: 8, mailRetryDelaySeconds: 30, mailSendTimeoutSeconds: 120 });
  });

  it('names the variable that is not a whole number in range', () => {
    expect(() => jobSettings({ MAIL_RETRY_DELAY_SECONDS: 'soon' })).toThrow(/MAIL_RETRY_DELAY_SECONDS must be a whole number/);
    expect(() => jobSettings({ MAIL_SEND_TIMEOUT_SECONDS: '1' })).toThrow(/from 2 to 3600/);
    expect(jobSettings({ MAIL_RETRY_LIMIT: '0' }).mailRetryLimit).toBe(0);
  });
});
