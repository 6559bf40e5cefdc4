import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OAuthError } from '../../protocol/errors.js';
import type { HttpDeps } from '../deps.js';
import { requestInfo } from '../request-info.js';
import { sendJsonError } from '../render-errors.js';

/**
 * POST /oauth/token and its alias /token (RFC 6749 §3.2). Form bodies per the RFC, JSON bodies as
 * Auth0 accepts them. Responses are never cached (§5.1).
 */
export async function tokenRoutes(app: FastifyInstance, { deps }: { deps: HttpDeps }) {
  const config = { errorStyle: 'json' };
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const response = await deps.tokenEndpoint(deps.ctx, request.body, request.headers.authorization, requestInfo(request));
    return reply
      .header('Cache-Control', 'no-store')
      .header('Pragma', 'no-cache')
      .type('application/json')
      .send(JSON.stringify(response));
  };
  // RFC 6749 §3.2: the client MUST use POST.
  const wrongMethod = (_request: FastifyRequest, reply: FastifyReply) =>
    sendJsonError(reply.header('Allow', 'POST'), new OAuthError('invalid_request', 'the token endpoint accepts POST only', { status: 405 }));
  for (const path of ['/oauth/token', '/token']) {
    app.post(path, { config }, handler);
    app.get(path, { config }, wrongMethod);
  }
}
