import { randomToken } from '../../crypto/random.js';
import type { ProtocolContext } from '../context.js';
import { AuthorizationError, OAuthError } from '../errors.js';
import type { AuthorizationRequest, Client, Interaction, LoginSession, User } from '../model.js';
import { findLiveSession, startSession, touchSession } from '../session/login-sessions.js';
import { authenticateUser } from './authenticate-user.js';
import { decideAuthorizationStep } from './decide.js';
import { verifyIdTokenHint } from './id-token-hint.js';
import { issueAuthorizationResponse, type AuthorizationResponse } from './issue-response.js';
import { validateAuthorizationRequest } from './validate-request.js';

/** Where the browser goes next: a page of ours (by interaction id) or back to the client. */
export type AuthorizationOutcome =
  | { kind: 'page'; page: 'login' | 'consent'; interactionId: string }
  | { kind: 'response'; response: AuthorizationResponse };

/** A problem with a login transaction itself (unknown, expired, another browser): shown on a page. */
export class InteractionError extends OAuthError {
  constructor(description: string) {
    super('invalid_request', description);
    this.name = 'InteractionError';
  }
}

/** GET/POST /authorize (RFC 6749 §4.1.1). */
export async function authorize(
  ctx: ProtocolContext,
  raw: Record<string, unknown>,
  sessionCookie: string | undefined,
): Promise<AuthorizationOutcome> {
  const request = await validateAuthorizationRequest(raw, {
    findClient: (id) => ctx.storage.clients.findById(id),
    findResourceServer: (identifier) => ctx.storage.resourceServers.findByIdentifier(identifier),
  });
  const client = (await ctx.storage.clients.findById(request.client_id))!;
  const session = await findLiveSession(ctx, sessionCookie);

  let hintSubject: string | undefined;
  if (request.id_token_hint !== undefined) {
    const hint = await verifyIdTokenHint(ctx.keys, request.id_token_hint, { issuer: ctx.settings.issuer, clientId: client.client_id });
    if (!hint) throw redirectError(request, 'invalid_request', 'id_token_hint is not a valid ID token of this issuer');
    hintSubject = hint.sub;
  }

  const step = decideAuthorizationStep(request, client, {
    session,
    hintSubject,
    authenticatedInTransaction: false,
    consent: session && (await ctx.storage.consents.find(session.user_id, client.client_id, request.audience ?? '')),
    consentedInTransaction: false,
    now: ctx.clock.now(),
  });

  if (step.step === 'issue' && session) {
    const user = await ctx.storage.users.findById(session.user_id);
    if (user) {
      await touchSession(ctx, session);
      return { kind: 'response', response: await respond(ctx, request, client, user, session) };
    }
  }
  const interaction = await createInteraction(ctx, request, step.step === 'consent' ? session : undefined);
  return { kind: 'page', page: step.step === 'consent' ? 'consent' : 'login', interactionId: interaction.id };
}

/** A live login transaction, or a page error when it is unknown or expired. */
export async function loadInteraction(ctx: ProtocolContext, interactionId: string | undefined): Promise<{ interaction: Interaction; client: Client }> {
  if (!interactionId || interactionId.length > 64) throw new InteractionError('missing or malformed login transaction');
  const interaction = await ctx.storage.interactions.find(interactionId);
  if (!interaction || interaction.expires_at <= ctx.clock.now()) {
    throw new InteractionError('this sign-in has expired; go back to the application and start again');
  }
  const client = await ctx.storage.clients.findById(interaction.request.client_id);
  if (!client) throw new InteractionError('the application no longer exists');
  return { interaction, client };
}

export type LoginResult =
  | { ok: false }
  | { ok: true; cookieValue: string; next: AuthorizationOutcome };

/** The login form was posted: check the password, start a fresh session, go on with the request. */
export async function submitLogin(
  ctx: ProtocolContext,
  interactionId: string | undefined,
  credentials: { email: string; password: string },
  sessionCookie: string | undefined,
): Promise<LoginResult> {
  const { interaction, client } = await loadInteraction(ctx, interactionId);
  const user = await authenticateUser(ctx, credentials.email, credentials.password);
  if (!user) return { ok: false };

  const { cookieValue, session } = await startSession(ctx, user.user_id, sessionCookie);
  await ctx.storage.users.recordLogin(user.user_id, session.auth_time);
  await ctx.storage.interactions.update(interaction.id, {
    user_id: user.user_id,
    session_sid: session.sid,
    auth_time: session.auth_time,
  });
  const next = await continueAfterLogin(ctx, { ...interaction, user_id: user.user_id, session_sid: session.sid }, client, user, session);
  return { ok: true, cookieValue, next };
}

async function continueAfterLogin(
  ctx: ProtocolContext,
  interaction: Interaction,
  client: Client,
  user: User,
  session: LoginSession,
): Promise<AuthorizationOutcome> {
  const { request } = interaction;
  const step = decideAuthorizationStep(request, client, {
    session,
    authenticatedInTransaction: true,
    consent: await ctx.storage.consents.find(user.user_id, client.client_id, request.audience ?? ''),
    consentedInTransaction: false,
    now: ctx.clock.now(),
  });
  if (step.step === 'consent') return { kind: 'page', page: 'consent', interactionId: interaction.id };
  await ctx.storage.interactions.delete(interaction.id);
  return { kind: 'response', response: await respond(ctx, request, client, user, session) };
}

/** The consent page needs a signed-in browser: the one that signed in for this transaction. */
export async function loadConsentInteraction(
  ctx: ProtocolContext,
  interactionId: string | undefined,
  sessionCookie: string | undefined,
): Promise<{ interaction: Interaction; client: Client; user: User; session: LoginSession; missingScopes: string[] }> {
  const { interaction, client } = await loadInteraction(ctx, interactionId);
  const session = await findLiveSession(ctx, sessionCookie);
  if (!session || (interaction.user_id !== null && interaction.user_id !== session.user_id)) {
    throw new InteractionError('this sign-in belongs to another browser session; start again');
  }
  const user = await ctx.storage.users.findById(session.user_id);
  if (!user) throw new InteractionError('the account no longer exists');
  const consent = await ctx.storage.consents.find(user.user_id, client.client_id, interaction.request.audience ?? '');
  const step = decideAuthorizationStep(interaction.request, client, {
    session,
    authenticatedInTransaction: true,
    consent,
    consentedInTransaction: false,
    now: ctx.clock.now(),
  });
  const missingScopes = step.step === 'consent' ? step.missingScopes : [];
  return { interaction, client, user, session, missingScopes };
}

/** The consent form was answered (OpenID Connect Core §3.1.2.4). Denial is access_denied to the client. */
export async function submitConsent(
  ctx: ProtocolContext,
  interactionId: string | undefined,
  decision: 'accept' | 'deny',
  sessionCookie: string | undefined,
): Promise<AuthorizationResponse> {
  const { interaction, client, user, session, missingScopes } = await loadConsentInteraction(ctx, interactionId, sessionCookie);
  const { request } = interaction;
  await ctx.storage.interactions.delete(interaction.id);
  if (decision === 'deny') throw redirectError(request, 'access_denied', 'the user denied the request');

  const audience = request.audience ?? '';
  const previous = await ctx.storage.consents.find(user.user_id, client.client_id, audience);
  const scopes = [...new Set([...(previous?.scopes ?? []), ...missingScopes, ...request.scope])];
  await ctx.storage.consents.save({ user_id: user.user_id, client_id: client.client_id, audience, scopes });
  return respond(ctx, request, client, user, session);
}

/** The user pressed cancel on the login page: the client learns access_denied (RFC 6749 §4.1.2.1). */
export async function cancelInteraction(ctx: ProtocolContext, interactionId: string | undefined): Promise<never> {
  const { interaction } = await loadInteraction(ctx, interactionId);
  await ctx.storage.interactions.delete(interaction.id);
  throw redirectError(interaction.request, 'access_denied', 'the user cancelled the sign-in');
}

function respond(ctx: ProtocolContext, request: AuthorizationRequest, client: Client, user: User, session: LoginSession) {
  return issueAuthorizationResponse(ctx, request, client, { user, sid: session.sid, authTime: session.auth_time });
}

async function createInteraction(ctx: ProtocolContext, request: AuthorizationRequest, session: LoginSession | undefined): Promise<Interaction> {
  const now = ctx.clock.now();
  const interaction: Interaction = {
    id: randomToken(24),
    request,
    user_id: session?.user_id ?? null,
    session_sid: session?.sid ?? null,
    auth_time: session?.auth_time ?? null,
    created_at: now,
    expires_at: now + ctx.settings.interactionTtl,
  };
  await ctx.storage.interactions.create(interaction);
  return interaction;
}

function redirectError(request: AuthorizationRequest, error: 'access_denied' | 'invalid_request', description: string) {
  return new AuthorizationError(error, description, {
    redirectUri: request.redirect_uri,
    state: request.state,
    responseMode: request.response_mode,
  });
}
