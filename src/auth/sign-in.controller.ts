import { Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiFoundResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiQuery,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import type { Request, Response } from 'express';
import { ApiPublic } from '../common/openapi';
import { badRequest, ProblemException } from '../common/problem';
import { Public } from './actor';
import { clearCookie, readNamedCookie, SESSION_COOKIE, SIGN_IN_COOKIE, writeCookie } from './cookies';
import { IdentitiesService } from './identities.service';
import { IdentityProvider, IdentityRefused, ProviderUnavailable } from './identity-provider';
import { csrfTokenFor, csrfTokenMatches } from './session-secrets';
import { SessionsService } from './sessions.service';
import { isSecure, redirectUriFor } from './sign-in.context';
import { SignInSettings } from './sign-in.settings';

const DEFAULT_RETURN = '/dashboard';

export class SignInQuery {
  @ApiPropertyOptional({ example: '/dashboard', description: 'Where to go after signing in: a path of this service' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  returnTo?: string;
}

export class SessionUserView {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: String, isArray: true, example: ['member', 'committee'] }) roles: string[];
  @ApiProperty({ nullable: true, type: String, description: 'The member record this account is linked to' }) memberId: string | null;
}

export class SessionView {
  @ApiProperty({ description: 'Whether this service signs people in through an identity provider (OIDC_ISSUER set)' })
  signInAvailable: boolean;
  @ApiProperty() signedIn: boolean;
  @ApiPropertyOptional({ type: SessionUserView }) user?: SessionUserView;
  @ApiPropertyOptional({ description: 'Send as X-CSRF-Token with every write made with the session cookie' }) csrfToken?: string;
  @ApiPropertyOptional() expiresAt?: Date;
}

/**
 * Signing in through the collaboration's identity provider (OpenID Connect, authorization code flow
 * with PKCE), for the dashboard and other browser use. The browser ends up holding an HttpOnly session
 * cookie; scripts keep using bearer tokens (the service's own, or the provider's access tokens).
 */
@ApiTags('sign-in')
@ApiPublic()
@Controller('auth')
export class SignInController {
  constructor(
    private readonly provider: IdentityProvider,
    private readonly identities: IdentitiesService,
    private readonly sessions: SessionsService,
  ) {}

  @Get('login')
  @Public()
  @ApiOperation({ summary: 'Start signing in: redirects to the identity provider (authorization code flow with PKCE)' })
  @ApiQuery({ name: 'returnTo', required: false, description: 'A path of this service to come back to (default /dashboard)' })
  @ApiFoundResponse({ description: "To the identity provider's authorization endpoint; sets a cookie binding the attempt to this browser" })
  @ApiBadRequestResponse({ description: 'returnTo is not a path of this service' })
  @ApiNotFoundResponse({ description: 'Sign-in through an identity provider is not configured here (OIDC_ISSUER unset)' })
  @ApiServiceUnavailableResponse({ description: 'The identity provider cannot be reached' })
  async login(@Query() query: SignInQuery, @Req() request: Request, @Res() response: Response): Promise<void> {
    const settings = this.configured();
    const returnTo = query.returnTo ?? DEFAULT_RETURN;
    // Only paths of this service: anything else would make the sign-in an open redirect.
    if (!/^\/(?![/\\])[\x21-\x7e]*$/.test(returnTo)) {
      throw badRequest('returnTo must be a path of this service, such as /dashboard', [
        { field: 'returnTo', message: 'must start with a single /' },
      ]);
    }
    const start = await this.guarded(() => this.provider.startSignIn(redirectUriFor(settings, request)));
    const binding = await this.sessions.saveAttempt(start, returnTo);
    writeCookie(response, SIGN_IN_COOKIE, isSecure(settings, request), binding, 10 * 60_000);
    response.setHeader('Cache-Control', 'no-store');
    response.redirect(302, start.url);
  }

  @Get('callback')
  @Public()
  @ApiOperation({
    summary: 'Where the identity provider sends the browser back: exchanges the code, links the member record, starts the session',
    description:
      "Query parameters are the provider's (code, state, iss, or error). The attempt must have been started by this " +
      'browser (its cookie) within 10 minutes and is used once.',
  })
  @ApiFoundResponse({ description: 'To the returnTo path, with the HttpOnly session cookie set' })
  @ApiBadRequestResponse({ description: 'No sign-in was started from this browser, or it expired or was already used' })
  @ApiUnauthorizedResponse({ description: 'The provider refused the sign-in, or the account is disabled' })
  @ApiNotFoundResponse({ description: 'Sign-in through an identity provider is not configured here' })
  @ApiServiceUnavailableResponse({ description: 'The identity provider cannot be reached' })
  async callback(@Req() request: Request, @Res() response: Response): Promise<void> {
    const settings = this.configured();
    const secure = isSecure(settings, request);
    const attempt = await this.sessions.takeAttempt(readNamedCookie(request, SIGN_IN_COOKIE, secure));
    clearCookie(response, SIGN_IN_COOKIE, secure);
    if (!attempt) throw badRequest('No sign-in was started from this browser, or it expired or was already used; start again');
    const redirectUri = redirectUriFor(settings, request);
    const answer = new URL(request.originalUrl, redirectUri);
    const { claims, tokens } = await this.guarded(() => this.provider.finishSignIn(answer, attempt));
    const user = await this.identities.accountFor(claims);
    if (user.disabled) throw new ProblemException(401, 'This account is disabled');
    const session = await this.sessions.create(user, tokens);
    writeCookie(response, SESSION_COOKIE, secure, session.secret, session.expiresAt.getTime() - Date.now());
    response.setHeader('Cache-Control', 'no-store');
    response.redirect(303, attempt.returnTo);
  }

  @Get('session')
  @Public()
  @ApiOperation({
    summary: "Who the browser's session cookie signs in, with the roles its groups give now, and the CSRF token for writes",
    description: 'Without a cookie (or with an ended one) answers signedIn: false. Readable only by pages of this origin.',
  })
  @ApiOkResponse({ type: SessionView })
  @ApiServiceUnavailableResponse({ description: 'The identity provider cannot be asked about the groups' })
  async session(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<SessionView> {
    response.setHeader('Cache-Control', 'no-store');
    const settings = this.provider.settings;
    const secret = settings ? readNamedCookie(request, SESSION_COOKIE, isSecure(settings, request)) : undefined;
    if (!settings || !secret) return { signInAvailable: settings !== null, signedIn: false };
    const signedIn = await this.guarded(() => this.sessions.authenticate(secret)).catch((error: unknown) => {
      if (error instanceof ProblemException && error.getStatus() === 401) return null;
      throw error;
    });
    if (!signedIn || signedIn.user.disabled) return { signInAvailable: true, signedIn: false };
    const { user } = signedIn;
    return {
      signInAvailable: true,
      signedIn: true,
      user: { id: user.id, name: user.name, roles: user.roles, memberId: user.memberId ?? null },
      csrfToken: csrfTokenFor(secret),
      expiresAt: signedIn.expiresAt,
    };
  }

  @Post('logout')
  @Public()
  @HttpCode(204)
  @ApiOperation({ summary: 'Sign out: ends the session and clears its cookie (send X-CSRF-Token)' })
  @ApiNoContentResponse({ description: 'Signed out (also when there was no session)' })
  @ApiForbiddenResponse({ description: 'The session cookie came without its X-CSRF-Token' })
  async logout(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<void> {
    const settings = this.provider.settings;
    if (!settings) return;
    const secure = isSecure(settings, request);
    const secret = readNamedCookie(request, SESSION_COOKIE, secure);
    if (!secret) return;
    if (!csrfTokenMatches(secret, request.get('x-csrf-token'))) {
      throw new ProblemException(403, 'Signing out with the session cookie needs the X-CSRF-Token header (from GET /api/v1/auth/session)');
    }
    await this.sessions.end(secret, 'sign-out');
    clearCookie(response, SESSION_COOKIE, secure);
  }

  private configured(): SignInSettings {
    if (!this.provider.settings) {
      // Not a fault of the moment (503) but a door this deployment does not have.
      throw new ProblemException(
        404,
        'Sign-in through an identity provider is not configured here (OIDC_ISSUER is unset); use a bearer token',
      );
    }
    return this.provider.settings;
  }

  /** The provider's refusals are 401, its absence 503, both as problem+json. */
  private async guarded<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof ProviderUnavailable) throw new ProblemException(503, error.message);
      if (error instanceof IdentityRefused) throw new ProblemException(401, error.message);
      throw error;
    }
  }
}
