import type { Request } from 'express';
import { API_PREFIX } from '../app.setup';
import { SignInSettings } from './sign-in.settings';

/** Where the provider sends the browser back: OIDC_REDIRECT_URI, else this request's own origin. */
export function redirectUriFor(settings: SignInSettings, request: Request): string {
  return settings.redirectUri ?? `${request.protocol}://${request.get('host')}/${API_PREFIX}/auth/callback`;
}

/** Cookies are Secure (and `__Host-`) exactly when the service is reached over https. */
export function isSecure(settings: SignInSettings, request: Request): boolean {
  return redirectUriFor(settings, request).startsWith('https:');
}
