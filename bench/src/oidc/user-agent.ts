import type { UserFixture } from '../fixture.js';
import { CookieJar } from './cookie-jar.js';
import { parseForms } from './html-form.js';
import type { HtmlForm } from './html-form.js';

export interface AuthorizationResult {
  readonly code: string;
  /** Pages the user agent filled in on the way. */
  readonly loginPages: number;
  readonly consentPages: number;
}

export interface AuthorizeOptions {
  /** The authorization request URL (OAuth 2.0 §4.1.1). */
  readonly url: string;
  /** The client's redirect_uri: reaching it ends the walk. */
  readonly redirectUri: string;
  readonly user: UserFixture;
  /** Cookies of the browser; a signed-in jar skips the login page. */
  readonly jar: CookieJar;
}

const REDIRECT = new Set([301, 302, 303, 307, 308]);
const MAX_STEPS = 16;

/**
 * Walks an authorization request the way a browser with a user would: follows redirects, signs
 * in on a page with a password field, accepts a consent page (a submit button `action=accept`),
 * until the server redirects to the client's redirect_uri with a code.
 */
export async function authorize(options: AuthorizeOptions): Promise<AuthorizationResult> {
  const { jar, user } = options;
  let loginPages = 0;
  let consentPages = 0;
  let request: { url: string; method: string; body?: string } = { url: options.url, method: 'GET' };

  for (let step = 0; step < MAX_STEPS; step++) {
    const headers: Record<string, string> = { accept: 'text/html' };
    const cookie = jar.header();
    if (cookie !== undefined) headers['cookie'] = cookie;
    if (request.body !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['origin'] = new URL(request.url).origin;
    }
    const response = await fetch(request.url, {
      method: request.method,
      headers,
      body: request.body ?? null,
      redirect: 'manual',
    });
    jar.store(response);

    if (REDIRECT.has(response.status)) {
      await response.body?.cancel();
      const location = response.headers.get('location');
      if (location === null) throw new Error(`${response.status} without Location from ${request.url}`);
      const target = new URL(location, request.url);
      if (target.href.startsWith(options.redirectUri)) {
        const code = target.searchParams.get('code');
        if (code === null) {
          const error = target.searchParams.get('error') ?? 'no code';
          throw new Error(`authorization failed: ${error} ${target.searchParams.get('error_description') ?? ''}`.trim());
        }
        return { code, loginPages, consentPages };
      }
      const keepsMethod = response.status === 307 || response.status === 308;
      request = keepsMethod ? { ...request, url: target.href } : { url: target.href, method: 'GET' };
      continue;
    }

    const html = await response.text();
    if (response.status !== 200) {
      throw new Error(`${request.method} ${request.url} answered ${response.status}: ${snippet(html)}`);
    }
    const forms = parseForms(html, request.url);
    const login = forms.find((form) => form.fields.has('password'));
    if (login !== undefined) {
      if (loginPages > 0) throw new Error('the login page came back after the password was sent');
      loginPages++;
      const identifier = ['email', 'username', 'login'].find((name) => login.fields.has(name)) ?? 'email';
      request = submit(login, { [identifier]: user.email, password: user.password });
      continue;
    }
    const consent = forms.find((form) => [...form.buttons].some(([, values]) => values.includes('accept')));
    if (consent !== undefined) {
      consentPages++;
      const [button = 'action'] = [...consent.buttons].find(([, values]) => values.includes('accept')) ?? [];
      request = submit(consent, { [button]: 'accept' });
      continue;
    }
    throw new Error(`no login or consent form at ${request.url}: ${snippet(html)}`);
  }
  throw new Error(`more than ${MAX_STEPS} steps without reaching ${options.redirectUri}`);
}

function submit(form: HtmlForm, values: Readonly<Record<string, string>>): { url: string; method: string; body?: string } {
  const params = new URLSearchParams([...form.fields]);
  for (const [name, value] of Object.entries(values)) params.set(name, value);
  if (form.method === 'get') {
    const url = new URL(form.action);
    url.search = params.toString();
    return { url: url.href, method: 'GET' };
  }
  return { url: form.action, method: 'POST', body: params.toString() };
}

/** The readable text of an HTML page (styles, scripts and tags dropped), shortened. */
function snippet(html: string): string {
  return html
    .replace(/<(style|script)\b[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 300);
}
