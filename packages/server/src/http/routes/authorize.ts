import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { endpointUrl } from '../../protocol/context.js';
import { authorize, type AuthorizationOutcome } from '../../protocol/authorization/authorization-flow.js';
import type { HttpDeps } from '../deps.js';
import { requestInfo } from '../request-info.js';
import { sendToClient } from '../render-errors.js';

/** Sends the browser where an authorization step leads: one of our pages, or back to the client. */
export function sendOutcome(reply: FastifyReply, deps: HttpDeps, outcome: AuthorizationOutcome, status: 302 | 303): FastifyReply {
  if (outcome.kind === 'response') return sendToClient(reply, outcome.response, status);
  // A post-login action's page: its URL is the operator's, carrying our signed state.
  if (outcome.kind === 'redirect') return reply.header('Cache-Control', 'no-store').header('Referrer-Policy', 'no-referrer').redirect(outcome.url, status);
  const page = endpointUrl(deps.ctx.settings.issuer, `u/${outcome.page}`);
  return reply.header('Cache-Control', 'no-store').redirect(`${page}?state=${encodeURIComponent(outcome.interactionId)}`, status);
}

/** GET and POST /authorize (RFC 6749 §4.1.1; OpenID Connect Core §3.1.2.1 allows POST forms). */
export async function authorizeRoutes(app: FastifyInstance, { deps }: { deps: HttpDeps }) {
  const handler = async (request: FastifyRequest, raw: unknown, reply: FastifyReply) => {
    const outcome = await authorize(deps.ctx, (raw ?? {}) as Record<string, unknown>, request.cookies[deps.cookies.sessionName], requestInfo(request));
    return sendOutcome(reply, deps, outcome, 302);
  };
  const config = { errorStyle: 'authorize' };
  app.get('/authorize', { config }, (request, reply) => handler(request, request.query, reply));
  app.post('/authorize', { config }, (request, reply) => handler(request, request.body, reply));
}
