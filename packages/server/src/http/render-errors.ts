import type { FastifyReply } from 'fastify';
import { AuthorizationError, OAuthError } from '../protocol/errors.js';
import { InvalidClientError } from '../protocol/token/client-authentication.js';
import { renderError, renderFormPost } from './pages/render.js';

/** The OAuth error as a JSON body (RFC 6749 §5.2); Basic clients also get a challenge (§5.2, 401). */
export function sendJsonError(reply: FastifyReply, error: OAuthError): FastifyReply {
  if (error instanceof InvalidClientError && error.basic) {
    reply.header('WWW-Authenticate', 'Basic realm="latchkey", charset="UTF-8"');
  }
  return reply
    .code(error.status)
    .header('Cache-Control', 'no-store')
    .header('Pragma', 'no-cache')
    .type('application/json')
    .send(JSON.stringify(error.toJSON()));
}

/** RFC 6750 §3: the Bearer challenge; with no token presented the challenge carries no error code. */
export function sendBearerError(reply: FastifyReply, error: OAuthError | undefined): FastifyReply {
  const params = ['realm="latchkey"'];
  if (error) {
    params.push(`error="${error.error}"`);
    if (error.description) params.push(`error_description="${error.description.replace(/"/g, "'")}"`);
  }
  const status = error ? (error.error === 'invalid_request' ? 400 : error.status) : 401;
  reply.code(status).header('WWW-Authenticate', `Bearer ${params.join(', ')}`).header('Cache-Control', 'no-store');
  return error ? reply.type('application/json').send(JSON.stringify(error.toJSON())) : reply.send();
}

/** An error page: never a redirect (RFC 6749 §4.1.2.1 for an unverified client or redirect_uri). */
export function sendErrorPage(reply: FastifyReply, status: number, message: string, code?: string): FastifyReply {
  return reply
    .code(status)
    .header('Cache-Control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(renderError({ heading: 'Something went wrong', message, code }));
}

/**
 * Sends the browser back to the client with `params`: as query parameters (RFC 6749 §4.1.2), or as
 * an auto-submitted form (Form Post Response Mode). `status` is 302 after a GET and 303 after a POST.
 */
export function sendToClient(
  reply: FastifyReply,
  target: { redirectUri: string; responseMode: 'query' | 'form_post'; params: Record<string, string> },
  status: 302 | 303,
): FastifyReply {
  reply.header('Cache-Control', 'no-store').header('Referrer-Policy', 'no-referrer');
  if (target.responseMode === 'form_post') {
    return reply
      .code(200)
      .type('text/html; charset=utf-8')
      .send(renderFormPost({ action: target.redirectUri, params: target.params }));
  }
  const query = new URLSearchParams(target.params).toString();
  const separator = target.redirectUri.includes('?') ? '&' : '?';
  return reply.redirect(`${target.redirectUri}${separator}${query}`, status);
}

/** An authorization endpoint error: to the verified redirect_uri when there is one, else a page. */
export function sendAuthorizationError(reply: FastifyReply, error: AuthorizationError, issuer: string, status: 302 | 303): FastifyReply {
  if (error.redirectUri === undefined) return sendErrorPage(reply, 400, error.description ?? error.error, error.error);
  const params: Record<string, string> = { error: error.error };
  if (error.description) params.error_description = error.description;
  if (error.state !== undefined) params.state = error.state;
  // RFC 9207 §2: error responses carry iss too.
  params.iss = issuer;
  return sendToClient(reply, { redirectUri: error.redirectUri, responseMode: error.responseMode, params }, status);
}
