import { HttpException, HttpStatus } from '@nestjs/common';

export interface ProblemFieldError {
  field: string;
  message: string;
  row?: number;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: ProblemFieldError[];
  [extension: string]: unknown;
}

/**
 * An HTTP error with an RFC 9457 body. Services throw these for domain rules (409, 422...);
 * the ProblemFilter renders them. Extra members (e.g. `passedOver`) are allowed by the RFC.
 */
export class ProblemException extends HttpException {
  constructor(status: number, detail: string, errors?: ProblemFieldError[], extensions: Record<string, unknown> = {}) {
    super({ detail, errors, ...extensions }, status);
  }
}

/**
 * A change based on a version that is no longer current: 409 with `currentVersion`, the mark every
 * lifecycle's stale check leaves. When the version came in If-Match, common/http.ts answers 412 instead.
 */
export const staleVersion = (detail: string, currentVersion: number, extensions: Record<string, unknown> = {}) =>
  new ProblemException(HttpStatus.CONFLICT, detail, undefined, { currentVersion, ...extensions });

/** The 412 for a stale-version 409 (see staleVersion), or null for any other error. */
export function asPreconditionFailed(error: unknown): ProblemException | null {
  if (!(error instanceof HttpException) || error.getStatus() !== HttpStatus.CONFLICT) return null;
  const body = error.getResponse();
  if (typeof body !== 'object' || body === null || typeof (body as { currentVersion?: unknown }).currentVersion !== 'number') return null;
  const { detail, errors, ...extensions } = body as { detail?: string; errors?: ProblemFieldError[] } & Record<string, unknown>;
  return new ProblemException(HttpStatus.PRECONDITION_FAILED, detail ?? error.message, errors, extensions);
}

export const conflict = (detail: string, extensions?: Record<string, unknown>) =>
  new ProblemException(HttpStatus.CONFLICT, detail, undefined, extensions);

export const unprocessable = (detail: string, errors?: ProblemFieldError[], extensions?: Record<string, unknown>) =>
  new ProblemException(HttpStatus.UNPROCESSABLE_ENTITY, detail, errors, extensions);

export const notFound = (what: string, id?: string) =>
  new ProblemException(HttpStatus.NOT_FOUND, id ? `${what} ${id} does not exist` : `${what} does not exist`);

export const badRequest = (detail: string, errors?: ProblemFieldError[]) => new ProblemException(HttpStatus.BAD_REQUEST, detail, errors);

export const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problemBody(status: number, detail: string, rest: Partial<Problem> = {}): Problem {
  const title = TITLES[status] ?? 'Error';
  const slug = title.toLowerCase().replace(/[^a-z]+/g, '-');
  return { type: `https://speaker-allocation.example/problems/${slug}`, title, status, detail, ...rest };
}
