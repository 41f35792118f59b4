import { Module } from '@nestjs/common';
import { NominationLifecycle } from './nomination-lifecycle';
import { NominationsController } from './nominations.controller';
import { NominationsService } from './nominations.service';

@Module({
  controllers: [NominationsController],
  providers: [NominationsService, NominationLifecycle],
  exports: [NominationsService, NominationLifecycle],
})
export class NominationsModule {}
