// A request body read as it arrives, for imports too large to hold in memory as one string. It keeps
// the rules express's body parsers apply to every other body (size limit, Content-Encoding, charset),
// and fails the way they do, so that the problem filter answers alike (413, 415, 400).
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';

/** The largest import body, JSON or CSV (express's '200mb'). */
export const BULK_BODY_LIMIT = 200 * 1024 * 1024;

/** Content types read as JSON: application/json and its +json relatives (e.g. merge-patch+json). */
export const JSON_TYPES = ['application/json', 'application/*+json'];

/** Content types an import reads as CSV. */
export const CSV_TYPES = ['text/csv', 'text/plain'];

/**
 * How deep a JSON body may nest. The deepest real body (a slate's seat list) is three levels; a few
 * thousand levels overflow the stack of class-transformer and of every recursive check after it.
 */
export const MAX_JSON_DEPTH = 32;

/** A body that cannot be read, described the way body-parser describes one (`type`, `status`). */
export class RequestBodyError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Whether the request carries content: a length above zero, or a chunked body. A request without
 * content may name any type (or none); one with content that no parser reads would be ignored unseen.
 */
export function hasContent(req: IncomingMessage): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = req.headers['content-length'];
  return length !== undefined && Number(length) > 0;
}

/** Content of a type the route does not read: refused rather than taken for no body. */
export function unsupportedType(req: IncomingMessage, accepted: readonly string[]): RequestBodyError {
  const sent = req.headers['content-type'] ? `was sent as ${req.headers['content-type'].split(';')[0].trim()}` : 'has no Content-Type';
  return new RequestBodyError(
    415,
    'content-type.unsupported',
    `The request body ${sent}; send it as ${accepted.filter((type) => !type.includes('*')).join(' or ')}`,
  );
}

/**
 * The refusal of a parsed JSON body nested deeper than `maxDepth` (each array or object is one level),
 * or null. Walks with its own stack, so that the check itself cannot overflow.
 */
export function nestingError(body: unknown, maxDepth = MAX_JSON_DEPTH): RequestBodyError | null {
  const stack: Array<[unknown, number]> = [[body, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth > maxDepth) {
      return new RequestBodyError(400, 'entity.too.deep', `The request body is nested more than ${maxDepth} levels deep`);
    }
    for (const child of Object.values(value)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return null;
}

const tooLarge = () => new RequestBodyError(413, 'entity.too.large', 'request entity too large');

/**
 * Runs `read` on the body's text as it arrives. Whatever `read` does, the rest of the body is then
 * discarded as it comes in, so that the answer reaches a client still sending (as Node does for a body
 * nobody read).
 */
export async function withRequestText<T>(
  req: IncomingMessage,
  limit: number,
  read: (text: AsyncIterable<string>) => Promise<T>,
): Promise<T> {
  try {
    return await read(requestText(req, limit));
  } finally {
    if (!req.complete) req.resume();
  }
}

/**
 * The body decoded to text, piece by piece: inflated by its Content-Encoding, decoded by the
 * Content-Type's charset (UTF-8 when none is given, a leading byte-order mark dropped), and refused
 * with 413 once it passes `limit` bytes (inflated), or at once when its Content-Length does.
 */
async function* requestText(req: IncomingMessage, limit: number): AsyncGenerator<string> {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers['content-type'] ?? '')?.[1] ?? 'utf-8';
  // The instance type, not the name: without the DOM library (which only the tests load) TextDecoder is just a value.
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(charset);
  } catch {
    throw new RequestBodyError(415, 'charset.unsupported', `unsupported charset "${charset.toUpperCase()}"`);
  }
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  const inflate = inflation(encoding);
  if (inflate === null && Number(req.headers['content-length']) > limit) throw tooLarge();
  let source: Readable = req;
  const passOnFailure = (error: Error) => inflate?.destroy(error);
  if (inflate !== null) {
    req.on('error', passOnFailure);
    source = req.pipe(inflate);
  }
  let received = 0;
  try {
    // The request itself is not destroyed when reading stops early: the answer still has to go out on it.
    for await (const chunk of source.iterator({ destroyOnReturn: inflate !== null }) as AsyncIterable<Buffer>) {
      received += chunk.length;
      if (received > limit) throw tooLarge();
      const text = decoder.decode(chunk, { stream: true });
      if (text !== '') yield text;
    }
    const rest = decoder.decode();
    if (rest !== '') yield rest;
  } catch (error) {
    if (error instanceof RequestBodyError) throw error;
    // The client went away, or sent a compressed body that does not inflate.
    throw new RequestBodyError(400, 'request.unreadable', (error as Error).message);
  } finally {
    if (inflate !== null) {
      req.off('error', passOnFailure);
      req.unpipe(inflate);
      inflate.destroy();
    }
  }
}

function inflation(encoding: string): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | null {
  switch (encoding) {
    case 'identity':
      return null;
    case 'gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
  }
  throw new RequestBodyError(415, 'encoding.unsupported', `unsupported content encoding "${encoding}"`);
}
