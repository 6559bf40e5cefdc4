// A cookie-jar browser over fetch, for black-box tests of login flows without a real browser.
import { parseSetCookie } from 'cookie';

interface StoredCookie {
  name: string;
  value: string;
  host: string;
  path: string;
  expires: number | undefined;
}

export interface Page {
  url: URL;
  status: number;
  headers: Headers;
  body: string;
}

/**
 * A minimal browser for tests: a cookie jar (host and path matching, expiry; like browsers it
 * ignores ports), manual redirects, and submitting the forms of HTML pages.
 */
export class Browser {
  #cookies: StoredCookie[] = [];

  cookie(name: string, host = '127.0.0.1'): string | undefined {
    return this.#cookies.find((c) => c.name === name && c.host === host)?.value;
  }

  cookieNames(host = '127.0.0.1'): string[] {
    return this.#cookies.filter((c) => c.host === host).map((c) => c.name);
  }

  setCookie(name: string, value: string, host = '127.0.0.1', path = '/'): void {
    this.#cookies = this.#cookies.filter((c) => !(c.name === name && c.host === host && c.path === path));
    this.#cookies.push({ name, value, host, path, expires: undefined });
  }

  deleteCookie(name: string): void {
    this.#cookies = this.#cookies.filter((c) => c.name !== name);
  }

  /** One request, no redirect following. */
  async request(
    url: string | URL,
    init: { method?: string; body?: URLSearchParams; headers?: Record<string, string> } = {},
  ): Promise<Page> {
    const target = new URL(url);
    const headers = new Headers(init.headers);
    const cookie = this.#cookieHeader(target);
    if (cookie) headers.set('cookie', cookie);
    const response = await fetch(target, {
      method: init.method ?? 'GET',
      headers,
      body: init.body,
      redirect: 'manual',
    });
    for (const header of response.headers.getSetCookie()) this.#store(target, header);
    return { url: target, status: response.status, headers: response.headers, body: await response.text() };
  }

  /**
   * Requests `url` and follows redirects (as GET) until a page that is not a redirect, or until
   * `stopAt` says so for the next location (which is then returned without being requested).
   */
  async navigate(
    url: string | URL,
    init: {
      method?: string;
      body?: URLSearchParams;
      headers?: Record<string, string>;
      stopAt?: (next: URL) => boolean;
    } = {},
  ): Promise<Page & { stoppedAt?: URL }> {
    let page = await this.request(url, init);
    for (let hops = 0; hops < 20; hops++) {
      const location = page.headers.get('location');
      if (page.status < 300 || page.status >= 400 || !location) return page;
      const next = new URL(location, page.url);
      if (init.stopAt?.(next)) return { ...page, stoppedAt: next };
      const { origin: _origin, ...headers } = init.headers ?? {};
      page = await this.request(next, { headers });
    }
    throw new Error(`too many redirects from ${String(url)}`);
  }

  /** Submits the first form of `page` (or the one whose action contains `actionContains`). */
  async submit(
    page: Page,
    fields: Record<string, string>,
    options: { actionContains?: string; stopAt?: (next: URL) => boolean } = {},
  ): Promise<Page & { stoppedAt?: URL }> {
    const form = findForm(page.body, options.actionContains);
    const action = new URL(decodeEntities(form.action || page.url.href), page.url);
    const body = new URLSearchParams(form.hidden);
    for (const [name, value] of Object.entries(fields)) body.set(name, value);
    if (form.method === 'get') {
      action.search = body.toString();
      return this.navigate(action, { stopAt: options.stopAt });
    }
    // Browsers name the page a form was posted from in the Origin header.
    return this.navigate(action, {
      method: 'POST',
      body,
      headers: { origin: page.url.origin },
      stopAt: options.stopAt,
    });
  }

  #cookieHeader(url: URL): string {
    const now = Date.now();
    this.#cookies = this.#cookies.filter((c) => c.expires === undefined || c.expires > now);
    return this.#cookies
      .filter((c) => c.host === url.hostname && pathMatches(url.pathname, c.path))
      .sort((a, b) => b.path.length - a.path.length)
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  #store(url: URL, header: string): void {
    const parsed = parseSetCookie(header, { decode: (v) => v });
    const path = parsed.path?.startsWith('/') ? parsed.path : defaultPath(url.pathname);
    const host = parsed.domain ? parsed.domain.replace(/^\./, '') : url.hostname;
    let expires: number | undefined;
    if (parsed.maxAge !== undefined) expires = Date.now() + parsed.maxAge * 1000;
    else if (parsed.expires) expires = parsed.expires.getTime();
    this.#cookies = this.#cookies.filter(
      (c) => !(c.name === parsed.name && c.host === host && c.path === path),
    );
    if (expires !== undefined && expires <= Date.now()) return;
    this.#cookies.push({ name: parsed.name, value: parsed.value ?? '', host, path, expires });
  }
}

// RFC 6265 §5.1.4
function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

function defaultPath(requestPath: string): string {
  const slash = requestPath.lastIndexOf('/');
  return slash <= 0 ? '/' : requestPath.slice(0, slash);
}

interface Form {
  action: string;
  method: string;
  hidden: Record<string, string>;
}

export function findForm(html: string, actionContains?: string): Form {
  const forms = [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)];
  const match = forms.find((f) => !actionContains || attribute(f[1]!, 'action')?.includes(actionContains));
  if (!match) throw new Error(`no form found in page:\n${html.slice(0, 2000)}`);
  const hidden: Record<string, string> = {};
  for (const input of match[2]!.matchAll(/<input\b([^>]*)>/gi)) {
    const attrs = input[1]!;
    if ((attribute(attrs, 'type') ?? '').toLowerCase() !== 'hidden') continue;
    const name = attribute(attrs, 'name');
    if (name) hidden[name] = decodeEntities(attribute(attrs, 'value') ?? '');
  }
  return {
    action: attribute(match[1]!, 'action') ?? '',
    method: (attribute(match[1]!, 'method') ?? 'get').toLowerCase(),
    hidden,
  };
}

function attribute(attrs: string, name: string): string | undefined {
  const match = new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(attrs);
  return match ? (match[1] ?? match[2] ?? match[3]) : undefined;
}

function decodeEntities(value: string): string {
  return value
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
