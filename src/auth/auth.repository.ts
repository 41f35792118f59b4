// The auth feature's SQL: accounts (app_user, through its entity where it has one), the accounts of
// the identity provider and their member links, sign-in attempts and browser sessions. Writes run on
// the caller's transaction where one is given.
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Role } from '../common/enums';
import { Actor } from './actor';
import { User } from './user.entity';

/** An admin who can sign in: enabled and holding a token. */
const ACTIVE_ADMIN = `'admin' = ANY (roles) AND NOT disabled AND token_hash IS NOT NULL`;

const USER_COLUMNS = `id, name, email, roles, disabled, from_admin_token AS "fromAdminToken", member_id AS "memberId",
  identity_issuer AS "identityIssuer", identity_subject AS "identitySubject", created_at AS "createdAt"`;

/** What a sign-in's callback needs of the attempt that started it. */
export interface SignInAttempt {
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
}

export interface SessionRow {
  id: string;
  userId: string;
  providerTokens: Buffer;
  expiresAt: Date;
  stale: boolean;
  subject: string | null;
}

@Injectable()
export class AuthRepository {
  constructor(private readonly dataSource: DataSource) {}

  // Accounts

  async userByTokenHash(tokenHash: string, manager: EntityManager = this.dataSource.manager): Promise<User | null> {
    return manager.getRepository(User).findOne({ where: { tokenHash } });
  }

  async user(id: string, manager: EntityManager = this.dataSource.manager): Promise<User | null> {
    return manager.getRepository(User).findOne({ where: { id } });
  }

  /** The account, its row locked for the rest of the transaction; null when there is none. */
  async lockedUser(manager: EntityManager, id: string): Promise<User | null> {
    return manager.getRepository(User).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** Oldest first. */
  async usersPage(limit: number, offset: number): Promise<[User[], number]> {
    return this.dataSource.getRepository(User).findAndCount({ order: { createdAt: 'ASC' }, take: limit, skip: offset });
  }

  async insertUser(manager: EntityManager, fields: Partial<User>): Promise<User> {
    const repo = manager.getRepository(User);
    return repo.save(repo.create(fields));
  }

  async updateUser(manager: EntityManager, id: string, change: Partial<User>): Promise<void> {
    await manager.getRepository(User).update(id, change);
  }

  /**
   * Start-ups and changes that may take an admin away wait for each other (until their transactions
   * end), so two of them cannot each see another admin left and together leave none.
   */
  async queueAdminSetChange(manager: EntityManager): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('bootstrap-admin'))`);
  }

  /** How many admins other than `id` can sign in. */
  async otherActiveAdmins(manager: EntityManager, id: string): Promise<number> {
    const [{ others }] = await manager.query(`SELECT count(*)::int AS others FROM app_user WHERE ${ACTIVE_ADMIN} AND id <> $1`, [id]);
    return others;
  }

  async anyActiveAdmin(manager: EntityManager): Promise<boolean> {
    return (await manager.query(`SELECT 1 FROM app_user WHERE ${ACTIVE_ADMIN} LIMIT 1`)).length > 0;
  }

  /** The accounts marked as ADMIN_TOKEN's, those holding a token first, then the oldest. */
  async adminTokenAccounts(manager: EntityManager): Promise<Array<{ id: string; disabled: boolean; hasToken: boolean }>> {
    return manager.query(
      `SELECT id, disabled, token_hash IS NOT NULL AS "hasToken" FROM app_user WHERE from_admin_token
       ORDER BY token_hash IS NULL, created_at`,
    );
  }

  /** Whether an account uses this e-mail address (given in lower case), case aside. */
  async emailInUse(manager: EntityManager, lowerCaseEmail: string): Promise<boolean> {
    return (await manager.query(`SELECT 1 FROM app_user WHERE lower(email) = $1`, [lowerCaseEmail])).length > 0;
  }

  /** Disables the account and takes its token away. */
  async retireToken(manager: EntityManager, id: string): Promise<void> {
    await manager.query(`UPDATE app_user SET disabled = true, token_hash = NULL WHERE id = $1`, [id]);
  }

  /**
   * The member, its row locked for the rest of the transaction, with the account other than `userId`
   * linked to it (null when none); null when there is no such member.
   */
  async lockedMemberLink(manager: EntityManager, memberId: string, userId: string | null): Promise<{ linkedTo: string | null } | null> {
    const [member] = await manager.query(
      `SELECT (SELECT id FROM app_user WHERE member_id = m.id AND id IS DISTINCT FROM $2::uuid) AS "linkedTo"
       FROM member m WHERE m.id = $1 FOR UPDATE OF m`,
      [memberId, userId],
    );
    return member ?? null;
  }

  // The accounts of the identity provider

  async identityAccount(issuer: string, subject: string): Promise<User | null> {
    const [known] = await this.dataSource.query<User[]>(
      `SELECT ${USER_COLUMNS} FROM app_user WHERE identity_issuer = $1 AND identity_subject = $2`,
      [issuer, subject],
    );
    return known ?? null;
  }

  /** Creates the account of (issuer, subject) unless it exists; true when this created it. */
  async insertIdentityAccount(
    manager: EntityManager,
    a: { issuer: string; subject: string; name: string; email: string },
  ): Promise<boolean> {
    const created = await manager.query<Array<{ id: string }>>(
      `INSERT INTO app_user (name, email, roles, identity_issuer, identity_subject)
       VALUES ($1, $2, '{}', $3, $4)
       ON CONFLICT (identity_issuer, identity_subject) WHERE identity_subject IS NOT NULL DO NOTHING
       RETURNING id`,
      [a.name, a.email, a.issuer, a.subject],
    );
    return created.length > 0;
  }

  /** The account of (issuer, subject), its row locked for the rest of the transaction. */
  async lockedIdentityAccount(manager: EntityManager, issuer: string, subject: string): Promise<User> {
    const [user] = await manager.query<User[]>(
      `SELECT ${USER_COLUMNS} FROM app_user WHERE identity_issuer = $1 AND identity_subject = $2 FOR UPDATE`,
      [issuer, subject],
    );
    return user;
  }

  async updateIdentityAccount(manager: EntityManager, id: string, change: { roles: Role[]; name: string; email: string }): Promise<void> {
    await manager.query(`UPDATE app_user SET roles = $2, name = $3, email = $4 WHERE id = $1`, [
      id,
      change.roles,
      change.name,
      change.email,
    ]);
  }

  /**
   * A member no account is linked to, by externalId or else by e-mail (case aside), its row locked for
   * the rest of the transaction; with what it was found by.
   */
  async unlinkedMember(
    manager: EntityManager,
    externalId: string | null,
    email: string | null,
  ): Promise<{ id: string; by: 'externalId' | 'email' } | null> {
    const [found] = await manager.query<Array<{ id: string; by: 'externalId' | 'email' }>>(
      `SELECT m.id, CASE WHEN m.external_id = $1 THEN 'externalId' ELSE 'email' END AS by
       FROM member m
       WHERE (m.external_id = $1::text OR lower(m.email) = lower($2::text))
         AND NOT EXISTS (SELECT 1 FROM app_user u WHERE u.member_id = m.id)
       ORDER BY m.external_id = $1::text DESC NULLS LAST
       LIMIT 1
       FOR UPDATE OF m`,
      [externalId, email],
    );
    return found ?? null;
  }

  async linkMember(manager: EntityManager, userId: string, memberId: string): Promise<void> {
    await manager.query(`UPDATE app_user SET member_id = $2 WHERE id = $1`, [userId, memberId]);
  }

  // Sign-in attempts and sessions

  async dropAttemptsOlderThan(minutes: number): Promise<void> {
    await this.dataSource.query(`DELETE FROM sign_in_attempt WHERE created_at < now() - make_interval(mins => $1)`, [minutes]);
  }

  async insertAttempt(bindingHash: string, a: SignInAttempt): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO sign_in_attempt (binding_hash, state, nonce, code_verifier, return_to) VALUES ($1, $2, $3, $4, $5)`,
      [bindingHash, a.state, a.nonce, a.codeVerifier, a.returnTo],
    );
  }

  /** Deletes the attempt of this binding and answers it unless it is older than `minutes`. */
  async takeAttempt(bindingHash: string, minutes: number): Promise<SignInAttempt | null> {
    const [row] = await this.dataSource.query<SignInAttempt[]>(
      `WITH taken AS (DELETE FROM sign_in_attempt WHERE binding_hash = $1 RETURNING *)
       SELECT state, nonce, code_verifier AS "codeVerifier", return_to AS "returnTo" FROM taken
       WHERE created_at >= now() - make_interval(mins => $2)`,
      [bindingHash, minutes],
    );
    return row ?? null;
  }

  async dropExpiredSessions(manager: EntityManager): Promise<void> {
    await manager.query(`DELETE FROM sign_in_session WHERE expires_at <= now()`);
  }

  /** A fresh id for a session, known before its row is written (the sealed tokens are bound to it). */
  async newSessionId(manager: EntityManager): Promise<string> {
    const [{ id }] = await manager.query<Array<{ id: string }>>(`SELECT gen_random_uuid() AS id`);
    return id;
  }

  /** A session that lasts `seconds` from now; returns when it expires. */
  async insertSession(
    manager: EntityManager,
    s: { id: string; secretHash: string; userId: string; providerTokens: Buffer; seconds: number },
  ): Promise<Date> {
    const [row] = await manager.query<Array<{ expiresAt: Date }>>(
      `INSERT INTO sign_in_session (id, secret_hash, user_id, provider_tokens, expires_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5)) RETURNING expires_at AS "expiresAt"`,
      [s.id, s.secretHash, s.userId, s.providerTokens, s.seconds],
    );
    return row.expiresAt;
  }

  /** The session of this secret's hash unless it is over; `stale` when its groups were checked `recheckSeconds` ago or longer. */
  async liveSession(secretHash: string, recheckSeconds: number): Promise<SessionRow | null> {
    const [row] = await this.dataSource.query<SessionRow[]>(
      `SELECT s.id, s.user_id AS "userId", s.provider_tokens AS "providerTokens", s.expires_at AS "expiresAt",
              s.groups_checked_at <= now() - make_interval(secs => $2) AS stale, u.identity_subject AS subject
       FROM sign_in_session s JOIN app_user u ON u.id = s.user_id
       WHERE s.secret_hash = $1 AND s.expires_at > now()`,
      [secretHash, recheckSeconds],
    );
    return row ?? null;
  }

  /** Deletes the sessions of this secret's hash; returns them with their accounts. */
  async endSessions(
    manager: EntityManager,
    secretHash: string,
  ): Promise<Array<{ id: string; userId: string; name: string; roles: Actor['roles'] }>> {
    return manager.query(
      `WITH ended AS (DELETE FROM sign_in_session WHERE secret_hash = $1 RETURNING id, user_id)
       SELECT e.id, e.user_id AS "userId", u.name, u.roles FROM ended e JOIN app_user u ON u.id = e.user_id`,
      [secretHash],
    );
  }

  /** The groups were checked now; the provider's tokens (sealed) are the ones that check gave. */
  async markGroupsChecked(sessionId: string, providerTokens: Buffer): Promise<void> {
    await this.dataSource.query(`UPDATE sign_in_session SET groups_checked_at = now(), provider_tokens = $2 WHERE id = $1`, [
      sessionId,
      providerTokens,
    ]);
  }

  /** The account a session belongs to. */
  async sessionAccount(id: string): Promise<User> {
    const [user] = await this.dataSource.query<User[]>(
      `SELECT id, name, email, roles, disabled, member_id AS "memberId", identity_subject AS "identitySubject"
       FROM app_user WHERE id = $1`,
      [id],
    );
    return user;
  }
}
