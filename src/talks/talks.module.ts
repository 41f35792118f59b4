import { Module } from '@nestjs/common';
import { TalkImportService } from './talk-import.service';
import { TalksController } from './talks.controller';
import { TalksService } from './talks.service';

@Module({
  controllers: [TalksController],
  providers: [TalksService, TalkImportService],
  exports: [TalksService],
})
export class TalksModule {}
