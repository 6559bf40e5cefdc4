import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyServerOptions } from 'fastify';
import { destination, type DestinationStream } from 'pino';

/** `false` (no logs), `true` (info), or a level and optionally where the JSON lines go (stdout by default). */
export type LoggerSetting = boolean | { level: string; stream?: DestinationStream };

/**
 * Object paths whose values never reach a log line: credentials in headers, and any field named
 * like a secret wherever it is logged (bodies, errors, details).
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  ...['password', 'client_secret', 'code_verifier', 'refresh_token', 'access_token', 'id_token', 'token', 'cookie', 'secret', 'id_token_hint', 'logout_token']
    .flatMap((name) => [name, `*.${name}`]),
  // `code` is also an error's code (ECONNREFUSED): redacted only where it is an authorization code.
  ...['body', 'query', 'params'].map((parent) => `${parent}.code`),
];

/** Query parameters whose values are credentials, or handles to a sign-in in progress. */
const SECRET_PARAMETERS = new Set([
  'code', 'state', 'code_verifier', 'client_secret', 'password', 'access_token', 'refresh_token', 'token',
  'id_token', 'id_token_hint', 'login_hint', 'client_assertion', 'assertion', 'logout_token',
]);

/** The request URL with the values of secret query parameters replaced (`?code=[redacted]`). */
export function redactUrl(url: string): string {
  const question = url.indexOf('?');
  if (question === -1) return url;
  const query = url.slice(question + 1).split('&').map((pair) => {
    const eq = pair.indexOf('=');
    const name = eq === -1 ? pair : pair.slice(0, eq);
    let decoded = name;
    try {
      decoded = decodeURIComponent(name.replace(/\+/g, ' '));
    } catch {
      // A malformed name is kept as it came.
    }
    return eq !== -1 && SECRET_PARAMETERS.has(decoded) ? `${name}=[redacted]` : pair;
  });
  return `${url.slice(0, question)}?${query.join('&')}`;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The id of a request: the proxy's `X-Request-Id` when it looks like one, or a new UUID. */
export function requestId(request: IncomingMessage): string {
  const header = request.headers['x-request-id'];
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}

/** Fastify's logger settings: pino JSON lines, secrets redacted, requests by id. */
export function loggerOptions(setting: LoggerSetting): FastifyServerOptions['logger'] {
  if (setting === false) return false;
  const { level, stream } = setting === true ? { level: 'info', stream: undefined } : setting;
  return {
    level,
    // Asynchronous stdout: lines written while a write is in flight go out together, so a log line
    // per request does not cost a blocking write(2) each. pino flushes it when the process exits.
    stream: stream ?? destination({ dest: 1, sync: false }),
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: {
      req: (request: { method: string; url: string; ip?: string; headers?: Record<string, unknown> }) => ({
        method: request.method,
        url: redactUrl(request.url),
        ip: request.ip,
      }),
    },
  };
}
