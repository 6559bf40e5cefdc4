import type { FastifyInstance } from 'fastify';
import { continueAfterRedirect } from '../../protocol/authorization/authorization-flow.js';
import type { HttpDeps } from '../deps.js';
import { requestInfo } from '../request-info.js';
import { sendOutcome } from './authorize.js';

/**
 * GET /continue?state=…: where the page a post-login action redirected to sends the browser back
 * (Auth0 Actions' redirect). GET only: the session cookie is SameSite=Lax, so it comes along on a
 * top-level navigation from another site but not on a cross-site POST.
 */
export async function continueRoutes(app: FastifyInstance, { deps }: { deps: HttpDeps }) {
  // Errors after the transaction is known go back to the client (302), others are a page.
  app.get('/continue', { config: { errorStyle: 'authorize' } }, async (request, reply) => {
    const query = request.query as Record<string, unknown> | undefined;
    const state = typeof query?.state === 'string' ? query.state : undefined;
    const outcome = await continueAfterRedirect(deps.ctx, state, request.cookies[deps.cookies.sessionName], requestInfo(request, query));
    return sendOutcome(reply, deps, outcome, 302);
  });
}
