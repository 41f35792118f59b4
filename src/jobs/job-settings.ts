// The job queue's settings from the environment, checked once at start-up: a mistyped number stops
// the service with the variable named rather than silently retrying every second or never.

export interface JobSettings {
  /** How often an idle worker asks for work. */
  pollingSeconds: number;
  /** How many times a failed mail is tried again. */
  mailRetryLimit: number;
  /** The wait before the first retry; each later one waits twice as long. */
  mailRetryDelaySeconds: number;
  /** How long one delivery may take; a worker that died mid-send leaves its job to be retried after this. */
  mailSendTimeoutSeconds: number;
}

function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max} (was "${raw}")`);
  }
  return value;
}

export function jobSettings(env: NodeJS.ProcessEnv = process.env): JobSettings {
  return {
    pollingSeconds: wholeNumber(env, 'JOB_POLLING_SECONDS', 2, 1, 60),
    mailRetryLimit: wholeNumber(env, 'MAIL_RETRY_LIMIT', 8, 0, 100),
    mailRetryDelaySeconds: wholeNumber(env, 'MAIL_RETRY_DELAY_SECONDS', 30, 1, 86_400),
    mailSendTimeoutSeconds: wholeNumber(env, 'MAIL_SEND_TIMEOUT_SECONDS', 120, 2, 3_600),
  };
}
