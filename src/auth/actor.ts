import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Request } from 'express';
import { Role, ROLES } from '../common/enums';

/** Who is making a request: what services need for permission checks and the audit log. */
export interface Actor {
  id: string;
  name: string;
  roles: Role[];
  requestId?: string;
}

export const ROLES_KEY = 'roles';
export const PUBLIC_KEY = 'public';

/** The roles allowed on a route. A route without @Roles or @Public is refused to everybody. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
export const Public = () => SetMetadata(PUBLIC_KEY, true);
export const ANY_ROLE: Role[] = [...ROLES];

export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const request = ctx.switchToHttp().getRequest<Request & { actor?: Actor }>();
  if (!request.actor) throw new Error('CurrentActor used on a route without authentication');
  return request.actor;
});

export function hasRole(actor: Actor, ...roles: Role[]): boolean {
  return roles.some((role) => actor.roles.includes(role));
}
