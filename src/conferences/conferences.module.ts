import { Module } from '@nestjs/common';
import { ConferencesController } from './conferences.controller';
import { ConferencesRepository } from './conferences.repository';
import { ConferencesService } from './conferences.service';
import { SlotsController } from './slots.controller';
import { SlotsService } from './slots.service';

@Module({
  controllers: [ConferencesController, SlotsController],
  providers: [ConferencesRepository, ConferencesService, SlotsService],
  exports: [ConferencesService, SlotsService],
})
export class ConferencesModule {}
