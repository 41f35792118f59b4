import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Role } from '../common/enums';
import { AuthRepository } from './auth.repository';
import { IdentityClaims, IdentityProvider } from './identity-provider';
import { groupsOf, rolesFor, SignInSettings } from './sign-in.settings';
import { User } from './user.entity';

/**
 * The accounts of people who sign in through the identity provider. One account per (issuer,
 * subject), created at the first sign-in or first bearer token; linked to a member record by the
 * provider's externalId claim, else by a verified e-mail; its roles are what its groups grant now,
 * plus `member` once linked. Nothing is written unless something changed, and every change is audited.
 */
@Injectable()
export class IdentitiesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly accounts: AuthRepository,
    private readonly audit: AuditService,
    private readonly provider: IdentityProvider,
  ) {}

  private get settings(): SignInSettings {
    if (!this.provider.settings) throw new Error('IdentitiesService used without OIDC_ISSUER');
    return this.provider.settings;
  }

  /** The account these claims describe, brought up to date with them (roles from the groups claim). */
  async accountFor(claims: IdentityClaims): Promise<User> {
    const { issuer, groupsClaim, roleMap } = this.settings;
    const groups = groupsOf(claims, groupsClaim);
    const profile = profileOf(claims);
    const known = await this.accounts.identityAccount(issuer, claims.sub);
    if (known?.memberId) {
      const roles = rolesFor(groups, roleMap, true);
      if (sameRoles(roles, known.roles) && !profileChanged(known, profile)) return known;
    }
    return this.dataSource.transaction(async (manager) => {
      const user = await this.lockedAccount(manager, claims.sub, profile);
      const linked = user.memberId ? null : await this.linkMember(manager, user, claims);
      const memberId = user.memberId ?? linked?.memberId ?? null;
      const change = {
        roles: rolesFor(groups, roleMap, memberId !== null),
        name: profile.name ?? user.name,
        email: profile.email ?? user.email,
      };
      if (sameRoles(change.roles, user.roles) && change.name === user.name && change.email === user.email) {
        return { ...user, memberId };
      }
      await this.accounts.updateIdentityAccount(manager, user.id, change);
      await this.audit.record(manager, null, {
        action: 'user.identity-update',
        entity: 'user',
        entityId: user.id,
        before: { roles: user.roles, name: user.name, email: user.email },
        after: { ...change, groups },
      });
      return { ...user, ...change, memberId };
    });
  }

  /** The account, created on first sight; locked so two first requests at once make one account. */
  private async lockedAccount(manager: EntityManager, subject: string, profile: Profile): Promise<User> {
    const { issuer } = this.settings;
    const created = await this.accounts.insertIdentityAccount(manager, {
      issuer,
      subject,
      name: profile.name ?? subject,
      email: profile.email ?? '',
    });
    const user = await this.accounts.lockedIdentityAccount(manager, issuer, subject);
    if (created) {
      await this.audit.record(manager, null, {
        action: 'user.identity-create',
        entity: 'user',
        entityId: user.id,
        after: { name: user.name, email: user.email, issuer, subject },
      });
    }
    return user;
  }

  /**
   * The member record the claims name: by the externalId claim, else by an e-mail the provider says
   * it verified (an unverified address could be anybody's). A member already linked to another
   * account is left alone: an admin decides.
   */
  private async linkMember(manager: EntityManager, user: User, claims: IdentityClaims): Promise<{ memberId: string } | null> {
    const externalId = claimString(claims[this.settings.externalIdClaim]);
    const email = claims.email_verified === true ? claimString(claims.email) : undefined;
    if (!externalId && !email) return null;
    const found = await this.accounts.unlinkedMember(manager, externalId ?? null, email ?? null);
    if (!found) return null;
    await this.accounts.linkMember(manager, user.id, found.id);
    await this.audit.record(manager, null, {
      action: 'user.member-link',
      entity: 'user',
      entityId: user.id,
      after: { memberId: found.id, linkedBy: found.by },
    });
    return { memberId: found.id };
  }
}

interface Profile {
  name: string | undefined;
  email: string | undefined;
}

function profileOf(claims: IdentityClaims): Profile {
  return {
    name: claimString(claims.name) ?? claimString(claims.preferred_username),
    email: claimString(claims.email),
  };
}

function profileChanged(user: User, profile: Profile): boolean {
  return (profile.name !== undefined && profile.name !== user.name) || (profile.email !== undefined && profile.email !== user.email);
}

function claimString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, 320) : undefined;
}

function sameRoles(a: readonly Role[], b: readonly Role[]): boolean {
  return a.length === b.length && a.every((role) => b.includes(role));
}
