import {
  CanActivate, ExecutionContext, ForbiddenException, HttpException, HttpStatus, Injectable, UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { Role } from '../common/enums';
import { Actor, PUBLIC_KEY, ROLES_KEY } from './actor';
import { AuthFailureLimiter, FailedAuthentication } from './auth-failures';
import { hashToken } from './tokens';
import { UsersService } from './users.service';

/** Deny by default: every route names its roles (or is explicitly public). */
@Injectable()
export class AuthGuard implements CanActivate {
  // Read when the app is built; a malformed AUTH_MAX_FAILURES / AUTH_FAILURE_WINDOW_MS stops the start.
  private readonly limiter = AuthFailureLimiter.fromEnvironment();

  constructor(
    private readonly reflector: Reflector,
    private readonly users: UsersService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;

    const request = context.switchToHttp().getRequest<Request & { actor?: Actor }>();
    const address = request.ip ?? request.socket.remoteAddress ?? 'unknown';
    const header = request.headers.authorization ?? '';
    const token = /^Bearer\s+(\S{1,200})\s*$/i.exec(header)?.[1];
    // Looked up before the limiter is asked: a valid token passes however many others failed from its address.
    const user = token ? await this.users.findByToken(token) : null;
    if (!user || user.disabled) {
      const attempt: FailedAuthentication = { address, credential: token ? hashToken(token) : 'none', known: user !== null };
      const wait = this.limiter.blockedFor(attempt);
      if (wait > 0) {
        context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(wait));
        throw new HttpException({ detail: `Too many failed authentications; retry in ${wait} s` }, HttpStatus.TOO_MANY_REQUESTS);
      }
      this.limiter.fail(attempt);
      throw new UnauthorizedException({
        detail: !token ? 'A bearer token is required' : user ? 'This account is disabled' : 'The bearer token is not valid',
      });
    }
    request.actor = { id: user.id, name: user.name, roles: user.roles, requestId: String(request.id ?? '') };

    const allowed = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets);
    if (!allowed || !allowed.some((role) => user.roles.includes(role))) {
      throw new ForbiddenException({ detail: 'Your role does not allow this' });
    }
    return true;
  }
}
