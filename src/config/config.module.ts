import { Global, Module } from '@nestjs/common';
import { loadConfig, ServiceConfig } from './service-config';

/**
 * ServiceConfig for every module to inject. Read when the application is built, so a test that builds
 * an app with its own environment gets that environment's settings.
 */
@Global()
@Module({
  providers: [{ provide: ServiceConfig, useFactory: () => loadConfig() }],
  exports: [ServiceConfig],
})
export class ConfigModule {}
