import { randomUUID } from 'node:crypto';
import { LoggerService } from '@nestjs/common';
import pino, { Logger } from 'pino';
import pinoHttp from 'pino-http';
import { loadConfig } from '../config/service-config';

/**
 * Structured JSON logs (LOG_LEVEL; silent in tests). Hand-wired rather than nestjs-pino: its 5.x needs
 * Node 22 and its 4.x does not support Nest 12, while this service runs on Node 20.19.
 */
export function createLogger(level: string = loadConfig().log.level, destination?: pino.DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'speaker-allocation' },
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * Query values that are credentials never reach the log: the identity provider's authorization code
 * and state on the sign-in callback (single-use, but a log outlives them).
 */
const SECRET_QUERY = new Set(['code', 'state', 'session_state', 'id_token', 'access_token']);

export function loggedUrl(url: string | undefined): string | undefined {
  if (!url || !url.includes('?')) return url;
  const [path, query] = [url.slice(0, url.indexOf('?')), new URLSearchParams(url.slice(url.indexOf('?') + 1))];
  for (const name of [...query.keys()]) if (SECRET_QUERY.has(name)) query.set(name, '[redacted]');
  return `${path}?${query.toString()}`;
}

export function requestLogger(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: (req, res) => {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && /^[\w.-]{1,100}$/.test(incoming) ? incoming : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    serializers: {
      req: (req) => ({ id: req.id, method: req.method, url: loggedUrl(req.url) }),
      res: (res) => ({ statusCode: res.statusCode }),
    },
  });
}

/**
 * Nest's own messages through the same pino logger. Nest calls these as (message, ...params, context):
 * `error(text, stack, context)`, `error(error)` for a failed start-up, or `error(fields, text, context)`.
 * An Error goes to pino as `err`, whose serializer keeps its message and stack: spread into the log
 * object, as before, both were lost (they are not enumerable) and the line had no text.
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, ...params: unknown[]) {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]) {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]) {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]) {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]) {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]) {
    this.write('fatal', message, params);
  }

  private write(level: pino.Level, message: unknown, params: unknown[]): void {
    // The last string is the context Nest appends; what comes before it is a stack or a text.
    const context = params.length > 0 && typeof params.at(-1) === 'string' ? (params.at(-1) as string) : undefined;
    const extra = params.slice(0, context === undefined ? params.length : -1);
    const stack = extra.find((p): p is string => typeof p === 'string' && /\n\s+at /.test(p));
    const text = extra.find((p): p is string => typeof p === 'string' && p !== stack);
    const errors = extra.filter((p): p is Error => p instanceof Error);
    if (message instanceof Error) {
      this.logger[level]({ context, err: message }, text ?? message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.logger[level]({ context, ...(stack ? { stack } : {}), ...(errors[0] ? { err: errors[0] } : {}), ...message }, text);
    } else {
      this.logger[level](
        { context, ...(stack ? { stack } : {}), ...(errors[0] ? { err: errors[0] } : {}) },
        text === undefined ? String(message) : `${String(message)} ${text}`,
      );
    }
  }
}
