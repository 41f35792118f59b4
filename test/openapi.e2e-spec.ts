// The OpenAPI document of the running service is complete enough to build a client from: it lints
// clean with Redocly, every operation documents its success and problem+json answers, and a client
// generated with openapi-typescript type-checks with no body typed `never`.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Logger } from '@nestjs/common';
import type { OpenAPIObject, ResponseObject } from '@nestjs/swagger';
import { operationsOf, PROBLEM_JSON } from '../src/common/openapi';
import { createTestApp, TestApp } from './support/test-app';

const run = promisify(execFile);
const bin = (name: string) => join(process.cwd(), 'node_modules', '.bin', name);

describe('the OpenAPI document', () => {
  let t: TestApp;
  let document: OpenAPIObject;
  let dir: string;
  let warnings: jest.SpyInstance;

  beforeAll(async () => {
    // @nestjs/swagger warns, and keeps one of them, when two DTO classes share a name.
    warnings = jest.spyOn(Logger, 'warn');
    t = await createTestApp({ env: { INCIDENT_KEY: 'ab'.repeat(32) } });
    const res = await t.http.get('/docs-json');
    expect(res.status).toBe(200);
    document = res.body as OpenAPIObject;
    dir = mkdtempSync(join(tmpdir(), 'sa-openapi-'));
  });
  afterAll(async () => {
    warnings.mockRestore();
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const operations = () => operationsOf(document).map((o) => ({ ...o, name: `${o.method.toUpperCase()} ${o.path}` }));

  it('is built without a warning: no two schemas share a name', () => {
    expect(warnings.mock.calls.map(([message]) => String(message))).toEqual([]);
  });

  it('has every operation answer a 2xx with content (or 204, or a redirect)', () => {
    const missing = operations().filter(
      ({ operation }) =>
        !Object.entries(operation.responses).some(
          ([status, response]) =>
            status === '204' ||
            /^30[23]$/.test(status) ||
            (/^2\d\d$/.test(status) && Object.keys((response as ResponseObject).content ?? {}).length > 0),
        ),
    );
    expect(missing.map((o) => o.name)).toEqual([]);
    expect(operations().length).toBeGreaterThan(60);
  });

  it('has every operation document its errors as problem+json with the Problem schema', () => {
    const problems = (o: ReturnType<typeof operations>[number]) =>
      Object.entries(o.operation.responses)
        .filter(([status]) => Number(status) >= 400)
        .map(([status, response]) => ({ status, content: (response as ResponseObject).content ?? {} }));
    expect(
      operations()
        .filter((o) => problems(o).length === 0)
        .map((o) => o.name),
    ).toEqual([]);
    const wrong = operations().flatMap((o) =>
      problems(o)
        .filter(({ content }) => (content[PROBLEM_JSON]?.schema as { $ref?: string } | undefined)?.$ref !== '#/components/schemas/Problem')
        .map(({ status }) => `${o.name} ${status}`),
    );
    expect(wrong).toEqual([]);
    expect(document.components?.schemas?.Problem).toMatchObject({
      required: expect.arrayContaining(['type', 'title', 'status', 'detail']),
      properties: { errors: { type: 'array', items: { $ref: '#/components/schemas/ProblemFieldError' } } },
    });
  });

  it('documents the bearer token as opaque, every authenticated route with 401 and 403, and Location on every 201', () => {
    const scheme = document.components?.securitySchemes?.bearer as unknown as Record<string, unknown>;
    expect(scheme).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(scheme.bearerFormat).toBeUndefined();
    expect(String(scheme.description)).toMatch(/opaque/i);
    const secured = operations().filter((o) => o.operation.security?.length);
    expect(secured.filter((o) => !o.operation.responses['401'] || !o.operation.responses['403']).map((o) => o.name)).toEqual([]);
    expect(document.paths['/health'].get?.security).toEqual([]);
    const created = operations().filter((o) => o.operation.responses['201']);
    expect(created.length).toBeGreaterThan(10);
    expect(created.filter((o) => !(o.operation.responses['201'] as ResponseObject).headers?.Location).map((o) => o.name)).toEqual([]);
  });

  it('documents the CSV and iCalendar exports with their media types', () => {
    const produces = (path: string) => Object.keys((document.paths[path].get?.responses['200'] as ResponseObject).content ?? {});
    expect(produces('/api/v1/conferences/{id}/programme')).toEqual(['application/json', 'text/csv', 'text/calendar']);
    for (const report of ['balance', 'funnel', 'equity', 'trends', 'declines']) {
      expect(produces(`/api/v1/reports/${report}`)).toEqual(['application/json', 'text/csv']);
    }
    expect(produces('/api/v1/members/export')).toEqual(['text/csv']);
    expect(produces('/api/v1/talks/export')).toEqual(['text/csv']);
  });

  it("passes Redocly's recommended lint with no errors", async () => {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    const result = await run(bin('redocly'), ['lint', file, '--format=json', '--config', join(process.cwd(), 'redocly.yaml')], {
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
      maxBuffer: 64 * 1024 * 1024,
    }).catch((error: { stdout?: string; stderr?: string }) => ({ stdout: error.stdout ?? '', stderr: error.stderr ?? '' }));
    const report = JSON.parse(result.stdout.slice(result.stdout.indexOf('{'))) as {
      problems: Array<{ ruleId: string; severity: string; message: string; location: Array<{ pointer: string }> }>;
    };
    const listed = report.problems.map((p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`);
    expect(listed.filter((p) => p.startsWith('error'))).toEqual([]);
    // Warnings accepted because the rule does not fit the route: sign-in's two steps answer only with
    // redirects (302), and the health check and the session probe answer every caller without a 4xx.
    const accepted = [
      'warn operation-2xx-response #/paths/~1api~1v1~1auth~1login/get/responses',
      'warn operation-2xx-response #/paths/~1api~1v1~1auth~1callback/get/responses',
      'warn operation-4xx-response #/paths/~1api~1v1~1auth~1session/get/responses',
      'warn operation-4xx-response #/paths/~1health/get/responses',
    ];
    expect(listed.filter((p) => !accepted.some((a) => p.startsWith(`${a}:`)))).toEqual([]);
  }, 60_000);

  it('generates a typed client that type-checks, with no body typed never', async () => {
    // openapi-typescript and its dependencies are ES modules, which Jest's CommonJS runtime cannot load:
    // it runs in node itself, through its Node API.
    writeFileSync(join(dir, 'openapi.json'), JSON.stringify(document));
    await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        [
          "import { readFileSync, writeFileSync } from 'node:fs';",
          "import openapiTS, { astToString } from 'openapi-typescript';",
          `const document = JSON.parse(readFileSync(${JSON.stringify(join(dir, 'openapi.json'))}, 'utf8'));`,
          `writeFileSync(${JSON.stringify(join(dir, 'schema.ts'))}, astToString(await openapiTS(document)));`,
        ].join('\n'),
      ],
      { cwd: process.cwd() },
    );
    const client = readFileSync(join(dir, 'schema.ts'), 'utf8');
    // One assertion per documented body: the type a client would read or send must not be never.
    const checks: string[] = [];
    for (const { path, method, operation } of operationsOf(document)) {
      const op = `paths[${JSON.stringify(path)}][${JSON.stringify(method)}]`;
      for (const [status, response] of Object.entries(operation.responses)) {
        for (const media of Object.keys((response as ResponseObject).content ?? {})) {
          checks.push(`NotNever<${op}['responses'][${status}]['content'][${JSON.stringify(media)}]>`);
        }
      }
      const body = operation.requestBody as { content?: Record<string, unknown> } | undefined;
      for (const media of Object.keys(body?.content ?? {})) {
        checks.push(`NotNever<NonNullable<${op}['requestBody']>['content'][${JSON.stringify(media)}]>`);
      }
    }
    writeFileSync(
      join(dir, 'checks.ts'),
      [
        "import type { paths } from './schema';",
        'type NotNever<T> = [T] extends [never] ? false : true;',
        'type Expect<T extends true> = T;',
        ...checks.map((check, i) => `export type Check${i} = Expect<${check}>;`),
        '',
      ].join('\n'),
    );
    expect(checks.length).toBeGreaterThan(150);
    const tsc = await run(
      bin('tsc'),
      [
        '--noEmit',
        '--strict',
        '--skipLibCheck',
        '--target',
        'es2022',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        join(dir, 'checks.ts'),
      ],
      { cwd: dir },
    ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? 'tsc failed' }));
    expect(tsc.stdout).toBe('');
    // A schema with no properties at all types its body as an empty record: as useless to a client as never.
    expect(client.match(/^ {8}\w+: Record<string, never>;$/gm) ?? []).toEqual([]);
  }, 60_000);
});
