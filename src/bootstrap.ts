import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'pino';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { authFailureSettings } from './auth/auth-failures';
import { createLogger, PinoNestLogger } from './common/logging';
import { resolveDatabase } from './database/database';
import { RunningPostgres } from './database/embedded-postgres';

export interface ServiceDatabase { url: string; embedded: RunningPostgres | null }

export interface RunningService {
  app: NestExpressApplication;
  port: number;
  logger: Logger;
}

/**
 * The service as `npm start` runs it (also used by `npm run demo`): on the given database, or the
 * one the environment names; a failed start exits the process, SIGTERM/SIGINT shut down cleanly.
 */
export async function startService(database?: ServiceDatabase): Promise<RunningService> {
  const logger = createLogger();
  try {
    // Checked before the database starts, so a mistyped setting stops the service at once, named.
    authFailureSettings(process.env);
  } catch (error) {
    logger.fatal(`start-up refused: ${(error as Error).message}`);
    process.exit(1);
  }
  const { url, embedded } = database ?? (await resolveDatabase());
  let app: NestExpressApplication;
  const port = Number(process.env.PORT ?? 3000);
  try {
    app = await NestFactory.create<NestExpressApplication>(AppModule.forDatabase(url), {
      bodyParser: false,
      logger: new PinoNestLogger(logger),
    });
    configureApp(app, logger);
    await app.listen(port, process.env.HOST ?? '0.0.0.0');
    logger.info(`Speaker allocation service on http://localhost:${port}/api/v1 (API docs: http://localhost:${port}/docs)`);
  } catch (error) {
    logger.fatal({ err: error }, 'start-up failed');
    await embedded?.stop();
    process.exit(1);
  }

  // SIGTERM/SIGINT: stop accepting, let in-flight requests finish, then stop Postgres and exit.
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info(`${signal}: shutting down`);
    const force = setTimeout(() => process.exit(1), 20_000);
    force.unref();
    try {
      await app.close();
      await embedded?.stop();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  return { app, port, logger };
}
