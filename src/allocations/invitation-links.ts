import { HttpStatus, Injectable } from '@nestjs/common';
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { Clock } from '../clock/clock';
import { ProblemException } from '../common/problem';
import { AllocationsRepository } from './allocations.repository';
import { ServiceConfig } from '../config/service-config';

/** Where the answer page is served; the token rides in the fragment, which browsers never send to a server or a log. */
export const ANSWER_PAGE = '/dashboard/invitation.html';

export interface LinkClaims {
  linkId: string;
  allocationId: string;
  expiresAt: Date;
}

const b64 = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/**
 * The single-use answer links of invitation mails: `<claims>.<HMAC-SHA256>` with the link's id, its
 * allocation and its expiry, signed with a secret kept in the database (so every instance verifies
 * what any instance issued). The signature refuses forged or altered tokens before the database is
 * asked; the link's row makes it single-use.
 */
@Injectable()
export class InvitationLinks {
  private secret: Buffer | null = null;
  /** The service's address as speakers reach it (PUBLIC_URL), for the links in mails. */
  readonly baseUrl: string;

  constructor(
    private readonly allocations: AllocationsRepository,
    private readonly clock: Clock,
    config: ServiceConfig,
  ) {
    this.baseUrl = (config.mail.publicUrl?.trim() || `http://localhost:${config.http.port}`).replace(/\/+$/, '');
  }

  /** A new link for the allocation, valid until `expiresAt`, on the caller's transaction. */
  async issue(manager: EntityManager, allocationId: string, expiresAt: Date): Promise<{ token: string; url: string }> {
    const linkId = randomUUID();
    await this.allocations.insertLink(manager, { id: linkId, allocationId, expiresAt });
    const claims = b64(JSON.stringify({ l: linkId, a: allocationId, e: Math.floor(expiresAt.getTime() / 1000) }));
    const token = `${claims}.${b64(this.sign(claims, await this.key()))}`;
    return { token, url: `${this.baseUrl}${ANSWER_PAGE}#${token}` };
  }

  /** The claims of a genuine, unexpired token (400 without one, 404 for anything forged or malformed, 410 once expired). */
  async verify(token: string | undefined): Promise<LinkClaims> {
    if (!token?.trim()) {
      throw new ProblemException(HttpStatus.BAD_REQUEST, 'Send the token of the invitation link in the Invitation-Token header', [
        { field: 'Invitation-Token', message: 'is required' },
      ]);
    }
    const invalid = () => new ProblemException(HttpStatus.NOT_FOUND, 'No invitation has this link; use the link from the invitation mail');
    const [claims, signature, extra] = (token ?? '').trim().split('.');
    if (!claims || !signature || extra !== undefined || claims.length > 400) throw invalid();
    const expected = this.sign(claims, await this.key());
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
    let parsed: { l?: unknown; a?: unknown; e?: unknown };
    try {
      parsed = JSON.parse(Buffer.from(claims, 'base64url').toString('utf8'));
    } catch {
      throw invalid();
    }
    if (typeof parsed.l !== 'string' || typeof parsed.a !== 'string' || typeof parsed.e !== 'number') throw invalid();
    const expiresAt = new Date(parsed.e * 1000);
    if (expiresAt <= this.clock.now()) {
      throw new ProblemException(HttpStatus.GONE, "This invitation link has expired: the invitation's answer deadline has passed");
    }
    return { linkId: parsed.l, allocationId: parsed.a, expiresAt };
  }

  /** Uses the link up, on the caller's transaction; 409 when it was used before. */
  async consume(manager: EntityManager, claims: LinkClaims, answer: 'accepted' | 'declined'): Promise<void> {
    const used = await this.allocations.useLink(
      manager,
      { id: claims.linkId, allocationId: claims.allocationId },
      this.clock.now(),
      answer,
    );
    if (!used) throw new ProblemException(HttpStatus.CONFLICT, 'This invitation link has already been used');
  }

  /** When and how the link was used, or null while it is unused. */
  usage(claims: LinkClaims): Promise<{ usedAt: Date; answer: string } | null> {
    return this.allocations.linkUsage({ id: claims.linkId, allocationId: claims.allocationId });
  }

  private sign(claims: string, key: Buffer): Buffer {
    return createHmac('sha256', key).update(`invitation-link:${claims}`).digest();
  }

  /** Made outside any caller's transaction, so a rolled-back change never takes the secret with it. */
  private async key(): Promise<Buffer> {
    if (this.secret) return this.secret;
    this.secret = await this.allocations.linkSecret(randomBytes(32));
    return this.secret;
  }
}
