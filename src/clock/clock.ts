import { Injectable } from '@nestjs/common';

/**
 * The time the service's own rules run on (respond-by deadlines, reminders, link expiry, digests).
 * One injectable clock, so a test moves time forward instead of waiting for it.
 */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
