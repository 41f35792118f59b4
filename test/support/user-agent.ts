// A small browser for HTTP tests: keeps cookies per host (with their paths), follows redirects one by
// one, and can submit a page's form. Enough to sign in through the identity provider as a person would.

interface StoredCookie {
  value: string;
  path: string;
  httpOnly: boolean;
}

export interface Hop {
  url: string;
  status: number;
  /** The Set-Cookie lines of the answer, as sent. */
  setCookies: string[];
  location: string | null;
}

export class UserAgent {
  private readonly jar = new Map<string, Map<string, StoredCookie>>();
  /** Every request made, in order, with its answer's status. */
  readonly hops: Hop[] = [];

  /** One request, no redirect followed; cookies sent and stored as a browser would. */
  async request(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Response> {
    const target = new URL(url);
    const headers: Record<string, string> = { ...init.headers };
    const cookies = this.cookieHeader(target);
    if (cookies) headers.cookie = cookies;
    const response = await fetch(target, { method: init.method ?? 'GET', headers, body: init.body, redirect: 'manual' });
    const setCookies = response.headers.getSetCookie();
    this.hops.push({ url: target.href, status: response.status, setCookies, location: response.headers.get('location') });
    this.store(target, setCookies);
    return response;
  }

  /**
   * Follows redirects (each hop a GET, as browsers do after 302/303) until a page that is not one, or
   * until a redirect to a URL starting with `stopBefore` (answered as that redirect, not followed).
   */
  async follow(
    url: string,
    init: { method?: string; headers?: Record<string, string>; body?: string } = {},
    stopBefore?: string,
  ): Promise<Response> {
    let response = await this.request(url, init);
    let at = url;
    for (let hops = 0; response.status >= 300 && response.status < 400; hops++) {
      if (hops > 20) throw new Error(`more than 20 redirects from ${url}`);
      const location = response.headers.get('location');
      if (!location) break;
      at = new URL(location, at).href;
      if (stopBefore && at.startsWith(stopBefore)) return response;
      await response.arrayBuffer();
      response = await this.request(at);
    }
    return response;
  }

  /** Fills in and submits the page's first form, as the person at the keyboard would. */
  async submitForm(pageUrl: string, html: string, fields: Record<string, string>, stopBefore?: string): Promise<Response> {
    const action = /<form[^>]*action="([^"]+)"/i.exec(html)?.[1];
    if (!action) throw new Error(`no form on ${pageUrl}: ${html.slice(0, 200)}`);
    return this.follow(
      new URL(action, pageUrl).href,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      },
      stopBefore,
    );
  }

  cookie(url: string, name: string): string | undefined {
    return this.jar.get(new URL(url).host)?.get(name)?.value;
  }

  setCookie(url: string, name: string, value: string): void {
    const host = new URL(url).host;
    if (!this.jar.has(host)) this.jar.set(host, new Map());
    this.jar.get(host)!.set(name, { value, path: '/', httpOnly: false });
  }

  private cookieHeader(target: URL): string {
    const cookies = this.jar.get(target.host);
    if (!cookies) return '';
    return [...cookies.entries()]
      .filter(([, c]) => target.pathname === c.path || target.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .map(([name, c]) => `${name}=${c.value}`)
      .join('; ');
  }

  private store(target: URL, setCookies: string[]): void {
    if (!this.jar.has(target.host)) this.jar.set(target.host, new Map());
    const cookies = this.jar.get(target.host)!;
    for (const line of setCookies) {
      const [pair, ...attributes] = line.split(';').map((part) => part.trim());
      const at = pair.indexOf('=');
      const name = pair.slice(0, at);
      const value = pair.slice(at + 1);
      const attr = new Map(
        attributes.map((a) => {
          const i = a.indexOf('=');
          return i < 0 ? [a.toLowerCase(), ''] : [a.slice(0, i).toLowerCase(), a.slice(i + 1)];
        }),
      );
      const expires = attr.get('expires');
      const removed = value === '' || attr.get('max-age') === '0' || (expires !== undefined && new Date(expires).getTime() <= Date.now());
      if (removed) {
        cookies.delete(name);
        continue;
      }
      cookies.set(name, { value, path: attr.get('path') || '/', httpOnly: attr.has('httponly') });
    }
  }
}

/**
 * Signs in at the service through its identity provider: the service's login, the provider's login
 * form filled in, every redirect followed back to the service. Answers the final response.
 */
export async function signIn(
  agent: UserAgent,
  serviceBase: string,
  username: string,
  password: string,
  returnTo = '/dashboard',
): Promise<Response> {
  const loginPage = await agent.follow(`${serviceBase}/api/v1/auth/login?returnTo=${encodeURIComponent(returnTo)}`);
  const html = await loginPage.text();
  if (loginPage.status !== 200 || !/<form/i.test(html)) throw new Error(`no login form: ${loginPage.status} ${html.slice(0, 300)}`);
  return agent.submitForm(agent.hops[agent.hops.length - 1].url, html, { username, password });
}
