import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AllocationsModule } from './allocations/allocations.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { ClockModule } from './clock/clock.module';
import { ChangesModule } from './changes/changes.module';
import { ConferencesModule } from './conferences/conferences.module';
import { ConfigModule } from './config/config.module';
import { ServiceConfig } from './config/service-config';
import { DashboardModule } from './dashboard/dashboard.module';
import { dataSourceOptions } from './database/data-source-options';
import { HealthModule } from './health/health.module';
import { IncidentsModule } from './incidents/incidents.module';
import { MeModule } from './me/me.module';
import { JobsModule } from './jobs/jobs.module';
import { LeadershipModule } from './leadership/leadership.module';
import { MailModule } from './mail/mail.module';
import { MembersModule } from './members/members.module';
import { MentorshipModule } from './mentorship/mentorship.module';
import { NominationsModule } from './nominations/nominations.module';
import { RankingModule } from './ranking/ranking.module';
import { ReportsModule } from './reports/reports.module';
import { SlatesModule } from './slates/slates.module';
import { SpeakersModule } from './speakers/speakers.module';
import { TalksModule } from './talks/talks.module';

@Module({})
export class AppModule {
  /** The whole service on the given database; pending migrations run before it serves anything. */
  static forDatabase(url: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule,
        TypeOrmModule.forRootAsync({
          inject: [ServiceConfig],
          useFactory: (config: ServiceConfig) => ({ ...dataSourceOptions(url, {}, config.database), migrationsRun: true }),
        }),
        ChangesModule,
        ClockModule,
        JobsModule,
        MailModule,
        AuditModule,
        AuthModule,
        HealthModule,
        MembersModule,
        ConferencesModule,
        TalksModule,
        RankingModule,
        NominationsModule,
        AllocationsModule,
        ReportsModule,
        SlatesModule,
        SpeakersModule,
        DashboardModule,
        IncidentsModule,
        MeModule,
        MentorshipModule,
        LeadershipModule,
      ],
    };
  }
}
