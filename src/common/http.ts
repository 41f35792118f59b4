// HTTP conventions every route follows: caching of personal data, the headers a browser may read,
// Location on 201, and versions as entity tags with If-Match preconditions.
import {
  applyDecorators,
  CallHandler,
  ExecutionContext,
  Header,
  HttpStatus,
  Injectable,
  NestInterceptor,
  SetMetadata,
  Type,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiHeader, ApiResponse, HeadersObject } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { map, Observable } from 'rxjs';
import { LOCATION_HEADER } from './openapi';
import { asPreconditionFailed, badRequest, ProblemException } from './problem';

export const API_PREFIX = 'api/v1';

/** Response headers a browser script on an allowed origin may read. */
export const EXPOSED_HEADERS = ['ETag', 'Location', 'Content-Disposition', 'X-Request-Id', 'Retry-After'];

/**
 * Every answer under /api/v1 is someone's data read with their token (members, nominations,
 * allocations, incidents, the audit log, exports): no cache may keep it, errors included. Reference
 * data everyone shares says otherwise with @ReferenceData().
 */
export function noStore(req: Request, res: Response, next: NextFunction): void {
  if (req.path.startsWith(`/${API_PREFIX}/`)) res.setHeader('Cache-Control', 'no-store');
  next();
}

/** Shared reference data (regions, the rank policy): a browser may keep it but asks again each time. */
export const ReferenceData = () => Header('Cache-Control', 'private, no-cache');

const LOCATION_KEY = 'location';

/**
 * A 201 answer: documents the created resource's schema and Location header, and sets Location from
 * the answer (`locate` gives its path below /api/v1, e.g. `(slot) => \`slots/${slot.id}\``).
 */
export function Created<T>(type: Type<T>, locate: (answer: T) => string, description?: string, headers?: HeadersObject) {
  return applyDecorators(
    SetMetadata(LOCATION_KEY, locate),
    ApiResponse({ status: HttpStatus.CREATED, type, description: description ?? 'Created', headers: { ...LOCATION_HEADER, ...headers } }),
  );
}

/** Sets the Location header of routes declared with @Created. */
@Injectable()
export class LocationInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const locate = this.reflector.get<((answer: unknown) => string) | undefined>(LOCATION_KEY, context.getHandler());
    if (!locate) return next.handle();
    const res = context.switchToHttp().getResponse<Response>();
    return next.handle().pipe(
      map((answer) => {
        res.setHeader('Location', `/${API_PREFIX}/${locate(answer)}`);
        return answer;
      }),
    );
  }
}

/** A version as the one form of entity tag the service sends: strong, `"3"`. */
export const entityTag = (version: number) => `"${version}"`;

/** Sets ETag from the answer's version and returns the answer. */
export function withETag<T extends { version: number }>(res: Response, answer: T): T {
  res.setHeader('ETag', entityTag(answer.version));
  return answer;
}

/** The version a change is based on, and whether it came from If-Match (stale: 412) or the body (stale: 409). */
export interface Precondition {
  version: number;
  source: 'If-Match' | 'body';
}

export const IfMatchHeader = () =>
  ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'The ETag the change is based on, e.g. "3": a stale one answers 412. (A stale body `version` answers 409.)',
  });

/**
 * If-Match (`"3"`, or `*` for any version) or the body's `version`. If-Match is compared strongly
 * (RFC 9110 13.1.1): a weak tag never matches, so it answers 412. A bare number is read as the quoted
 * one, as older clients sent it. Both given and different: 400.
 */
export function precondition(ifMatch: string | undefined, bodyVersion: number | undefined): Precondition | undefined {
  const header = ifMatch?.trim();
  const body: Precondition | undefined = bodyVersion === undefined ? undefined : { version: bodyVersion, source: 'body' };
  if (!header || header === '*') return body;
  const match = /^(W\/)?"?(\d{1,9})"?$/.exec(header);
  if (!match) {
    throw badRequest('If-Match must be one entity tag, e.g. "3"', [{ field: 'If-Match', message: 'not an entity tag' }]);
  }
  if (match[1]) {
    throw new ProblemException(
      HttpStatus.PRECONDITION_FAILED,
      `If-Match compares entity tags strongly, so the weak ${header} never matches; send the ETag as given, e.g. "${match[2]}"`,
    );
  }
  const version = Number(match[2]);
  if (bodyVersion !== undefined && bodyVersion !== version) {
    throw badRequest("If-Match and the body's version disagree", [{ field: 'version', message: 'differs from If-Match' }]);
  }
  return { version, source: 'If-Match' };
}

/** Runs a change; when its version is stale and came from If-Match, the answer is 412 rather than 409. */
export async function underPrecondition<T>(
  given: Precondition | undefined,
  change: (version: number | undefined) => Promise<T>,
): Promise<T> {
  try {
    return await change(given?.version);
  } catch (error) {
    throw (given?.source === 'If-Match' ? asPreconditionFailed(error) : null) ?? error;
  }
}

/** Below V8's large-object size: each piece is a young, short-lived string. */
const JSON_PIECE_CHARS = 32 * 1024;

/**
 * A large JSON array (a slot's candidates with every counted talk: about 900 KB) sent in pieces, the
 * same bytes as res.json(items) would send: no string or buffer of the whole answer is ever made,
 * which under concurrent requests kept the process's memory high until the next full collection.
 */
export function sendJsonArray(res: Response, items: readonly unknown[]): void {
  res.status(HttpStatus.OK).type('application/json');
  res.cork();
  let piece = '[';
  items.forEach((item, i) => {
    piece += (i === 0 ? '' : ',') + JSON.stringify(item);
    if (piece.length >= JSON_PIECE_CHARS) {
      res.write(piece);
      piece = '';
    }
  });
  res.end(`${piece}]`);
  res.uncork();
}
