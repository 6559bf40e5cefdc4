import type {} from '@fastify/cookie';
import type {} from '@fastify/csrf-protection';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { endpointUrl } from '../../protocol/context.js';
import {
  cancelInteraction,
  loadConsentInteraction,
  loadInteraction,
  submitConsent,
  submitLogin,
} from '../../protocol/authorization/authorization-flow.js';
import { describeScopes } from '../../protocol/authorization/describe-scopes.js';
import { recordBlockedLogin } from '../../protocol/events/login-events.js';
import type { HttpDeps } from '../deps.js';
import { requestInfo } from '../request-info.js';
import { renderConsent, renderLogin } from '../pages/render.js';
import { sendErrorPage, sendToClient } from '../render-errors.js';
import { sendOutcome } from './authorize.js';

type FormBody = Record<string, unknown> | undefined;

/** "a minute", "12 minutes": how long a throttled sign-in must wait. */
function waitText(seconds: number): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return minutes === 1 ? 'a minute' : `${minutes} minutes`;
}
const field = (body: FormBody, name: string) => {
  const value = body?.[name];
  return typeof value === 'string' ? value : undefined;
};
const stateOf = (request: FastifyRequest) =>
  field(request.body as FormBody, 'state') ?? field(request.query as FormBody, 'state');

/**
 * The login and consent pages (the user-facing half of the authorization endpoint). Every form
 * carries a CSRF token bound to the transaction, and every POST is checked for it and for a
 * same-origin Origin header (RFC 6749 §10.12, ASVS 3.5.1).
 */
export async function loginPageRoutes(app: FastifyInstance, { deps }: { deps: HttpDeps }) {
  const { ctx, cookies } = deps;
  const loginAction = new URL(endpointUrl(ctx.settings.issuer, 'u/login')).pathname;
  const consentAction = new URL(endpointUrl(ctx.settings.issuer, 'u/consent')).pathname;
  const config = { errorStyle: 'page' };
  const pageHeaders = (reply: FastifyReply) =>
    reply.header('Cache-Control', 'no-store').type('text/html; charset=utf-8');

  const showLogin = async (request: FastifyRequest, reply: FastifyReply, status: number, email: string, error?: string) => {
    const state = stateOf(request);
    const { interaction, client } = await loadInteraction(ctx, state);
    const csrfToken = reply.generateCsrf({ userInfo: interaction.id });
    return pageHeaders(reply)
      .code(status)
      .send(
        renderLogin(
          {
            action: loginAction,
            clientName: client.name,
            csrfToken,
            state: interaction.id,
            email: email || interaction.request.login_hint || '',
            ...(error !== undefined && { error }),
          },
        ),
      );
  };

  app.get('/u/login', { config }, (request, reply) => showLogin(request, reply, 200, ''));

  app.post('/u/login', { config, preHandler: app.csrfProtection }, async (request, reply) => {
    const body = request.body as FormBody;
    const state = field(body, 'state');
    if (field(body, 'action') === 'cancel') return cancelInteraction(ctx, state);
    const email = field(body, 'email') ?? '';
    const password = field(body, 'password') ?? '';
    const sessionCookie = request.cookies[cookies.sessionName];
    // Throttled per account and address before the password is even looked at (ASVS 6.3.1); the
    // same for accounts that exist and those that do not.
    const attempt = deps.signInThrottle.attempt(email, request.ip, request.cookies[cookies.deviceName]);
    const decision = await deps.signInThrottle.begin(attempt);
    if (!decision.allowed) {
      const { client } = await loadInteraction(ctx, state);
      await recordBlockedLogin(ctx, client, email, decision.blocked, requestInfo(request));
      reply.header('Retry-After', String(decision.retryAfter));
      return showLogin(request, reply, 429, email.slice(0, 320), `Too many sign-in attempts. Try again in ${waitText(decision.retryAfter)}.`);
    }
    const result = await submitLogin(ctx, state, { email, password }, sessionCookie, requestInfo(request));
    if (!result.ok) {
      await deps.signInThrottle.failed(attempt);
      // One message whether or not the email exists (ASVS 6.3.8).
      return showLogin(request, reply, 400, email.slice(0, 320), 'Wrong email or password.');
    }
    const device = await deps.signInThrottle.succeeded(attempt);
    reply.setCookie(cookies.sessionName, result.cookieValue, cookies.options);
    reply.setCookie(cookies.deviceName, device.cookie, { ...cookies.options, maxAge: device.maxAge });
    return sendOutcome(reply, deps, result.next, 303);
  });

  app.get('/u/consent', { config }, async (request, reply) => {
    const state = stateOf(request);
    const { interaction, client, user, missingScopes } = await loadConsentInteraction(ctx, state, request.cookies[cookies.sessionName]);
    const audience = interaction.request.audience;
    const api = audience ? await ctx.storage.resourceServers.findByIdentifier(audience) : undefined;
    const scopes = describeScopes(missingScopes.length > 0 ? missingScopes : interaction.request.scope, api);
    return pageHeaders(reply).send(
      renderConsent(
        {
          action: consentAction,
          clientName: client.name,
          userEmail: user.email,
          csrfToken: reply.generateCsrf({ userInfo: interaction.id }),
          state: interaction.id,
          scopes,
          audienceName: api?.name,
        },
      ),
    );
  });

  app.post('/u/consent', { config, preHandler: app.csrfProtection }, async (request, reply) => {
    const body = request.body as FormBody;
    const action = field(body, 'action');
    if (action !== 'accept' && action !== 'deny') return sendErrorPage(reply, 400, 'Choose Accept or Deny.', 'invalid_request');
    const response = await submitConsent(ctx, field(body, 'state'), action, request.cookies[cookies.sessionName]);
    return sendToClient(reply, response, 303);
  });
}
