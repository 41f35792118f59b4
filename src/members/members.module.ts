import { Module } from '@nestjs/common';
import { CareerStagesInForce } from './career-stages-in-force';
import { InstitutesController } from './institutes.controller';
import { InstitutesService } from './institutes.service';
import { MembersController } from './members.controller';
import { MembersRepository } from './members.repository';
import { MembersService } from './members.service';
import { RegionsController } from './regions.controller';
import { RegionsService } from './regions.service';

@Module({
  controllers: [RegionsController, InstitutesController, MembersController],
  providers: [MembersRepository, RegionsService, InstitutesService, MembersService, CareerStagesInForce],
  exports: [MembersService, InstitutesService, RegionsService],
})
export class MembersModule {}
