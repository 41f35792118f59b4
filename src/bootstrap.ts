import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'pino';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { createLogger, PinoNestLogger } from './common/logging';
import { ConfigError } from './config/environment';
import { loadConfig, ServiceConfig } from './config/service-config';
import { resolveDatabase } from './database/database';
import { RunningPostgres } from './database/embedded-postgres';

export interface ServiceDatabase {
  url: string;
  embedded: RunningPostgres | null;
}

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
  let config: ServiceConfig;
  try {
    // Checked before the database starts, so a mistyped setting stops the service at once, named.
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    createLogger('info').fatal(`start-up refused: ${error.message}`);
    process.exit(1);
  }
  const logger = createLogger(config.log.level);
  const { url, embedded } = database ?? (await resolveDatabase(config.database));
  let app: NestExpressApplication;
  const { port, host } = config.http;
  try {
    app = await NestFactory.create<NestExpressApplication>(AppModule.forDatabase(url), {
      bodyParser: false,
      logger: new PinoNestLogger(logger),
    });
    configureApp(app, logger);
    await app.listen(port, host);
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
