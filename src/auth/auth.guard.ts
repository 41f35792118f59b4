import {
  CanActivate, ExecutionContext, ForbiddenException, HttpException, HttpStatus, Injectable, UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { Role } from '../common/enums';
import { Actor, PUBLIC_KEY, ROLES_KEY } from './actor';
import { AuthFailureLimiter } from './auth-failures';
import { UsersService } from './users.service';

/** Deny by default: every route names its roles (or is explicitly public). */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly limiter = new AuthFailureLimiter();

  constructor(
    private readonly reflector: Reflector,
    private readonly users: UsersService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;

    const request = context.switchToHttp().getRequest<Request & { actor?: Actor }>();
    const client = request.ip ?? request.socket.remoteAddress ?? 'unknown';
    const wait = this.limiter.blockedFor(client);
    if (wait > 0) {
      context.switchToHttp().getResponse().setHeader('Retry-After', String(wait));
      throw new HttpException({ detail: `Too many failed authentications; retry in ${wait} s` }, HttpStatus.TOO_MANY_REQUESTS);
    }
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S{1,200})\s*$/i.exec(header);
    if (!match) {
      this.limiter.fail(client);
      throw new UnauthorizedException({ detail: 'A bearer token is required' });
    }
    const user = await this.users.findByToken(match[1]);
    if (!user) {
      this.limiter.fail(client);
      throw new UnauthorizedException({ detail: 'The bearer token is not valid' });
    }
    request.actor = { id: user.id, name: user.name, roles: user.roles, requestId: String(request.id ?? '') };

    const allowed = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets);
    if (!allowed || !allowed.some((role) => user.roles.includes(role))) {
      throw new ForbiddenException({ detail: 'Your role does not allow this' });
    }
    return true;
  }
}
