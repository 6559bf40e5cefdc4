import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RateLimit, RateLimiter } from '../limits/rate-limiter.js';
import { OAuthError } from '../protocol/errors.js';
import { ipBucket } from '../protocol/authorization/sign-in-throttle.js';
import { sendJsonError } from './render-errors.js';

/** The endpoints where clients authenticate and present codes and tokens. */
const GUARDED = new Set(['/oauth/token', '/token', '/oauth/revoke', '/oauth/introspect']);

/** Failed requests (invalid_client, invalid_grant) tolerated per client and address before 429. */
export const DEFAULT_CLIENT_FAILURE_LIMIT: RateLimit = { limit: 30, window: 60 };

/**
 * Repeated bad secrets, codes or refresh tokens from one address for one client_id are answered
 * with 429 for a while (ASVS 6.3.1, 2.4.1; RFC 9700 §4.15 on guessing). Counted per client and
 * address together: a client that fails from one address never locks out the same client
 * elsewhere, nor other clients behind the same address. Secrets, codes and refresh tokens are
 * 256-bit random values, so this bounds noise and load rather than making guessing possible.
 */
export class ClientFailureThrottle {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly limit: RateLimit = DEFAULT_CLIENT_FAILURE_LIMIT,
  ) {}

  /** Seconds to wait, or 0 when the request may go ahead. */
  async retryAfter(ip: string, clientId: string): Promise<number> {
    const state = await this.limiter.peek(this.key(ip, clientId), this.limit);
    return state.allowed ? 0 : state.retryAfter;
  }

  async failed(ip: string, clientId: string): Promise<void> {
    await this.limiter.hit(this.key(ip, clientId), this.limit);
  }

  private key(ip: string, clientId: string): string {
    const client = createHash('sha256').update(clientId).digest('base64url').slice(0, 22);
    return `client-failure:${ipBucket(ip)}:${client}:${this.limit.window}`;
  }
}

/** The client_id a request names, authenticated or not: from Basic credentials or the body. */
function claimedClientId(request: FastifyRequest): string {
  const match = /^Basic +([A-Za-z0-9+/=]+)\s*$/i.exec(request.headers.authorization ?? '');
  if (match) {
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    return decoded.slice(0, Math.max(0, decoded.indexOf(':')));
  }
  const body = request.body as Record<string, unknown> | undefined;
  return typeof body?.client_id === 'string' ? body.client_id : '';
}

const isGuarded = (request: FastifyRequest) => request.method === 'POST' && GUARDED.has(request.routeOptions.url ?? '');

/** Hooks the throttle onto the guarded endpoints: refuse before the handler, count failures after. */
export async function addClientFailureThrottle(app: FastifyInstance, throttle: ClientFailureThrottle): Promise<void> {
  app.addHook('preHandler', async (request, reply) => {
    if (!isGuarded(request)) return undefined;
    const wait = await throttle.retryAfter(request.ip, claimedClientId(request));
    if (wait === 0) return undefined;
    reply.header('Retry-After', String(wait));
    return sendJsonError(reply, new OAuthError('temporarily_unavailable', `too many failed requests for this client; retry in ${wait} s`, { status: 429 }));
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (!isGuarded(request)) return payload;
    const failed = reply.statusCode === 401 || (reply.statusCode === 400 && typeof payload === 'string' && payload.includes('"error":"invalid_grant"'));
    if (failed) await throttle.failed(request.ip, claimedClientId(request));
    return payload;
  });
}
