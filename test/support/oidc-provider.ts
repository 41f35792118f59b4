// A real OpenID Connect provider for the tests: oidc-provider (a certified implementation), in this
// process on a loopback port, with one confidential client, a few people with groups, a login page
// of its own (no development interactions), JWT access tokens for a resource indicator, and the
// means to change someone's groups or take the whole provider down and bring it back.
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, createServer as createNetServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import type ProviderClass from 'oidc-provider';

export interface IdentityPerson {
  /** The provider's subject identifier. */
  sub: string;
  username: string;
  password: string;
  name: string;
  email?: string;
  emailVerified?: boolean;
  /** The collaboration's person id (claim external_id), matched to a member's externalId. */
  externalId?: string;
  groups: string[];
}

export interface TestIdentityProviderOptions {
  people: IdentityPerson[];
  /** The service's callback URLs the client may use. */
  redirectUris: string[];
  /** The audience (resource indicator) of the JWT access tokens the provider issues for the service. */
  audience?: string;
  port?: number;
  /** The address to listen on (a container's 0.0.0.0 for local trials); the issuer stays 127.0.0.1. */
  listenHost?: string;
  /** A fixed client secret (local trials, where the service is configured ahead); random by default. */
  clientSecret?: string;
}

const CLIENT_ID = 'speaker-allocation';
const DEFAULT_AUDIENCE = 'https://speaker-allocation.test/api';

/** A free loopback port: asked of the kernel, then released for whoever binds it next. */
export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export class TestIdentityProvider {
  readonly clientId = CLIENT_ID;
  readonly clientSecret: string;
  private server: Server | null = null;
  private provider!: ProviderClass;
  private signingKey!: CryptoKey;
  private readonly people = new Map<string, IdentityPerson>();

  private constructor(
    readonly port: number,
    readonly audience: string,
    private readonly redirectUris: string[],
    private readonly listenHost: string,
    clientSecret: string | undefined,
  ) {
    this.clientSecret = clientSecret ?? randomBytes(24).toString('base64url');
  }

  static async start(options: TestIdentityProviderOptions): Promise<TestIdentityProvider> {
    const idp = new TestIdentityProvider(
      options.port ?? (await freePort()),
      options.audience ?? DEFAULT_AUDIENCE,
      options.redirectUris,
      options.listenHost ?? '127.0.0.1',
      options.clientSecret,
    );
    for (const person of options.people) idp.people.set(person.sub, { ...person, groups: [...person.groups] });
    await idp.build();
    await idp.resume();
    return idp;
  }

  get issuer(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** What the service needs to sign people in here. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      OIDC_ISSUER: this.issuer,
      OIDC_CLIENT_ID: this.clientId,
      OIDC_CLIENT_SECRET: this.clientSecret,
      OIDC_AUDIENCE: this.audience,
      ...extra,
    };
  }

  /** The person's groups from now on, as an admin of the identity provider would change them. */
  setGroups(sub: string, groups: string[]): void {
    this.person(sub).groups = [...groups];
  }

  addPerson(person: IdentityPerson): void {
    this.people.set(person.sub, { ...person, groups: [...person.groups] });
  }

  /**
   * A JWT access token for the service (its audience), issued by the provider's own token model and
   * signed with its key, carrying the person's current groups, as a script would get one.
   */
  async accessToken(sub: string, options: { audience?: string; expiresIn?: number } = {}): Promise<string> {
    const person = this.person(sub);
    const client = await this.provider.Client.find(this.clientId);
    const audience = options.audience ?? this.audience;
    const resourceServer = { audience, identifier: () => audience, scope: 'api', accessTokenFormat: 'jwt' };
    const token = new this.provider.AccessToken({
      accountId: person.sub,
      client,
      scope: 'api',
      resourceServer,
      expiresIn: options.expiresIn ?? 300,
      extra: { groups: [...person.groups] },
    });
    return token.save();
  }

  /**
   * A token of the provider's shape signed as the test says: with the provider's real key (to make
   * one that has already expired), or with another key under the provider's key id (a forgery).
   */
  async signedToken(claims: Record<string, unknown>, key: 'provider' | 'foreign'): Promise<string> {
    const jose = await import('jose');
    const signing = key === 'provider' ? this.signingKey : (await jose.generateKeyPair('RS256')).privateKey;
    const now = Math.floor(Date.now() / 1000);
    return new jose.SignJWT({ iss: this.issuer, aud: this.audience, iat: now, exp: now + 300, client_id: this.clientId, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'test-signing-key', typ: 'at+jwt' })
      .sign(signing);
  }

  /** The provider goes away: connections refused, as when it is down. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  /** Back on the same port, with everything it knew (sessions, grants) intact. */
  async resume(): Promise<void> {
    if (this.server) return;
    const callback = this.provider.callback();
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', this.issuer);
      const interaction = /^\/interaction\/([\w-]+)(\/login)?$/.exec(url.pathname);
      if (!interaction) {
        callback(req, res);
        return;
      }
      this.interaction(req, res, interaction[2] === '/login').catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
    });
    await new Promise<void>((resolve) => server.listen(this.port, this.listenHost, resolve));
    this.server = server;
  }

  private person(sub: string): IdentityPerson {
    const person = this.people.get(sub);
    if (!person) throw new Error(`no person ${sub} at the test identity provider`);
    return person;
  }

  private async build(): Promise<void> {
    const jose = await import('jose');
    const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
    this.signingKey = privateKey;
    const jwk = { ...(await jose.exportJWK(privateKey)), kid: 'test-signing-key', alg: 'RS256', use: 'sig' };
    // Its notices (this Node version, the in-memory store a test wants) are no test failure; keep the output clean.
    const warn = console.warn;
    console.warn = () => undefined;
    try {
      await this.construct(await import('oidc-provider'), jwk);
    } finally {
      console.warn = warn;
    }
  }

  private async construct(oidc: typeof import('oidc-provider'), jwk: Record<string, unknown>): Promise<void> {
    const Provider = oidc.default;
    const people = this.people;
    const audience = this.audience;
    this.provider = new Provider(this.issuer, {
      clients: [
        {
          client_id: this.clientId,
          client_secret: this.clientSecret,
          redirect_uris: this.redirectUris,
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_post',
        },
      ],
      jwks: { keys: [jwk] },
      cookies: { keys: [randomBytes(32).toString('hex')] },
      pkce: { required: () => true },
      features: {
        devInteractions: { enabled: false },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => undefined,
          useGrantedResource: () => false,
          getResourceServerInfo: (_ctx: unknown, indicator: string) => {
            if (indicator !== audience) throw new oidc.errors.InvalidTarget();
            return { scope: 'api', audience, accessTokenFormat: 'jwt', accessTokenTTL: 300 };
          },
        },
      },
      claims: {
        openid: ['sub'],
        profile: ['name', 'preferred_username', 'groups', 'external_id'],
        email: ['email', 'email_verified'],
      },
      findAccount: async (_ctx: unknown, sub: string) => {
        if (!people.has(sub)) return undefined;
        return {
          accountId: sub,
          // Read at every call, so a change of groups shows in the next userinfo answer.
          claims: async () => {
            const p = people.get(sub)!;
            return {
              sub,
              name: p.name,
              preferred_username: p.username,
              groups: [...p.groups],
              external_id: p.externalId,
              email: p.email,
              email_verified: p.emailVerified ?? false,
            };
          },
        };
      },
      extraTokenClaims: async (_ctx: unknown, token: { accountId?: string }) =>
        token.accountId && people.has(token.accountId) ? { groups: [...people.get(token.accountId)!.groups] } : undefined,
      issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(type: string): boolean }) =>
        client.grantTypeAllowed('refresh_token'),
      ttl: { AccessToken: 300, AuthorizationCode: 60, IdToken: 300, Interaction: 600, Session: 3600, Grant: 3600, RefreshToken: 3600 },
      interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
      renderError: async (ctx: { type: string; body: unknown }, out: unknown) => {
        ctx.type = 'json';
        ctx.body = out;
      },
    });
  }

  /** The provider's own login page: a form a browser (or the test's user agent) fills in and posts. */
  private async interaction(req: IncomingMessage, res: ServerResponse, submitted: boolean): Promise<void> {
    const details = await this.provider.interactionDetails(req, res);
    if (details.prompt.name === 'login') {
      if (!submitted) return page(res, loginForm(details.uid));
      const form = new URLSearchParams(await body(req));
      const person = [...this.people.values()].find((p) => p.username === form.get('username') && p.password === form.get('password'));
      if (!person) return page(res, loginForm(details.uid, 'Wrong username or password'));
      return this.provider.interactionFinished(req, res, { login: { accountId: person.sub } }, { mergeWithLastSubmission: false });
    }
    // The service is a first-party client: consent is implied, as in the collaboration's Keycloak.
    const grant = details.grantId
      ? (await this.provider.Grant.find(details.grantId))!
      : new this.provider.Grant({ accountId: details.session!.accountId, clientId: details.params.client_id });
    const missing = details.prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
      grant.addResourceScope(indicator, scopes.join(' '));
    await this.provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
  }
}

function loginForm(uid: string, error?: string): string {
  return `<!doctype html><html><head><title>Sign in</title></head><body>
    <h1>Collaboration sign-in</h1>${error ? `<p class="error">${error}</p>` : ''}
    <form method="post" action="/interaction/${uid}/login">
      <label>Username <input name="username" autocomplete="username"></label>
      <label>Password <input name="password" type="password" autocomplete="current-password"></label>
      <button type="submit">Sign in</button>
    </form></body></html>`;
}

function page(res: ServerResponse, html: string): void {
  res.statusCode = 200;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.end(html);
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
