import { Module } from '@nestjs/common';
import { TalkImportService } from './talk-import.service';
import { TalksController } from './talks.controller';
import { TalksRepository } from './talks.repository';
import { TalksService } from './talks.service';

@Module({
  controllers: [TalksController],
  providers: [TalksRepository, TalksService, TalkImportService],
  exports: [TalksService],
})
export class TalksModule {}
