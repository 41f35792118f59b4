import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from './auth.guard';
import { AuthRepository } from './auth.repository';
import { IdentitiesService } from './identities.service';
import { IdentityProvider } from './identity-provider';
import { SessionsService } from './sessions.service';
import { SignInController } from './sign-in.controller';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

@Global()
@Module({
  controllers: [UsersController, SignInController],
  providers: [
    AuthRepository,
    UsersService,
    IdentityProvider,
    IdentitiesService,
    SessionsService,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [UsersService],
})
export class AuthModule {}
