import type {} from '@fastify/cookie';
import type {} from '@fastify/csrf-protection';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { endpointUrl } from '../../protocol/context.js';
import { endLoginSession } from '../../protocol/logout/end-session.js';
import { postLogoutRedirect, verifyLogoutRequest, type VerifiedLogout } from '../../protocol/logout/logout-request.js';
import { readParams, type Params } from '../../protocol/params.js';
import { findLiveSession } from '../../protocol/session/login-sessions.js';
import { recordEvent } from '../../protocol/events/record-event.js';
import type { HttpDeps } from '../deps.js';
import { requestInfo } from '../request-info.js';
import { renderLogoutConfirm, renderMessage } from '../pages/render.js';

/**
 * Logout: OpenID Connect RP-Initiated Logout 1.0 at /oidc/logout (the discovery's
 * end_session_endpoint, GET or POST) and Auth0's GET /v2/logout?client_id&returnTo. A request
 * with a valid id_token_hint for the signed-in user logs out at once; any other asks the user on a
 * page whose form carries a CSRF token and posts to /u/logout (same-origin checked like every /u/ POST).
 */
export async function logoutRoutes(app: FastifyInstance, { deps }: { deps: HttpDeps }) {
  const { ctx, cookies } = deps;
  const confirmAction = new URL(endpointUrl(ctx.settings.issuer, 'u/logout')).pathname;
  const config = { errorStyle: 'page' };
  // The CSRF tokens of our forms are bound to the form's `state` field, which must not be empty:
  // the confirmation form sends the relying party's state behind this prefix.
  const STATE_PREFIX = 'logout:';

  const finish = async (request: FastifyRequest, reply: FastifyReply, logout: VerifiedLogout, status: 302 | 303) => {
    const ended = await endLoginSession(ctx, request.cookies[cookies.sessionName], deps.backchannel.notifier, deps.backchannel.waitMs);
    await recordEvent(ctx, { type: 'slo', client: logout.client, userId: ended?.user_id }, requestInfo(request));
    reply.clearCookie(cookies.sessionName, cookies.options).header('Cache-Control', 'no-store');
    const target = postLogoutRedirect(logout);
    if (target !== undefined) return reply.redirect(target, status);
    return reply
      .type('text/html; charset=utf-8')
      .send(renderMessage({ heading: 'Signed out', message: 'You have signed out of Latchkey. You can close this window.' }));
  };

  const handle = async (params: Params, request: FastifyRequest, reply: FastifyReply, status: 302 | 303) => {
    const session = await findLiveSession(ctx, request.cookies[cookies.sessionName]);
    const logout = await verifyLogoutRequest(ctx, params, session);
    if (!logout.needsConfirmation) return finish(request, reply, logout, status);
    const state = `${STATE_PREFIX}${logout.state ?? ''}`;
    return reply
      .header('Cache-Control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(
        renderLogoutConfirm(
          {
            action: confirmAction,
            csrfToken: reply.generateCsrf({ userInfo: state }),
            clientName: logout.client?.name,
            clientId: logout.client?.client_id ?? '',
            redirectUri: logout.redirectUri ?? '',
            state,
          },
        ),
      );
  };

  app.get('/oidc/logout', { config }, (request, reply) => handle(readParams(request.query), request, reply, 302));
  app.post('/oidc/logout', { config }, (request, reply) => handle(readParams(request.body), request, reply, 303));

  // Auth0's logout endpoint: returnTo is the post-logout redirect, checked the same way.
  app.get('/v2/logout', { config }, (request, reply) => {
    const { returnTo, client_id, id_token_hint } = readParams(request.query);
    const params: Record<string, string> = {};
    if (client_id !== undefined) params.client_id = client_id;
    if (returnTo !== undefined) params.post_logout_redirect_uri = returnTo;
    if (id_token_hint !== undefined) params.id_token_hint = id_token_hint;
    return handle(params, request, reply, 302);
  });

  app.post('/u/logout', { config, preHandler: app.csrfProtection }, async (request, reply) => {
    const { action, client_id, post_logout_redirect_uri, state: formState } = readParams(request.body);
    const state = formState?.startsWith(STATE_PREFIX) ? formState.slice(STATE_PREFIX.length) || undefined : undefined;
    if (action !== 'logout') {
      return reply
        .header('Cache-Control', 'no-store')
        .type('text/html; charset=utf-8')
        .send(renderMessage({ heading: 'Still signed in', message: 'You are still signed in. You can close this window.' }));
    }
    // The target is checked again: the form's hidden fields are the user's to change.
    const params: Record<string, string> = {};
    if (client_id !== undefined) params.client_id = client_id;
    if (post_logout_redirect_uri !== undefined) params.post_logout_redirect_uri = post_logout_redirect_uri;
    if (state !== undefined) params.state = state;
    const logout = await verifyLogoutRequest(ctx, params, undefined);
    return finish(request, reply, logout, 303);
  });
}
