import type { CookieSerializeOptions } from '@fastify/cookie';

/**
 * Cookie names and attributes. Browsers ignore ports, so an app on localhost:3000 and Latchkey on
 * localhost:4000 share one cookie jar: every name of ours starts with `latchkey.`. Over https the
 * `__Host-` prefix pins the cookie to this host and path / (RFC 6265bis §4.1.3.2).
 */
export interface CookieSettings {
  sessionName: string;
  csrfName: string;
  /** The trusted-device cookie of sign-in throttling (see SignInThrottle). */
  deviceName: string;
  options: CookieSerializeOptions;
}

export function cookieSettings(issuer: string): CookieSettings {
  const secure = new URL(issuer).protocol === 'https:';
  const prefix = secure ? '__Host-' : '';
  return {
    sessionName: `${prefix}latchkey.session`,
    csrfName: `${prefix}latchkey.csrf`,
    deviceName: `${prefix}latchkey.device`,
    options: { httpOnly: true, sameSite: 'lax', secure, path: '/' },
  };
}
