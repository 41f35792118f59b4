import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from './actor';
import { AuthRepository, SessionRow, SignInAttempt } from './auth.repository';
import { IdentitiesService } from './identities.service';
import { IdentityProvider, IdentityRefused, ProviderTokens, SignInStart } from './identity-provider';
import { newSessionSecret, openForSession, sealForSession, secretHash } from './session-secrets';
import { User } from './user.entity';

/** A sign-in attempt left unfinished this long is dropped: the provider's codes live far shorter. */
const ATTEMPT_MINUTES = 10;

/**
 * Browser sessions after a sign-in through the identity provider, and the sign-in attempts before
 * them. The session's roles are re-read from the provider (userinfo) when older than
 * OIDC_GROUPS_RECHECK_SECONDS (default: at every request), so a change of groups there shows at the
 * next request here; requests of one session arriving together share one such call.
 */
@Injectable()
export class SessionsService {
  private readonly rechecks = new Map<string, Promise<User>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly sessions: AuthRepository,
    private readonly audit: AuditService,
    private readonly provider: IdentityProvider,
    private readonly identities: IdentitiesService,
  ) {}

  /** Keeps what the callback needs, found again by the hash of the browser's binding cookie. Returns that cookie's value. */
  async saveAttempt(start: SignInStart, returnTo: string): Promise<string> {
    const binding = newSessionSecret();
    await this.sessions.dropAttemptsOlderThan(ATTEMPT_MINUTES);
    await this.sessions.insertAttempt(secretHash(binding), {
      state: start.state,
      nonce: start.nonce,
      codeVerifier: start.codeVerifier,
      returnTo,
    });
    return binding;
  }

  /** The attempt this browser started, used once: a second callback with the same cookie finds nothing. */
  async takeAttempt(binding: string | undefined): Promise<SignInAttempt | null> {
    if (!binding) return null;
    return this.sessions.takeAttempt(secretHash(binding), ATTEMPT_MINUTES);
  }

  /** A new session for the account; answers the secret for the cookie (only its hash is stored). */
  async create(user: User, tokens: ProviderTokens): Promise<{ secret: string; expiresAt: Date }> {
    const secret = newSessionSecret();
    const seconds = this.provider.settings!.sessionSeconds;
    return this.dataSource.transaction(async (manager) => {
      await this.sessions.dropExpiredSessions(manager);
      const id = await this.sessions.newSessionId(manager);
      const expiresAt = await this.sessions.insertSession(manager, {
        id,
        secretHash: secretHash(secret),
        userId: user.id,
        providerTokens: sealForSession(secret, id, tokens),
        seconds,
      });
      await this.audit.record(manager, actorOf(user), {
        action: 'session.create',
        entity: 'session',
        entityId: id,
        after: { userId: user.id, expiresAt },
      });
      return { secret, expiresAt };
    });
  }

  /**
   * The account signed in with this secret, its roles current with the provider's groups; null when
   * the secret is unknown or the session is over. Throws IdentityRefused when the provider has ended
   * the sign-in (the session is then ended here too), ProviderUnavailable when it cannot be asked.
   */
  async authenticate(secret: string): Promise<{ user: User; sessionId: string; expiresAt: Date } | null> {
    const hash = secretHash(secret);
    const recheck = this.provider.settings!.groupsRecheckSeconds;
    const row = await this.sessions.liveSession(hash, recheck);
    if (!row) return null;
    const user = row.stale ? await this.recheck(hash, secret, row) : await this.sessions.sessionAccount(row.userId);
    return { user, sessionId: row.id, expiresAt: row.expiresAt };
  }

  /** Ends the session of this secret, if any; a sign-out is the person's own act, an end by the provider nobody's. */
  async end(secret: string, reason: 'sign-out' | 'ended-by-provider'): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const ended = await this.sessions.endSessions(manager, secretHash(secret));
      for (const session of ended) {
        const actor = reason === 'sign-out' ? { id: session.userId, name: session.name, roles: session.roles } : null;
        await this.audit.record(manager, actor, {
          action: 'session.end',
          entity: 'session',
          entityId: session.id,
          after: { userId: session.userId, reason },
        });
      }
    });
  }

  private recheck(hash: string, secret: string, row: SessionRow): Promise<User> {
    const running = this.rechecks.get(hash);
    if (running) return running;
    const work = (async () => {
      if (!row.subject) throw new IdentityRefused('This session belongs to no identity; sign in again');
      const tokens = openForSession<ProviderTokens>(secret, row.id, row.providerTokens);
      let current: Awaited<ReturnType<IdentityProvider['currentClaims']>>;
      try {
        current = await this.provider.currentClaims(tokens, row.subject);
      } catch (error) {
        if (error instanceof IdentityRefused) await this.end(secret, 'ended-by-provider');
        throw error;
      }
      const user = await this.identities.accountFor(current.claims);
      await this.sessions.markGroupsChecked(row.id, sealForSession(secret, row.id, current.tokens));
      return user;
    })().finally(() => this.rechecks.delete(hash));
    this.rechecks.set(hash, work);
    return work;
  }
}

function actorOf(user: User): Actor {
  return { id: user.id, name: user.name, roles: user.roles };
}
