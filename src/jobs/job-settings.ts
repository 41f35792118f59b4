// The job queue's settings (ServiceConfig.jobs; JOB_POLLING_SECONDS and MAIL_RETRY_LIMIT,
// MAIL_RETRY_DELAY_SECONDS, MAIL_SEND_TIMEOUT_SECONDS, checked with every other variable at start-up).

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
