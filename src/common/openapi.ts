// The OpenAPI document's shared parts: the Problem schema, the error responses every route shares,
// the media types of exports, and the finishing pass over the whole document. Controllers describe
// their own success answers and the errors particular to them with these decorators:
//
//   @ApiSecured()                       on a controller: bearer token; 401, 403, 429, 503
//   @ApiProblems(400, 404, 422)         the errors a route adds, with the usual descriptions
//   @ApiProblem(409, 'Every seat taken') one error with its own description
//   @ApiPage(MemberView)                a { items, total, limit, offset } answer
//   @ApiRepresentations(200, { json: BalanceReportView, csv: 'one line per cell' })
import { applyDecorators, INestApplication, Type } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  ApiSchema,
  ApiSecurity,
  DocumentBuilder,
  getSchemaPath,
  HeadersObject,
  OpenAPIObject,
  OperationObject,
  ResponseObject,
  SwaggerModule,
} from '@nestjs/swagger';

export const PROBLEM_JSON = 'application/problem+json';
export const CSV = 'text/csv';
export const CALENDAR = 'text/calendar';
export const BEARER = 'bearer';

@ApiSchema({ name: 'ProblemFieldError' })
export class ProblemFieldErrorDoc {
  @ApiProperty({ example: 'careerStage', description: 'The field, column or header at fault' }) field: string;
  @ApiProperty({ example: 'careerStage must be one of: student, postdoc, nontenured, tenured, engineer, other' }) message: string;
  @ApiPropertyOptional({ example: 3, description: 'Imports: the 1-based data row' }) row?: number;
}

@ApiSchema({
  name: 'Problem',
  description: 'RFC 9457 problem details. Some answers add members of their own (e.g. `passedOver`, `currentVersion`, `rule`).',
})
export class ProblemDoc {
  @ApiProperty({ example: 'https://speaker-allocation.example/problems/unprocessable-content' }) type: string;
  @ApiProperty({ example: 'Unprocessable Content' }) title: string;
  @ApiProperty({ example: 422 }) status: number;
  @ApiProperty({ example: 'Invalid input: careerStage' }) detail: string;
  @ApiPropertyOptional({ type: [ProblemFieldErrorDoc] }) errors?: ProblemFieldErrorDoc[];
}

export const PROBLEM_DESCRIPTIONS = {
  400: 'Malformed input: not JSON, an unknown field, a wrong type or format (errors names each field)',
  401: 'No bearer token, an unknown one, or a disabled account',
  403: "The token's roles do not allow this",
  404: 'No such resource',
  405: 'The method is not allowed on this resource (Allow lists those that are)',
  406: 'None of the media types in Accept can be produced',
  409: 'Conflicts with the current state (a duplicate, a full slot, a move the lifecycle does not allow, a stale body `version`)',
  410: 'Gone: the resource existed but no longer can be used (an expired link)',
  412: 'If-Match names a version that is no longer the current one: read the resource again',
  413: 'The request body is too large',
  415: 'The request body has a media type this route does not read',
  422: 'Well-formed, but breaks a domain rule (errors names the fields)',
  429: 'Too many failed authentications from this address: Retry-After says when to try again',
  503: 'The database is unavailable, or the query took too long; try again shortly',
} as const;

export type ProblemStatus = keyof typeof PROBLEM_DESCRIPTIONS;

const PROBLEM_HEADERS: Partial<Record<ProblemStatus, HeadersObject>> = {
  401: { 'WWW-Authenticate': { description: 'Bearer', schema: { type: 'string' } } },
  405: { Allow: { description: 'The methods the resource allows', schema: { type: 'string' } } },
  429: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } },
};

const problemContent = () => ({ [PROBLEM_JSON]: { schema: { $ref: getSchemaPath(ProblemDoc) } } });

/** One error answer, application/problem+json, with its own description. */
export function ApiProblem(status: ProblemStatus, description: string = PROBLEM_DESCRIPTIONS[status]) {
  return applyDecorators(
    ApiExtraModels(ProblemDoc),
    ApiResponse({ status, description, content: problemContent(), headers: PROBLEM_HEADERS[status] }),
  );
}

/** Error answers with the usual descriptions. */
export function ApiProblems(...statuses: ProblemStatus[]) {
  return applyDecorators(...statuses.map((status) => ApiProblem(status)));
}

/** A route or controller that needs a bearer token: the errors any authenticated request can meet. */
export function ApiSecured() {
  return applyDecorators(ApiBearerAuth(BEARER), ApiProblems(401, 403, 429, 503));
}

/** A route anyone may call without a token. */
export function ApiPublic() {
  return applyDecorators(ApiSecurity({}), ApiProblems(503));
}

export const ETAG_HEADER: HeadersObject = {
  ETag: { description: 'The version as a strong entity tag, e.g. "3"; send it back in If-Match', schema: { type: 'string' } },
};

export const LOCATION_HEADER: HeadersObject = {
  Location: { description: 'Where the created resource is read', schema: { type: 'string', format: 'uri-reference' } },
};

const DISPOSITION_HEADER: HeadersObject = {
  'Content-Disposition': { description: 'attachment; filename="..."', schema: { type: 'string' } },
};

/** A `{ items, total, limit, offset }` answer (200). */
export function ApiPage(item: Type<unknown>, description?: string) {
  return applyDecorators(
    ApiExtraModels(item),
    ApiResponse({
      status: 200,
      description: description ?? 'One page, with the total over every page',
      content: { 'application/json': { schema: pageSchema(item) } },
    }),
  );
}

export function pageSchema(item: Type<unknown>) {
  return {
    type: 'object' as const,
    required: ['items', 'total', 'limit', 'offset'],
    properties: {
      items: { type: 'array' as const, items: { $ref: getSchemaPath(item) } },
      total: { type: 'integer' as const, minimum: 0 },
      limit: { type: 'integer' as const, minimum: 1, maximum: 500 },
      offset: { type: 'integer' as const, minimum: 0 },
    },
  };
}

export interface Representations {
  /** The JSON body (a class, or a one-element array for a list). */
  json?: Type<unknown> | [Type<unknown>];
  /** Description of the CSV form, when the route can answer text/csv. */
  csv?: string;
  /** Description of the iCalendar form, when the route can answer text/calendar. */
  calendar?: string;
  description?: string;
  headers?: HeadersObject;
}

/** A success answer in each of the media types the route produces (JSON, CSV, iCalendar). */
export function ApiRepresentations(status: 200 | 201, options: Representations) {
  const models = options.json ? [Array.isArray(options.json) ? options.json[0] : options.json] : [];
  const content: Record<string, { schema: object }> = {};
  if (options.json) {
    content['application/json'] = Array.isArray(options.json)
      ? { schema: { type: 'array', items: { $ref: getSchemaPath(options.json[0]) } } }
      : { schema: { $ref: getSchemaPath(options.json) } };
  }
  if (options.csv) content[CSV] = { schema: { type: 'string', description: options.csv } };
  if (options.calendar) content[CALENDAR] = { schema: { type: 'string', description: options.calendar } };
  const exported = options.csv || options.calendar;
  const description =
    options.description ??
    [options.json && 'JSON', options.csv && `CSV: ${options.csv}`, options.calendar && `iCalendar: ${options.calendar}`]
      .filter(Boolean)
      .join('; ');
  return applyDecorators(
    ApiExtraModels(...models),
    ApiResponse({
      status,
      description,
      content,
      headers: { ...(exported ? DISPOSITION_HEADER : {}), ...options.headers },
    }),
  );
}

/** A CSV-only answer (200). */
export function ApiCsv(description: string) {
  return ApiRepresentations(200, { csv: description, description: `CSV: ${description}` });
}

/** The document as /docs-json serves it. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Speaker allocation service')
    .setDescription(
      'Members, conferences, nominations, eligibility ranks, allocations and balance reports ' +
        "for a large collaboration's conference committee. Errors are application/problem+json (RFC 9457). " +
        'Every answer under /api/v1 carries Cache-Control: no-store, except reference data (regions, the rank policy), ' +
        'which is private, no-cache.',
    )
    .setVersion('1')
    .setLicense('UNLICENSED', 'https://docs.npmjs.com/cli/configuring-npm/package-json#license')
    .addServer('/', 'This service')
    // addSecurity, not addBearerAuth: the latter always adds bearerFormat JWT, which these tokens are not.
    .addSecurity(BEARER, {
      type: 'http',
      scheme: 'bearer',
      description:
        'An opaque token issued by the service (POST /api/v1/users, POST /api/v1/users/{id}/tokens), ' +
        "stored only as a hash: not a JWT, nothing to decode. Where sign-in through the collaboration's identity " +
        "provider is configured (OIDC_ISSUER), that provider's access tokens are accepted too.",
    })
    .build();
  return finishDocument(
    SwaggerModule.createDocument(app, config, {
      extraModels: [ProblemDoc, ProblemFieldErrorDoc],
      operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}`,
    }),
  );
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'] as const;

/** Every operation of the document, with its path and method. */
export function operationsOf(document: OpenAPIObject): Array<{ path: string; method: string; operation: OperationObject }> {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method) => ({ path, method, operation: item[method] as OperationObject })),
  );
}

/**
 * Every error this service sends is problem+json (ProblemFilter), so an error response declared with
 * Nest's stock decorators (which give it no content) is given the Problem schema here.
 */
function finishDocument(document: OpenAPIObject): OpenAPIObject {
  for (const { operation } of operationsOf(document)) {
    for (const [status, response] of Object.entries(operation.responses)) {
      const declared = response as ResponseObject;
      if (Number(status) >= 400 && !declared.content) declared.content = problemContent();
    }
    // ApiSecurity({}) is the marker of a public route: no security requirement at all.
    if (operation.security?.length === 1 && Object.keys(operation.security[0]).length === 0) operation.security = [];
  }
  return document;
}
