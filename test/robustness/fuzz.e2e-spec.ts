// Walks every route of the OpenAPI document and throws generated input at it: wrong types, missing
// and extra fields, huge and hostile strings, bad numbers, dates and ids, with good and bad tokens.
// Nothing may answer 5xx; every 4xx must be problem+json; strings accepted must come back unchanged.
// Every write route also gets JSON nested too deep (400) and bodies of other content types (415).
// FUZZ_RUNS raises the number of cases per route (default keeps CI fast).
import fc from 'fast-check';
import { MAX_JSON_DEPTH } from '../../src/common/request-body';
import { bearer, createTestApp, TestApp } from '../support/test-app';

interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  parameters: { name: string; in: 'path' | 'query'; schema?: Schema }[];
  body?: Schema;
  /** The content types the route documents for its body. */
  consumes: string[];
}
interface Schema {
  type?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  $ref?: string;
  format?: string;
}

const RUNS = Number(process.env.FUZZ_RUNS ?? 4);
const HOSTILE = [
  "'; DROP TABLE member; --",
  '<script>alert(1)</script>',
  '\u0000',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ✓ ünïcødé 中文',
  '../../etc/passwd',
  '%00%27',
  '{{7*7}}',
  '${jndi:ldap://x}',
  ' ',
  '',
  'null',
  'undefined',
  '-1',
  '1e309',
  'NaN',
  '2026-02-30',
  '9999-99-99',
  'not-a-uuid',
  '00000000-0000-0000-0000-000000000000',
];

const hostileString = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constant('x'.repeat(20_000)),
);
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.integer(),
  fc.constantFrom(-1, 0, 2 ** 31, Number.MAX_SAFE_INTEGER, -1e308, 1e308, 0.5),
  fc.boolean(),
  fc.constant(null),
  fc.array(hostileString, { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), hostileString, { maxKeys: 3 }),
);

function resolve(doc: { components?: { schemas?: Record<string, Schema> } }, schema: Schema | undefined): Schema | undefined {
  if (schema?.$ref) return resolve(doc, doc.components?.schemas?.[schema.$ref.split('/').pop()!]);
  return schema;
}

/** Values that look right for the schema, so requests get past the first checks and into the service. */
function plausible(doc: object, schema: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(doc, schema);
  if (!s || depth > 3) return anyValue;
  if (s.enum) return fc.constantFrom(...s.enum);
  switch (s.type) {
    case 'string':
      if (s.format === 'date' || s.format === 'date-time') return fc.constantFrom('2027-03-14', '2020-01-01', '2027-02-30', 'yesterday');
      return fc.oneof(hostileString, fc.uuid().map(String), fc.constantFrom('CH', 'US', 'ZZ', '2027-05-01'));
    case 'integer':
    case 'number':
      return fc.oneof(fc.integer({ min: -5, max: 1000 }), fc.constantFrom(1e15, -0.5, 2.5));
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(plausible(doc, s.items, depth + 1), { maxLength: 3 });
    case 'object':
    default: {
      const props = s.properties ?? {};
      const keys = Object.keys(props);
      if (keys.length === 0) return anyValue;
      return fc.record(Object.fromEntries(keys.map((k) => [k, fc.oneof(plausible(doc, props[k], depth + 1), anyValue)])), {
        requiredKeys: [],
      });
    }
  }
}

function bodies(doc: object, schema: Schema | undefined): fc.Arbitrary<unknown> {
  return fc.oneof(
    plausible(doc, schema),
    plausible(doc, schema).map((b) => (typeof b === 'object' && b && !Array.isArray(b) ? { ...b, unexpectedField: 'x' } : b)),
    anyValue,
    fc.constant(undefined),
  );
}

function operations(doc: {
  paths: Record<
    string,
    Record<string, { parameters?: Operation['parameters']; requestBody?: { content?: Record<string, { schema?: Schema }> } }>
  >;
}): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      ops.push({
        method: method as Operation['method'],
        path,
        parameters: (op.parameters ?? []).filter((p) => p.in === 'path' || p.in === 'query'),
        body: op.requestBody?.content?.['application/json']?.schema,
        consumes: Object.keys(op.requestBody?.content ?? {}),
      });
    }
  }
  return ops;
}

/** JSON text nested `depth` levels: arrays, objects or both, alone or as the value of a field. */
const tooDeep = fc
  .record({
    depth: fc.integer({ min: MAX_JSON_DEPTH + 1, max: 5000 }),
    shape: fc.constantFrom('array', 'object', 'mixed'),
    field: fc.constantFrom(null, 'name', 'reason', 'status', 'targets'),
  })
  .map(({ depth, shape, field }) => {
    const half = Math.ceil(depth / 2);
    const nested =
      shape === 'array'
        ? `${'['.repeat(depth)}${']'.repeat(depth)}`
        : shape === 'object'
          ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`
          : `${'[{"a":'.repeat(half)}1${'}]'.repeat(half)}`;
    return field ? `{"${field}":${nested}}` : nested;
  });

/** Content types no JSON route reads; CSV ones only count where the route does not take CSV. */
const OTHER_TYPES = [
  'text/plain',
  'text/csv',
  'text/html',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'application/jsonp',
  'json',
];

/** Every string we sent that the answer echoes under the same key must be byte-for-byte the same. */
function echoedStringsDiffer(sent: unknown, answer: unknown): string | null {
  if (!sent || typeof sent !== 'object' || !answer || typeof answer !== 'object' || Array.isArray(sent)) return null;
  for (const [key, value] of Object.entries(sent)) {
    const back = (answer as Record<string, unknown>)[key];
    if (typeof value === 'string' && typeof back === 'string' && back !== value && back.trim() === value.trim()) continue;
    if (typeof value === 'string' && typeof back === 'string' && back !== value && !['email', 'country', 'region'].includes(key)) {
      return `${key}: sent ${JSON.stringify(value).slice(0, 80)}, got ${JSON.stringify(back).slice(0, 80)}`;
    }
  }
  return null;
}

describe('fuzzing every documented route', () => {
  let t: TestApp;
  let doc: Parameters<typeof operations>[0] & object;
  let tokens: string[];

  beforeAll(async () => {
    t = await createTestApp({ env: { INCIDENT_KEY: 'ab'.repeat(32) } });
    doc = (await t.http.get('/docs-json')).body;
    const committee = await t.token('committee', 'nominator', 'monitor', 'contact');
    tokens = [t.admin, committee, 'invalid-token', ''];
  });
  afterAll(async () => {
    await t?.close();
  });

  it('finds the routes to fuzz in the OpenAPI document', () => {
    expect(operations(doc).length).toBeGreaterThan(3);
  });

  it('never answers 5xx, answers 4xx as problem+json, and stores text unchanged', async () => {
    const failures: string[] = [];
    for (const op of operations(doc)) {
      const pathParam = fc.oneof(
        fc.uuid().map(String),
        fc.constantFrom(...HOSTILE.filter((h) => h !== '')).map(encodeURIComponent),
        fc.integer().map(String),
      );
      const queryArb = fc.dictionary(
        fc.constantFrom(
          ...op.parameters
            .filter((p) => p.in === 'query')
            .map((p) => p.name)
            .concat(['limit', 'offset', 'bogus']),
        ),
        fc.oneof(hostileString, fc.integer().map(String), fc.constantFrom('-1', '501', '2027-01-01', 'true')),
        { maxKeys: 3 },
      );
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            params: fc.array(pathParam, { minLength: 4, maxLength: 4 }),
            query: queryArb,
            body: bodies(doc, op.body),
            token: fc.constantFrom(...tokens),
          }),
          async ({ params, query, body, token }) => {
            let i = 0;
            const url = op.path.replace(/\{[^}]+\}/g, () => params[i++ % params.length]);
            let req = t.http[op.method](url).query(query as Record<string, string>);
            if (token) req = req.set(bearer(token));
            if (body !== undefined && op.method !== 'get') {
              // supertest only serialises objects and arrays; other JSON values go as raw JSON text.
              req =
                typeof body === 'object' && body !== null
                  ? req.send(body)
                  : req.set('Content-Type', 'application/json').send(JSON.stringify(body));
            }
            const res = await req;
            const label = `${op.method.toUpperCase()} ${url.slice(0, 120)} -> ${res.status}`;
            if (res.status >= 500) failures.push(`${label} ${JSON.stringify(res.body).slice(0, 200)}`);
            if (res.status >= 400 && !/^application\/problem\+json/.test(res.headers['content-type'] ?? '')) {
              failures.push(`${label} not problem+json (${res.headers['content-type']})`);
            }
            if (res.status === 201 || res.status === 200) {
              const differs = echoedStringsDiffer(body, res.body);
              if (differs) failures.push(`${label} changed text: ${differs}`);
            }
          },
        ),
        { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? 20261124) },
      );
    }
    expect(failures).toEqual([]);
  });

  it('answers 400 to JSON nested too deep and 415 to other content types on every write route, never 5xx', async () => {
    const failures: string[] = [];
    const writes = operations(doc).filter((op) => op.method !== 'get');
    expect(writes.length).toBeGreaterThan(10);
    for (const op of writes) {
      const url = op.path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
      const types = OTHER_TYPES.filter((type) => !op.consumes.includes(type.split(';')[0]));
      await fc.assert(
        fc.asyncProperty(
          fc.record({ deep: tooDeep, type: fc.constantFrom(...types), token: fc.constantFrom(...tokens.slice(0, 2)) }),
          async ({ deep, type, token }) => {
            const expectations: Array<[string, number, () => Promise<{ status: number; headers: Record<string, string> }>]> = [
              [
                'deeply nested JSON',
                400,
                () => t.http[op.method](url).set(bearer(token)).set('Content-Type', 'application/json').send(deep),
              ],
              [
                `a body sent as ${type}`,
                415,
                () =>
                  t.http[op.method](url)
                    .set(bearer(token))
                    .set('Content-Type', type)
                    .send(JSON.stringify({ name: 'x' })),
              ],
            ];
            for (const [what, expected, send] of expectations) {
              const res = await send();
              const label = `${op.method.toUpperCase()} ${op.path} with ${what} -> ${res.status}`;
              if (res.status !== expected) failures.push(`${label}, expected ${expected}`);
              if (!/^application\/problem\+json/.test(res.headers['content-type'] ?? '')) failures.push(`${label} not problem+json`);
            }
          },
        ),
        { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? 20261124) },
      );
    }
    expect(failures).toEqual([]);
  });
});
