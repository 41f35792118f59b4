import type { Readable, Writable } from 'node:stream';
import type { Submittable } from 'pg';

// pg-copy-streams ships without type declarations; these are the two calls the service uses.
interface CopyStreams {
  from(sql: string): Writable & Submittable;
  to(sql: string): Readable & Submittable;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const copyStreams = require('pg-copy-streams') as CopyStreams;

/** COPY ... FROM STDIN: write COPY text into it. */
export const copyFrom = (sql: string) => copyStreams.from(sql);
/** COPY ... TO STDOUT: read what PostgreSQL writes. */
export const copyTo = (sql: string) => copyStreams.to(sql);
