import { Global, Module } from '@nestjs/common';
import { ChangeFeed } from './change-feed';

/** What the process knows of committed writes, for caches that must never serve a stale answer. */
@Global()
@Module({ providers: [ChangeFeed], exports: [ChangeFeed] })
export class ChangesModule {}
