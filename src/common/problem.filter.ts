import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { Problem, problemBody } from './problem';

/** Every error leaves the service as application/problem+json; nothing leaks a stack trace. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const request = http.getRequest<Request>();
    const problem = toProblem(exception);
    if (problem.status >= 500) {
      this.logger.error(
        {
          err: exception instanceof Error ? { message: exception.message, stack: exception.stack } : exception,
          path: request?.url,
          requestId: request?.id,
        },
        'request failed',
      );
    }
    if (response.headersSent) return;
    sendProblem(response, problem);
  }
}

export function sendProblem(response: Response, problem: Problem): void {
  if (problem.status === 401) response.setHeader('WWW-Authenticate', 'Bearer');
  response.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
}

export function toProblem(exception: unknown): Problem {
  if (exception instanceof HttpException) return fromHttpException(exception);
  if (exception instanceof QueryFailedError) return fromDatabaseError(exception.driverError ?? exception);
  if (isDatabaseError(exception)) return fromDatabaseError(exception);
  if (isBodyParserError(exception)) return fromBodyParserError(exception);
  if (isConnectionError(exception)) {
    return problemBody(503, 'The database is unavailable; try again shortly');
  }
  return problemBody(500, 'An unexpected error occurred; it has been logged');
}

function fromHttpException(exception: HttpException): Problem {
  const status = exception.getStatus();
  const body = exception.getResponse();
  if (typeof body === 'string') return problemBody(status, body);
  const { detail, message, errors, error: _error, statusCode: _statusCode, ...extensions } = body as Record<string, unknown>;
  const text =
    typeof detail === 'string'
      ? detail
      : Array.isArray(message)
        ? message.join('; ')
        : typeof message === 'string'
          ? message
          : exception.message;
  return problemBody(status, text, {
    ...(Array.isArray(errors) && errors.length ? { errors: errors as Problem['errors'] } : {}),
    ...extensions,
  });
}

interface PgError {
  code: string;
  detail?: string;
  constraint?: string;
  message: string;
  column?: string;
}

function isDatabaseError(e: unknown): e is PgError {
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as PgError).code === 'string' &&
    /^[0-9A-Z]{5}$/.test((e as PgError).code) &&
    'severity' in e
  );
}

function fromDatabaseError(e: PgError): Problem {
  const code = e.code ?? '';
  switch (code) {
    case '23505':
      return problemBody(409, `Already exists (${describeConstraint(e.constraint)})`);
    case '23P01':
      return problemBody(409, e.message);
    case '23503':
      return problemBody(422, `Refers to something that does not exist, or is still referred to (${describeConstraint(e.constraint)})`);
    case '23514':
    case '23502':
      return problemBody(422, `Violates a rule of the data (${describeConstraint(e.constraint ?? e.column)})`);
    case '22P02':
    case '22007':
    case '22008':
    case '22003':
    case '22001':
    case '22023':
    case '22021':
    case '22P05':
      return problemBody(400, 'A value has the wrong format or is out of range');
    case '40001':
    case '40P01':
      return problemBody(409, 'A concurrent change conflicted with this one; retry');
    case '57014':
      return problemBody(503, 'The query took too long and was cancelled');
    case '42501':
      return problemBody(403, 'This change is not allowed');
  }
  if (code.startsWith('08') || code.startsWith('57P') || code === '53300') {
    return problemBody(503, 'The database is unavailable; try again shortly');
  }
  return problemBody(500, 'An unexpected database error occurred; it has been logged');
}

function describeConstraint(name: string | undefined): string {
  return name ? name.replace(/_/g, ' ') : 'constraint';
}

function isConnectionError(e: unknown): boolean {
  const msg = e instanceof Error ? e.message : '';
  const code = (e as { code?: string })?.code ?? '';
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND'].includes(code) ||
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(msg)
  );
}

interface BodyParserError {
  type: string;
  status: number;
  expose?: boolean;
  message: string;
}

function isBodyParserError(e: unknown): e is BodyParserError {
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as BodyParserError).type === 'string' &&
    typeof (e as BodyParserError).status === 'number'
  );
}

function fromBodyParserError(e: BodyParserError): Problem {
  switch (e.type) {
    case 'entity.parse.failed':
      return problemBody(400, 'The request body is not valid JSON');
    case 'entity.too.large':
      return problemBody(413, 'The request body is too large');
    // Our own refusals (request-body.ts), whose messages are written for the client.
    case 'entity.too.deep':
      return problemBody(400, e.message);
    case 'content-type.unsupported':
      return problemBody(415, e.message);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return problemBody(415, 'The request body encoding is not supported');
  }
  return problemBody(e.status >= 400 && e.status < 500 ? e.status : 400, 'The request body could not be read');
}
