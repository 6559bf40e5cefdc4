import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { invalidRequest, OAuthError } from '../../protocol/errors.js';
import { userinfo } from '../../protocol/userinfo.js';
import type { HttpDeps } from '../deps.js';
import { sendBearerError } from '../render-errors.js';

/**
 * Reads a bearer token per RFC 6750 §2: the Authorization header, or a form body parameter.
 * The URI query parameter method is refused (RFC 9700 §2.4, OAuth 2.1 §5.2).
 */
export function readBearerToken(request: FastifyRequest): string | undefined {
  const query = request.query as Record<string, unknown> | undefined;
  if (query?.access_token !== undefined) throw invalidRequest('access tokens are not accepted in the query string');
  const header = request.headers.authorization;
  const body = request.body as Record<string, unknown> | undefined;
  const bodyToken = request.method === 'POST' && request.headers['content-type']?.startsWith('application/x-www-form-urlencoded')
    ? body?.access_token
    : undefined;
  if (header !== undefined) {
    if (bodyToken !== undefined) throw invalidRequest('send the access token once');
    const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
    if (!match) throw invalidRequest('malformed Authorization header');
    return match[1];
  }
  if (bodyToken === undefined) return undefined;
  if (typeof bodyToken !== 'string') throw invalidRequest('access_token is repeated or malformed');
  return bodyToken;
}

/** GET and POST /userinfo (OpenID Connect Core §5.3). */
export async function userinfoRoutes(app: FastifyInstance, { deps }: { deps: HttpDeps }) {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      const token = readBearerToken(request);
      if (token === undefined) return sendBearerError(reply, undefined);
      const claims = await userinfo(deps.ctx, token);
      return reply.header('Cache-Control', 'no-store').type('application/json').send(JSON.stringify(claims));
    } catch (error) {
      if (error instanceof OAuthError) return sendBearerError(reply, error);
      throw error;
    }
  };
  const config = { errorStyle: 'bearer' };
  app.get('/userinfo', { config }, handler);
  app.post('/userinfo', { config }, handler);
}
