// Sign-in through the collaboration's identity provider (OpenID Connect): the OIDC_* variables checked
// together (loadConfig calls signInSettings, so a wrong one stops the start, named), and the rules that
// turn a provider's groups into roles. Plain functions, no Nest, unit-tested.
import { Role, ROLES } from '../common/enums';
import { ConfigError, Environment } from '../config/environment';

/** Roles a group may grant. `member` is never granted by a group: it follows the link to a member record. */
export const GROUP_ROLES: readonly Role[] = ROLES.filter((role) => role !== 'member');

export interface SignInSettings {
  issuer: string;
  clientId: string;
  /** Absent for a public client (PKCE alone); the authorization code flow is PKCE-protected either way. */
  clientSecret: string | undefined;
  /** Group name -> roles it grants (OIDC_ROLE_MAP). */
  roleMap: ReadonlyMap<string, readonly Role[]>;
  /** Expected `aud` of bearer access tokens from the provider (OIDC_AUDIENCE, default the client id). */
  audience: string;
  /** Claim holding the groups (OIDC_GROUPS_CLAIM, default `groups`). */
  groupsClaim: string;
  /** Claim holding the collaboration's person id, matched to a member's externalId (OIDC_EXTERNAL_ID_CLAIM). */
  externalIdClaim: string;
  scopes: string;
  /** Fixed redirect URI (needed behind a proxy); otherwise derived from each login request. */
  redirectUri: string | undefined;
  /** How long a browser session lasts at most. */
  sessionSeconds: number;
  /** A browser session re-reads the groups from the provider when they are older than this (0: every request). */
  groupsRecheckSeconds: number;
  /** Plain http to the provider is allowed only on a loopback address (local trials and tests). */
  allowInsecureRequests: boolean;
}

export class SignInSettingsError extends ConfigError {}

/** The OIDC_* variables as checkedEnvironment hands them over: trimmed, blank ones left out. */
type Env = Pick<Environment, Extract<keyof Environment, `OIDC_${string}`>>;

/**
 * The sign-in settings, or null when OIDC_ISSUER is unset (the service then runs on its own tokens
 * alone, exactly as without this feature). A setting that cannot be right stops the start, named.
 */
export function signInSettings(env: Env): SignInSettings | null {
  const issuer = env.OIDC_ISSUER?.trim();
  if (!issuer) {
    const stray = (['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_ROLE_MAP'] as const).filter((name) => env[name]?.trim());
    if (stray.length) throw new SignInSettingsError(`${stray.join(', ')} set without OIDC_ISSUER: set OIDC_ISSUER too, or unset them`);
    return null;
  }
  let issuerUrl: URL;
  try {
    issuerUrl = new URL(issuer);
  } catch {
    throw new SignInSettingsError(`OIDC_ISSUER must be a URL, not "${issuer}"`);
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(issuerUrl.hostname);
  if (issuerUrl.protocol !== 'https:' && !(issuerUrl.protocol === 'http:' && loopback)) {
    throw new SignInSettingsError(`OIDC_ISSUER must use https (plain http only on localhost), not "${issuer}"`);
  }
  const clientId = env.OIDC_CLIENT_ID?.trim();
  if (!clientId) throw new SignInSettingsError('OIDC_CLIENT_ID must be set when OIDC_ISSUER is');
  const redirectUri = env.OIDC_REDIRECT_URI?.trim() || undefined;
  if (redirectUri) {
    let parsed: URL;
    try {
      parsed = new URL(redirectUri);
    } catch {
      throw new SignInSettingsError(`OIDC_REDIRECT_URI must be a URL, not "${redirectUri}"`);
    }
    if (!parsed.pathname.endsWith('/auth/callback')) {
      throw new SignInSettingsError(`OIDC_REDIRECT_URI must end in /api/v1/auth/callback, not "${redirectUri}"`);
    }
  }
  return {
    issuer,
    clientId,
    clientSecret: env.OIDC_CLIENT_SECRET?.trim() || undefined,
    roleMap: parseRoleMap(env.OIDC_ROLE_MAP ?? ''),
    audience: env.OIDC_AUDIENCE?.trim() || clientId,
    groupsClaim: env.OIDC_GROUPS_CLAIM?.trim() || 'groups',
    externalIdClaim: env.OIDC_EXTERNAL_ID_CLAIM?.trim() || 'external_id',
    scopes: env.OIDC_SCOPES?.trim() || 'openid profile email',
    redirectUri,
    sessionSeconds: seconds(env, 'OIDC_SESSION_HOURS', 8, 3600),
    groupsRecheckSeconds: seconds(env, 'OIDC_GROUPS_RECHECK_SECONDS', 0, 1),
    allowInsecureRequests: issuerUrl.protocol === 'http:',
  };
}

function seconds(env: Env, name: 'OIDC_SESSION_HOURS' | 'OIDC_GROUPS_RECHECK_SECONDS', fallback: number, unit: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback * unit;
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
    throw new SignInSettingsError(`${name} must be a whole number (default ${fallback}), not "${raw}"`);
  }
  return Number(raw) * unit;
}

/**
 * `cms-conf-committee=committee,cms-do=do-chair`: each entry grants a role to the members of a group;
 * a group may appear more than once to grant several roles. Unknown roles, `member` (which comes from
 * the member link, never from a group) and malformed entries are refused.
 */
export function parseRoleMap(text: string): ReadonlyMap<string, readonly Role[]> {
  const map = new Map<string, Role[]>();
  for (const entry of text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const match = /^([^=\s]+)\s*=\s*([a-z-]+)$/.exec(entry);
    if (!match) throw new SignInSettingsError(`OIDC_ROLE_MAP entries are group=role, not "${entry}"`);
    const [, group, role] = match;
    if (!GROUP_ROLES.includes(role as Role)) {
      throw new SignInSettingsError(`OIDC_ROLE_MAP: "${role}" is not a role a group can grant (one of ${GROUP_ROLES.join(', ')})`);
    }
    const roles = map.get(normalGroup(group)) ?? [];
    if (!roles.includes(role as Role)) roles.push(role as Role);
    map.set(normalGroup(group), roles);
  }
  return map;
}

/** Keycloak may send groups as paths (`/cms-conf-committee`); both spellings name the same group. */
function normalGroup(group: string): string {
  return group.replace(/^\/+/, '');
}

/** The groups claim as a list of names: an array of strings, or one string. Anything else is no groups. */
export function groupsOf(claims: Record<string, unknown>, claim: string): string[] {
  const value = claims[claim];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === 'string');
  return [];
}

/** The roles an identity holds: what its groups grant, and `member` when linked to a member record. */
export function rolesFor(groups: readonly string[], roleMap: ReadonlyMap<string, readonly Role[]>, linkedToMember: boolean): Role[] {
  const granted = new Set<Role>();
  for (const group of groups) for (const role of roleMap.get(normalGroup(group)) ?? []) granted.add(role);
  if (linkedToMember) granted.add('member');
  return ROLES.filter((role) => granted.has(role));
}
