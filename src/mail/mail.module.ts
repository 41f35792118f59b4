import { Global, Module } from '@nestjs/common';
import { MailDelivery } from './mail-delivery';
import { MailTransport } from './mail-transport';
import { OutboxController } from './outbox.controller';
import { OutboxRepository } from './outbox.repository';
import { Outbox } from './outbox.service';

/** The outbox every mail is written to, its delivery over SMTP, and the admin's view of it. */
@Global()
@Module({
  controllers: [OutboxController],
  providers: [OutboxRepository, MailTransport, Outbox, MailDelivery],
  exports: [Outbox, MailTransport],
})
export class MailModule {}
