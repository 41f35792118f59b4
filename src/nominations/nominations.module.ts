import { Module } from '@nestjs/common';
import { NominationLifecycle } from './nomination-lifecycle';
import { NominationsController } from './nominations.controller';
import { NominationsRepository } from './nominations.repository';
import { NominationsService } from './nominations.service';

@Module({
  controllers: [NominationsController],
  providers: [NominationsService, NominationsRepository, NominationLifecycle],
  exports: [NominationsService, NominationLifecycle],
})
export class NominationsModule {}
