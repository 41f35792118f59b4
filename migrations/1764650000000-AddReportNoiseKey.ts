import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The secret the noise of published gender counts is drawn with (src/privacy/noise.ts). One row, made
 * by the first service that needs it and kept for good: if it changed, asking the same question again
 * would give a fresh noisy answer, and enough of them average the noise away. Never shown by the API.
 */
export class AddReportNoiseKey1764650000000 implements MigrationInterface {
  name = 'AddReportNoiseKey1764650000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE report_noise_key (
      id boolean PRIMARY KEY DEFAULT true CHECK (id),
      secret bytea NOT NULL CHECK (length(secret) = 32),
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE report_noise_key`);
  }
}
