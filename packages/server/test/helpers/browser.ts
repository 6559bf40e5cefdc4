import { createHash, randomBytes } from 'node:crypto';

/**
 * A minimal browser for black-box tests: a cookie jar (by name; the tests use one host), no
 * automatic redirects, and helpers to read and submit the server's forms.
 */
export class Browser {
  readonly cookies = new Map<string, string>();

  async request(url: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { ...init.headers };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(url, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attributes.some((a) => /max-age=0|expires=thu, 01 jan 1970/i.test(a.trim()));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, location: response.headers.get('location') ?? undefined };
  }

  get(url: string) {
    return this.request(url);
  }

  post(url: string, form: Record<string, string>, headers: Record<string, string> = {}) {
    return this.request(url, { form, headers });
  }
}

/** The hidden inputs and action of the first form on a page. */
export function readForm(html: string): { action: string; fields: Record<string, string> } {
  const action = /<form[^>]*action="([^"]*)"/.exec(html)?.[1] ?? '';
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[match[1]!] = decodeEntities(match[2]!);
  }
  return { action: decodeEntities(action), fields };
}

function decodeEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export interface SignInOptions {
  email: string;
  password: string;
  consent?: 'accept' | 'deny';
}

/**
 * Runs /authorize in the browser through the login (and consent) pages, and returns the final
 * redirect to the client (the Location header) or the last response if none.
 */
export async function authorizeInBrowser(
  browser: Browser,
  issuer: string,
  params: Record<string, string>,
  signIn?: SignInOptions,
) {
  let response = await browser.get(`${issuer}authorize?${new URLSearchParams(params)}`);
  const origin = new URL(issuer).origin;
  for (let steps = 0; steps < 5; steps++) {
    const location = response.location;
    if (!location || !location.startsWith(issuer)) return response;
    const page = await browser.get(location);
    if (location.includes('/u/login')) {
      if (!signIn) return page;
      const { action, fields } = readForm(page.text);
      response = await browser.post(new URL(action, issuer).href, { ...fields, email: signIn.email, password: signIn.password, action: 'login' }, { origin });
    } else if (location.includes('/u/consent')) {
      const { action, fields } = readForm(page.text);
      response = await browser.post(new URL(action, issuer).href, { ...fields, action: signIn?.consent ?? 'accept' }, { origin });
    } else {
      return page;
    }
  }
  return response;
}
