import { Logger } from '@nestjs/common';
import { startService } from './bootstrap';
import { EmbeddedPostgresError } from './database/embedded-postgres';

startService().catch((error: unknown) => {
  // A start-up failure that says what to change is shown as that sentence; anything else keeps its
  // stack, which is what a bug report needs.
  if (error instanceof EmbeddedPostgresError) new Logger('Start-up').fatal(error.message);
  else new Logger('Start-up').fatal(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
