import { INestApplication } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import express, { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { Logger } from 'pino';
import { ProblemFilter, sendProblem, toProblem } from './common/problem.filter';
import { API_PREFIX, EXPOSED_HEADERS, LocationInterceptor, noStore } from './common/http';
import { requestLogger } from './common/logging';
import { buildOpenApiDocument } from './common/openapi';
import { BULK_BODY_LIMIT, CSV_TYPES, hasContent, JSON_TYPES, nestingError, unsupportedType } from './common/request-body';
import { createValidationPipe } from './common/validation';
import { ServiceConfig } from './config/service-config';

export { API_PREFIX } from './common/http';
const IMPORT_PATH = /\/import\/?$/;
// Reads its CSV body itself, as it arrives: a million talks need not sit in memory as one string.
const STREAMED_IMPORT_PATH = /\/talks\/import\/?$/;

/** Everything about the HTTP edge, shared by main.ts and the tests so both run the same service. */
export function configureApp(app: NestExpressApplication, logger: Logger): void {
  app.use(requestLogger(logger));
  const strict = helmet();
  const forDocs = helmet({ contentSecurityPolicy: false });
  app.use((req: Request, res: Response, next: NextFunction) => (req.path.startsWith('/docs') ? forDocs : strict)(req, res, next));
  const { corsOrigins } = app.get(ServiceConfig).http;
  app.enableCors({ origin: corsOrigins.length ? corsOrigins : false, exposedHeaders: EXPOSED_HEADERS });
  app.use(noStore);

  // Bodies: 1 MB of JSON in general; bulk imports (JSON or CSV) may be much larger. Content of any other
  // type is refused (415): left unparsed, it would reach the route as no body at all. Every JSON body
  // is checked for depth here, before anything recursive (class-transformer, validation) walks it.
  const json = express.json({ type: JSON_TYPES, limit: '1mb' });
  const bulkJson = express.json({ type: JSON_TYPES, limit: BULK_BODY_LIMIT });
  const csv = express.text({ type: CSV_TYPES, limit: BULK_BODY_LIMIT });
  const importTypes = [...JSON_TYPES, ...CSV_TYPES];
  app.use((req: Request, res: Response, next: NextFunction) => {
    const bulk = IMPORT_PATH.test(req.path);
    const accepted = bulk ? importTypes : JSON_TYPES;
    if (hasContent(req) && !req.is(accepted)) {
      next(unsupportedType(req, accepted));
      return;
    }
    const bufferCsv = bulk && !STREAMED_IMPORT_PATH.test(req.path);
    (bulk ? bulkJson : json)(req, res, (err?: unknown) => {
      const failure = err ?? (req.is(JSON_TYPES) ? nestingError(req.body) : null);
      if (failure) return next(failure);
      return bufferCsv ? csv(req, res, next) : next();
    });
  });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => sendProblem(res, toProblem(err)));

  app.setGlobalPrefix(API_PREFIX, { exclude: ['health', 'dashboard', 'dashboard/{*asset}'] });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemFilter());
  app.useGlobalInterceptors(new LocationInterceptor(app.get(Reflector)));

  const document = buildOpenApiDocument(app as INestApplication);
  SwaggerModule.setup('docs', app as INestApplication, document, { jsonDocumentUrl: 'docs-json' });
}
