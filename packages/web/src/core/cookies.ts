import { parse, serialize } from 'cookie';
import type { ResolvedCookieOptions } from './config.js';

/**
 * Browsers keep at least 4096 bytes per cookie, counting the name, the value and the attributes
 * (RFC 6265 §6.1); a longer value is split into `name.0`, `name.1`, ...
 */
export const MAX_COOKIE_BYTES = 4096;

export type RequestCookies = Readonly<Record<string, string | undefined>>;

export function parseCookies(header: string | undefined): RequestCookies {
  if (!header) return {};
  // The values this SDK writes are base64url; anything undecodable is kept as sent.
  return parse(header, { decode: safeDecode });
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export interface CookieWriteOptions extends Omit<ResolvedCookieOptions, 'transient'> {
  /** Absolute expiry; `undefined` for a browser-session cookie. */
  expires?: Date | undefined;
}

/**
 * The `Set-Cookie` headers this SDK wants on the current response. Every change hands the full
 * list to the adapter, which replaces what it wrote before; setting the same name twice keeps
 * only the last header, so code paths that save the session more than once stay correct.
 */
export class ResponseCookies {
  readonly #headers = new Map<string, string>();
  readonly #write: (headers: readonly string[]) => void;

  constructor(write: (headers: readonly string[]) => void) {
    this.#write = write;
  }

  set(name: string, value: string, options: CookieWriteOptions): void {
    this.#headers.set(
      name,
      serialize(name, value, {
        domain: options.domain,
        path: options.path,
        secure: options.secure,
        sameSite: options.sameSite,
        httpOnly: options.httpOnly,
        expires: options.expires,
      }),
    );
    this.#flush();
  }

  clear(name: string, options: CookieWriteOptions): void {
    this.#headers.set(
      name,
      serialize(name, '', {
        domain: options.domain,
        path: options.path,
        secure: options.secure,
        sameSite: options.sameSite,
        httpOnly: options.httpOnly,
        expires: new Date(0),
        maxAge: 0,
      }),
    );
    this.#flush();
  }

  /** Names set or cleared on this response so far. */
  names(): IterableIterator<string> {
    return this.#headers.keys();
  }

  #flush(): void {
    this.#write([...this.#headers.values()]);
  }
}

/** Reads a cookie that may have been split into chunks by {@link writeChunkedCookie}. */
export function readChunkedCookie(cookies: RequestCookies, name: string): string | undefined {
  const whole = cookies[name];
  if (whole) return whole;
  let value = '';
  for (let index = 0; ; index++) {
    const chunk = cookies[`${name}.${index}`];
    if (chunk === undefined) break;
    value += chunk;
  }
  return value || undefined;
}

/** Writes `value` as one cookie, or as chunks when too long, and clears stale chunks. */
export function writeChunkedCookie(
  response: ResponseCookies,
  request: RequestCookies,
  name: string,
  value: string,
  options: CookieWriteOptions,
): void {
  const written = new Set<string>();
  const room = MAX_COOKIE_BYTES - headerSize(`${name}.00`, options);
  if (value.length <= MAX_COOKIE_BYTES - headerSize(name, options)) {
    response.set(name, value, options);
    written.add(name);
  } else {
    for (let index = 0, offset = 0; offset < value.length; index++, offset += room) {
      const chunkName = `${name}.${index}`;
      response.set(chunkName, value.slice(offset, offset + room), options);
      written.add(chunkName);
    }
  }
  for (const stale of cookieNames(request, response, name)) {
    if (!written.has(stale)) response.clear(stale, options);
  }
}

/** Clears a cookie and all of its chunks. */
export function clearChunkedCookie(
  response: ResponseCookies,
  request: RequestCookies,
  name: string,
  options: CookieWriteOptions,
): void {
  for (const existing of cookieNames(request, response, name)) {
    response.clear(existing, options);
  }
}

function cookieNames(request: RequestCookies, response: ResponseCookies, name: string): Set<string> {
  const chunk = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:\\.\\d+)?$`);
  const names = new Set<string>();
  for (const existing of [...Object.keys(request), ...response.names()]) {
    if (chunk.test(existing)) names.add(existing);
  }
  return names;
}

function headerSize(name: string, options: CookieWriteOptions): number {
  // An expiry date always has the same length, so a fixed one measures the real header.
  return serialize(name, '', {
    domain: options.domain,
    path: options.path,
    secure: options.secure,
    sameSite: options.sameSite,
    httpOnly: options.httpOnly,
    expires: options.expires ? new Date(0) : undefined,
  }).length;
}
