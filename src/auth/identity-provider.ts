import { Injectable, Logger } from '@nestjs/common';
import type * as Jose from 'jose';
import type * as OpenIdClient from 'openid-client';
import { ServiceConfig } from '../config/service-config';
import { SignInSettings } from './sign-in.settings';

/** The provider could not be reached, or answered in a way that is not an answer about this person: 503. */
export class ProviderUnavailable extends Error {}

/** The provider, or its signature, says no: the credential is not (or no longer) valid. 401. */
export class IdentityRefused extends Error {}

/** The provider's tokens for one browser session, kept sealed in its row (see SessionsService). */
export interface ProviderTokens {
  accessToken: string;
  refreshToken: string | null;
  /** Epoch seconds; null when the provider did not say. */
  expiresAt: number | null;
}

/** What the provider says about a person: the ID token's and userinfo's claims together. */
export type IdentityClaims = Record<string, unknown> & { sub: string };

export interface SignInStart {
  url: string;
  state: string;
  nonce: string;
  codeVerifier: string;
}

interface Libraries {
  oidc: typeof OpenIdClient;
  jose: typeof Jose;
}

// ESM-only packages, loaded on first use: a service without OIDC_ISSUER never loads them.
let libraries: Promise<Libraries> | undefined;
const load = (): Promise<Libraries> =>
  (libraries ??= Promise.all([import('openid-client'), import('jose')]).then(([oidc, jose]) => ({ oidc, jose })));

/** Asymmetric algorithms only: a shared-secret (HS*) token would be one the client itself could forge. */
const ACCESS_TOKEN_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
/** Seconds to wait for the provider before answering 503. */
const PROVIDER_TIMEOUT_SECONDS = 5;

/**
 * The service's side of OpenID Connect, through the maintained libraries: openid-client for the
 * authorization code flow with PKCE, the userinfo endpoint and refreshes; jose for checking bearer
 * access tokens against the provider's published keys (issuer, audience, expiry, signature).
 */
@Injectable()
export class IdentityProvider {
  private readonly logger = new Logger('Sign-in');
  readonly settings: SignInSettings | null;
  /** The last successful discovery; bearer tokens are checked against it while the provider is down. */
  private discovered: { config: OpenIdClient.Configuration; jwks: Jose.JWTVerifyGetKey } | null = null;

  constructor(config: ServiceConfig) {
    this.settings = config.oidc;
  }

  get enabled(): boolean {
    return this.settings !== null;
  }

  /**
   * The provider's metadata. `fresh`: asked again now (sign-in does, so a provider that is down answers
   * 503 at once rather than sending the browser to a dead page); otherwise the last answer is reused.
   */
  private async discover(fresh: boolean): Promise<{ config: OpenIdClient.Configuration; jwks: Jose.JWTVerifyGetKey }> {
    const settings = this.required();
    if (this.discovered && !fresh) return this.discovered;
    const { oidc, jose } = await load();
    let config: OpenIdClient.Configuration;
    try {
      config = await oidc.discovery(new URL(settings.issuer), settings.clientId, settings.clientSecret, undefined, {
        timeout: PROVIDER_TIMEOUT_SECONDS,
        execute: settings.allowInsecureRequests ? [oidc.allowInsecureRequests] : [],
      });
    } catch (error) {
      this.logger.warn(`identity provider ${settings.issuer} unreachable: ${describe(error)}`);
      throw new ProviderUnavailable('The identity provider cannot be reached; try again shortly');
    }
    const jwksUri = config.serverMetadata().jwks_uri;
    if (!jwksUri) throw new ProviderUnavailable('The identity provider publishes no signing keys (jwks_uri)');
    const sameKeys = this.discovered?.config.serverMetadata().jwks_uri === jwksUri;
    const jwks = sameKeys
      ? this.discovered!.jwks
      : jose.createRemoteJWKSet(new URL(jwksUri), {
          timeoutDuration: PROVIDER_TIMEOUT_SECONDS * 1000,
          // Keys are cached, so tokens are checked without the provider; an unknown key id refetches.
          cooldownDuration: 30_000,
          cacheMaxAge: 10 * 60_000,
        });
    this.discovered = { config, jwks };
    return this.discovered;
  }

  /** The authorization request: PKCE (S256) challenge, state and nonce, all random per attempt. */
  async startSignIn(redirectUri: string): Promise<SignInStart> {
    const settings = this.required();
    const { config } = await this.discover(true);
    const { oidc } = await load();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: settings.scopes,
      response_type: 'code',
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url: url.href, state, nonce, codeVerifier };
  }

  /**
   * The provider's answer at the callback: the code exchanged (with the PKCE verifier; state, nonce
   * and the ID token checked by openid-client), then userinfo read, where providers put groups.
   */
  async finishSignIn(
    callbackUrl: URL,
    attempt: { state: string; nonce: string; codeVerifier: string },
  ): Promise<{ claims: IdentityClaims; tokens: ProviderTokens }> {
    const { config } = await this.discover(false);
    const { oidc } = await load();
    let response: Awaited<ReturnType<typeof OpenIdClient.authorizationCodeGrant>>;
    try {
      response = await oidc.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: attempt.codeVerifier,
        expectedState: attempt.state,
        expectedNonce: attempt.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      throw this.classify(error, 'The identity provider did not complete the sign-in');
    }
    const idClaims = response.claims();
    if (!idClaims) throw new IdentityRefused('The identity provider sent no ID token');
    const tokens = providerTokens(response);
    const userinfo = await this.userinfo(config, tokens.accessToken, idClaims.sub);
    return { claims: { ...idClaims, ...userinfo, sub: idClaims.sub }, tokens };
  }

  /**
   * What the provider says about the person now: userinfo with the session's access token, refreshed
   * first when it has expired. Answers the tokens to keep (new ones after a refresh).
   */
  async currentClaims(tokens: ProviderTokens, subject: string): Promise<{ claims: IdentityClaims; tokens: ProviderTokens }> {
    const { config } = await this.discover(false);
    const { oidc } = await load();
    let current = tokens;
    if (current.expiresAt !== null && current.expiresAt - 10 <= Date.now() / 1000) {
      if (!current.refreshToken) throw new IdentityRefused('The sign-in has expired; sign in again');
      try {
        const refreshed = await oidc.refreshTokenGrant(config, current.refreshToken);
        current = { ...providerTokens(refreshed), refreshToken: refreshed.refresh_token ?? current.refreshToken };
      } catch (error) {
        throw this.classify(error, 'The identity provider ended the sign-in; sign in again');
      }
    }
    return { claims: await this.userinfo(config, current.accessToken, subject), tokens: current };
  }

  /** A bearer access token issued by the provider for this service: signature, issuer, audience, expiry. */
  async verifyAccessToken(token: string): Promise<IdentityClaims> {
    const settings = this.required();
    const { config, jwks } = await this.discover(false);
    const { jose } = await load();
    try {
      const { payload } = await jose.jwtVerify(token, jwks, {
        issuer: config.serverMetadata().issuer,
        audience: settings.audience,
        algorithms: ACCESS_TOKEN_ALGORITHMS,
        requiredClaims: ['sub', 'exp'],
      });
      return payload as IdentityClaims;
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      // A key set that cannot be fetched says nothing about the token; anything else jose says is about the token.
      if (!code.startsWith('ERR_J') || code === 'ERR_JWKS_TIMEOUT' || code === 'ERR_JWKS_INVALID') {
        this.logger.warn(`identity provider keys unavailable: ${describe(error)}`);
        throw new ProviderUnavailable("The identity provider's signing keys cannot be fetched; try again shortly");
      }
      if (code === 'ERR_JWT_EXPIRED') throw new IdentityRefused('The access token has expired');
      if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') {
        const claim = (error as { claim?: string }).claim;
        throw new IdentityRefused(
          claim === 'aud'
            ? 'The access token is not meant for this service'
            : claim === 'iss'
              ? 'The access token is not from the configured identity provider'
              : 'The access token is not valid',
        );
      }
      throw new IdentityRefused('The access token is not valid');
    }
  }

  private async userinfo(config: OpenIdClient.Configuration, accessToken: string, subject: string): Promise<IdentityClaims> {
    const { oidc } = await load();
    try {
      const claims = await oidc.fetchUserInfo(config, accessToken, subject);
      return { ...claims, sub: subject } as IdentityClaims;
    } catch (error) {
      throw this.classify(error, 'The identity provider no longer accepts this sign-in; sign in again');
    }
  }

  /**
   * openid-client's checks of an answer (an OAuth error, a failed state / nonce / signature check) are
   * the provider's or the protocol's "no". A network failure, a timeout, or a provider answering 5xx or
   * not JSON is unavailability: the person may be fine, we just cannot tell now.
   */
  private classify(error: unknown, refusal: string): Error {
    const { code, status } = error as { code?: string; status?: number };
    const unreachable =
      !code?.startsWith('OAUTH_') ||
      (status !== undefined && status >= 500) ||
      code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' ||
      code === 'OAUTH_RESPONSE_IS_NOT_JSON';
    if (unreachable) {
      this.logger.warn(`identity provider unreachable: ${describe(error)}`);
      return new ProviderUnavailable('The identity provider cannot be reached; try again shortly');
    }
    this.logger.warn(`identity provider refused: ${describe(error)}`);
    return new IdentityRefused(refusal);
  }

  private required(): SignInSettings {
    if (!this.settings) throw new Error('IdentityProvider used without OIDC_ISSUER');
    return this.settings;
  }
}

function providerTokens(response: { access_token: string; refresh_token?: string; expiresIn(): number | undefined }): ProviderTokens {
  const expiresIn = response.expiresIn();
  return {
    accessToken: response.access_token,
    refreshToken: response.refresh_token ?? null,
    expiresAt: expiresIn === undefined ? null : Math.floor(Date.now() / 1000) + expiresIn,
  };
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  const code = (error as { code?: string }).code;
  return `${error.message}${code ? ` (${code})` : ''}${cause instanceof Error ? `: ${cause.message}` : ''}`;
}
