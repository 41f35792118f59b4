import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  HttpException,
  HttpStatus,
  Injectable,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { Role } from '../common/enums';
import { Actor, PUBLIC_KEY, ROLES_KEY } from './actor';
import { ServiceConfig } from '../config/service-config';
import { AuthFailureLimiter, FailedAuthentication } from './auth-failures';
import { readNamedCookie, SESSION_COOKIE } from './cookies';
import { IdentitiesService } from './identities.service';
import { IdentityProvider, IdentityRefused, ProviderUnavailable } from './identity-provider';
import { csrfTokenMatches } from './session-secrets';
import { SessionsService } from './sessions.service';
import { isSecure } from './sign-in.context';
import { hashToken } from './tokens';
import { User } from './user.entity';
import { UsersService } from './users.service';

/** A JWT: three base64url parts. Service tokens (sa_..., ADMIN_TOKEN) are looked up first in any case. */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const SAFE_METHODS = ['GET', 'HEAD', 'OPTIONS'];

type Refusal = { credential: string; known: boolean; detail: string };

/**
 * Deny by default: every route names its roles (or is explicitly public). Three credentials, tried in
 * this order: a service token (Authorization: Bearer, looked up by hash; never needs the identity
 * provider), a bearer access token issued by the identity provider (a JWT checked against its keys),
 * and the session cookie of a browser signed in through the provider (writes also need X-CSRF-Token).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly limiter: AuthFailureLimiter;

  constructor(
    private readonly reflector: Reflector,
    private readonly users: UsersService,
    private readonly provider: IdentityProvider,
    private readonly identities: IdentitiesService,
    private readonly sessions: SessionsService,
    config: ServiceConfig,
  ) {
    // AUTH_MAX_FAILURES within AUTH_FAILURE_WINDOW_MS, checked at start-up with the other settings.
    this.limiter = new AuthFailureLimiter(config.auth.maxFailures, config.auth.failureWindowMs);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;

    const request = context.switchToHttp().getRequest<Request & { actor?: Actor }>();
    const response = context.switchToHttp().getResponse<Response>();
    const found = await this.authenticate(request);
    if ('detail' in found) {
      const attempt: FailedAuthentication = {
        address: request.ip ?? request.socket.remoteAddress ?? 'unknown',
        credential: found.credential,
        known: found.known,
      };
      const wait = this.limiter.blockedFor(attempt);
      if (wait > 0) {
        response.setHeader('Retry-After', String(wait));
        throw new HttpException({ detail: `Too many failed authentications; retry in ${wait} s` }, HttpStatus.TOO_MANY_REQUESTS);
      }
      this.limiter.fail(attempt);
      throw new UnauthorizedException({ detail: found.detail });
    }
    const { user } = found;
    request.actor = { id: user.id, name: user.name, roles: user.roles, requestId: String(request.id ?? '') };

    const allowed = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets);
    if (!allowed || !allowed.some((role) => user.roles.includes(role))) {
      throw new ForbiddenException({ detail: 'Your role does not allow this' });
    }
    return true;
  }

  /** The signed-in account, or why not. Throws 503 when only the identity provider could tell, and it cannot be asked. */
  private async authenticate(request: Request): Promise<{ user: User } | Refusal> {
    const header = request.headers.authorization;
    if (header !== undefined) {
      const token = /^Bearer\s+(\S{1,4096})\s*$/i.exec(header)?.[1];
      if (!token) return { credential: 'none', known: false, detail: 'A bearer token is required' };
      return this.bearer(token);
    }
    const settings = this.provider.settings;
    const secret = settings ? readNamedCookie(request, SESSION_COOKIE, isSecure(settings, request)) : undefined;
    if (secret) return this.session(request, secret);
    return {
      credential: 'none',
      known: false,
      detail: settings ? 'Sign in (GET /api/v1/auth/login) or send a bearer token' : 'A bearer token is required',
    };
  }

  private async bearer(token: string): Promise<{ user: User } | Refusal> {
    const credential = hashToken(token);
    // Service tokens stay at most 200 characters (the length the service has always accepted).
    const user = token.length <= 200 ? await this.users.findByToken(token) : null;
    if (user) return user.disabled ? { credential, known: true, detail: 'This account is disabled' } : { user };
    if (!this.provider.enabled || !JWT_SHAPE.test(token)) return { credential, known: false, detail: 'The bearer token is not valid' };
    try {
      const claims = await this.provider.verifyAccessToken(token);
      const account = await this.identities.accountFor(claims);
      return account.disabled ? { credential, known: true, detail: 'This account is disabled' } : { user: account };
    } catch (error) {
      if (error instanceof IdentityRefused) return { credential, known: false, detail: error.message };
      throw unavailable(error);
    }
  }

  private async session(request: Request, secret: string): Promise<{ user: User } | Refusal> {
    const credential = hashToken(secret);
    let signedIn: Awaited<ReturnType<SessionsService['authenticate']>>;
    try {
      signedIn = await this.sessions.authenticate(secret);
    } catch (error) {
      if (error instanceof IdentityRefused) return { credential, known: true, detail: error.message };
      throw unavailable(error);
    }
    if (!signedIn) return { credential, known: false, detail: 'Your sign-in has ended; sign in again' };
    if (signedIn.user.disabled) return { credential, known: true, detail: 'This account is disabled' };
    // Another site can make the browser send the cookie, but cannot read the token the session page holds.
    if (!SAFE_METHODS.includes(request.method) && !csrfTokenMatches(secret, request.get('x-csrf-token'))) {
      throw new ForbiddenException({
        detail: 'A write with the sign-in cookie needs the X-CSRF-Token header (from GET /api/v1/auth/session)',
      });
    }
    return { user: signedIn.user };
  }
}

function unavailable(error: unknown): Error {
  if (error instanceof ProviderUnavailable) return new ServiceUnavailableException({ detail: error.message });
  return error as Error;
}
