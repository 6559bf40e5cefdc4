import type { FastifyInstance, FastifyReply } from 'fastify';
import { endpointUrl } from '../../protocol/context.js';
import { authorize, type AuthorizationOutcome } from '../../protocol/authorization/authorization-flow.js';
import type { HttpDeps } from '../deps.js';
import { sendToClient } from '../render-errors.js';

/** Sends the browser where an authorization step leads: one of our pages, or back to the client. */
export function sendOutcome(reply: FastifyReply, deps: HttpDeps, outcome: AuthorizationOutcome, status: 302 | 303): FastifyReply {
  if (outcome.kind === 'response') return sendToClient(reply, outcome.response, status);
  const page = endpointUrl(deps.ctx.settings.issuer, `u/${outcome.page}`);
  return reply.header('Cache-Control', 'no-store').redirect(`${page}?state=${encodeURIComponent(outcome.interactionId)}`, status);
}

/** GET and POST /authorize (RFC 6749 §4.1.1; OpenID Connect Core §3.1.2.1 allows POST forms). */
export async function authorizeRoutes(app: FastifyInstance, { deps }: { deps: HttpDeps }) {
  const handler = async (raw: unknown, sessionCookie: string | undefined, reply: FastifyReply) => {
    const outcome = await authorize(deps.ctx, (raw ?? {}) as Record<string, unknown>, sessionCookie);
    return sendOutcome(reply, deps, outcome, 302);
  };
  const config = { errorStyle: 'authorize' };
  app.get('/authorize', { config }, (request, reply) => handler(request.query, request.cookies[deps.cookies.sessionName], reply));
  app.post('/authorize', { config }, (request, reply) => handler(request.body, request.cookies[deps.cookies.sessionName], reply));
}
