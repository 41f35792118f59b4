import { Global, Module } from '@nestjs/common';
import { JobQueue } from './job-queue';

/** Background work (mail delivery, deadlines, digests) on pg-boss in the service's own database. */
@Global()
@Module({ providers: [JobQueue], exports: [JobQueue] })
export class JobsModule {}
