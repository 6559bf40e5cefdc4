import { randomToken } from '../../crypto/random.js';
import { signContinueToken, verifyContinueToken } from '../actions/continue-token.js';
import type { RequestInfo } from '../actions/events.js';
import { hasPostLoginActions, runPostLoginActions, type PostLoginStart } from '../actions/post-login.js';
import { emptyCustomization } from '../actions/token-customization.js';
import type { ProtocolContext } from '../context.js';
import { recordFailedLogin, recordLogin } from '../events/login-events.js';
import { AuthorizationError, OAuthError } from '../errors.js';
import type { AuthorizationRequest, Client, Interaction, LoginSession, ResourceServer, TokenCustomization, User } from '../model.js';
import { scopesForUser } from '../rbac/effective-scopes.js';
import { findLiveSession, startSession, touchSession } from '../session/login-sessions.js';
import { authenticateUser } from './authenticate-user.js';
import { decideAuthorizationStep, scopesNeedingConsent } from './decide.js';
import { verifyIdTokenHint } from './id-token-hint.js';
import { issueAuthorizationResponse, type AuthorizationResponse } from './issue-response.js';
import { validateAuthorizationRequest } from './validate-request.js';

/** Where the browser goes next: a page of ours (by interaction id), a post-login action's page, or back to the client. */
export type AuthorizationOutcome =
  | { kind: 'page'; page: 'login' | 'consent'; interactionId: string }
  | { kind: 'redirect'; url: string }
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
  info?: RequestInfo,
): Promise<AuthorizationOutcome> {
  // The client the validation found is the one the flow goes on with: it is looked up once.
  const found: { client?: Client | undefined } = {};
  const request = await validateAuthorizationRequest(raw, {
    findClient: async (id) => (found.client = await ctx.storage.clients.findById(id)),
    findResourceServer: (identifier) => ctx.storage.resourceServers.findByIdentifier(identifier),
  });
  const { client } = found;
  // Unreachable: validation refuses an unknown client before this point.
  if (!client) throw new InteractionError('unknown client');
  const session = await findLiveSession(ctx, sessionCookie);

  let hintSubject: string | undefined;
  if (request.id_token_hint !== undefined) {
    const hint = await verifyIdTokenHint(ctx.keys, request.id_token_hint, { issuer: ctx.settings.issuer, clientId: client.client_id });
    if (!hint) throw redirectError(request, 'invalid_request', 'id_token_hint is not a valid ID token of this issuer');
    hintSubject = hint.sub;
  }

  // Here only whether the user must sign in is decided: consent waits until the user's own
  // scopes (RBAC) and the post-login actions are known.
  const step = decideAuthorizationStep(request, client, {
    session,
    hintSubject,
    authenticatedInTransaction: false,
    consent: undefined,
    consentedInTransaction: true,
    now: ctx.clock.now(),
  });
  const user = step.step !== 'login' && session ? await ctx.storage.users.findById(session.user_id) : undefined;
  if (session && user) {
    await touchSession(ctx, session);
    return afterSignIn(ctx, { request, client, user, session, interaction: undefined, info });
  }
  const interaction = await createInteraction(ctx, request, undefined);
  return { kind: 'page', page: 'login', interactionId: interaction.id };
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
  info?: RequestInfo,
): Promise<LoginResult> {
  const { interaction, client } = await loadInteraction(ctx, interactionId);
  const user = await authenticateUser(ctx, credentials.email, credentials.password);
  if (!user) {
    await recordFailedLogin(ctx, client, credentials.email, info);
    return { ok: false };
  }

  const { cookieValue, session } = await startSession(ctx, user.user_id, sessionCookie);
  await ctx.storage.users.recordLogin(user.user_id, session.auth_time);
  await recordLogin(ctx, client, user, info);
  // A new sign-in runs the post-login actions afresh: what they decided before, maybe for
  // another user, does not carry over.
  await ctx.storage.interactions.setPostLogin(interaction.id, null);
  await ctx.storage.interactions.update(interaction.id, {
    user_id: user.user_id,
    session_sid: session.sid,
    auth_time: session.auth_time,
  });
  const signedIn = { ...user, logins_count: (user.logins_count ?? 0) + 1, last_login: session.auth_time };
  const next = await afterSignIn(ctx, {
    request: interaction.request,
    client,
    user: signedIn,
    session,
    interaction: { ...interaction, user_id: user.user_id, session_sid: session.sid, post_login: null },
    info,
  });
  return { ok: true, cookieValue, next };
}

interface SignedIn {
  /** The authorization request as validated (before RBAC narrows its scopes). */
  request: AuthorizationRequest;
  client: Client;
  user: User;
  session: LoginSession;
  /** The login transaction, when there is one already. */
  interaction: Interaction | undefined;
  info: RequestInfo | undefined;
}

/**
 * Once the user is known: the scopes they may get (RBAC), the post-login actions (which may deny,
 * or pause the flow on a redirect), then consent or the response to the client.
 */
async function afterSignIn(ctx: ProtocolContext, signedIn: SignedIn, start?: PostLoginStart): Promise<AuthorizationOutcome> {
  const { client, user, session } = signedIn;
  const api = await findApi(ctx, signedIn.request);
  const request = await narrowToUser(ctx, signedIn.request, api, user.user_id);

  const result = await runPostLoginActions(
    ctx,
    { request, requestedScopes: signedIn.request.scope, client, user, session, api, interactionId: signedIn.interaction?.id, info: signedIn.info },
    start,
  );
  if (result.kind === 'denied') {
    if (signedIn.interaction) await ctx.storage.interactions.delete(signedIn.interaction.id);
    throw redirectError(request, 'access_denied', result.reason);
  }
  if (result.kind === 'redirect') {
    // OpenID Connect Core §3.1.2.6: the action needs the user, and prompt=none allows no page.
    if (request.prompt.includes('none')) throw redirectError(request, 'interaction_required', 'a post-login action needs the user');
    const interaction = signedIn.interaction ?? (await createInteraction(ctx, signedIn.request, session));
    const nonce = randomToken(16);
    await ctx.storage.interactions.setPostLogin(interaction.id, {
      status: 'redirected',
      action_index: result.actionIndex,
      action_name: result.actionName,
      nonce,
      customization: result.customization,
    });
    const state = await signContinueToken(ctx, { interactionId: interaction.id, nonce, userId: user.user_id }, interaction.expires_at);
    const url = new URL(result.url);
    url.searchParams.set('state', state);
    return { kind: 'redirect', url: url.href };
  }

  const step = decideAuthorizationStep(request, client, {
    session,
    authenticatedInTransaction: true,
    consent: await previousConsent(ctx, request, client, user.user_id, api),
    consentedInTransaction: false,
    resourceServer: api,
    now: ctx.clock.now(),
  });
  if (step.step === 'consent') {
    const interaction = signedIn.interaction ?? (await createInteraction(ctx, signedIn.request, session));
    if (hasPostLoginActions(ctx)) {
      await ctx.storage.interactions.setPostLogin(interaction.id, { status: 'done', customization: result.customization ?? emptyCustomization() });
    }
    return { kind: 'page', page: 'consent', interactionId: interaction.id };
  }
  if (signedIn.interaction) await ctx.storage.interactions.delete(signedIn.interaction.id);
  return { kind: 'response', response: await respond(ctx, request, client, user, session, result.customization) };
}

/**
 * What the user agreed to give the client before, when it can matter: a first-party client that
 * skips consent for every scope asked for (the usual sign-in to an operator's own app) needs no
 * lookup, whatever the user agreed to.
 */
async function previousConsent(
  ctx: ProtocolContext,
  request: AuthorizationRequest,
  client: Client,
  userId: string,
  api: ResourceServer | undefined,
) {
  if (scopesNeedingConsent(request, client, undefined, api).length === 0) return undefined;
  return ctx.storage.consents.find(userId, client.client_id, request.audience ?? '');
}

/**
 * GET /continue?state=…: the browser is back from a post-login action's redirect (Auth0 Actions'
 * api.redirect). The state must be our signed token for this very redirect, and the browser the
 * one that signed in; the action's onContinuePostLogin then runs, and the flow goes on.
 */
export async function continueAfterRedirect(
  ctx: ProtocolContext,
  state: string | undefined,
  sessionCookie: string | undefined,
  info?: RequestInfo,
): Promise<AuthorizationOutcome> {
  const claims = state && state.length <= 8192 ? await verifyContinueToken(ctx, state) : undefined;
  if (!claims) throw new InteractionError('the sign-in cannot be resumed: the state is invalid or expired');
  const { interaction, client } = await loadInteraction(ctx, claims.interactionId);
  const paused = interaction.post_login;
  if (paused?.status !== 'redirected' || paused.nonce !== claims.nonce || interaction.user_id !== claims.userId) {
    throw new InteractionError('this sign-in was already resumed or started again');
  }
  if (ctx.actions?.list('post-login')[paused.action_index]?.name !== paused.action_name) {
    throw new InteractionError('the sign-in steps changed meanwhile; start again');
  }
  const session = await findLiveSession(ctx, sessionCookie);
  if (!session || session.user_id !== interaction.user_id) throw new InteractionError('this sign-in belongs to another browser session; start again');
  const user = await ctx.storage.users.findById(session.user_id);
  if (!user) throw new InteractionError('the account no longer exists');
  // The state resumes the transaction once, even when two requests bring it at the same moment.
  if (!(await ctx.storage.interactions.replacePostLogin(interaction.id, paused, null))) {
    throw new InteractionError('this sign-in was already resumed or started again');
  }
  return afterSignIn(
    ctx,
    { request: interaction.request, client, user, session, interaction: { ...interaction, post_login: null }, info },
    { index: paused.action_index, handler: 'onContinuePostLogin', customization: paused.customization, continueInfo: info },
  );
}

/** The consent page needs a signed-in browser: the one that signed in for this transaction. */
export async function loadConsentInteraction(
  ctx: ProtocolContext,
  interactionId: string | undefined,
  sessionCookie: string | undefined,
): Promise<{ interaction: Interaction; client: Client; user: User; session: LoginSession; missingScopes: string[] }> {
  const { interaction, client } = await loadInteraction(ctx, interactionId);
  const session = await findLiveSession(ctx, sessionCookie);
  // A transaction still waiting for its sign-in has no consent page yet (prompt=login, max_age).
  if (!session || interaction.user_id === null || interaction.user_id !== session.user_id) {
    throw new InteractionError('this sign-in belongs to another browser session; start again');
  }
  // Nor has one whose post-login actions have not all run (a redirect not yet back).
  if (hasPostLoginActions(ctx) && interaction.post_login?.status !== 'done') {
    throw new InteractionError('this sign-in is not finished; start again');
  }
  const user = await ctx.storage.users.findById(session.user_id);
  if (!user) throw new InteractionError('the account no longer exists');
  const api = await findApi(ctx, interaction.request);
  const request = await narrowToUser(ctx, interaction.request, api, user.user_id);
  const consent = await ctx.storage.consents.find(user.user_id, client.client_id, request.audience ?? '');
  const step = decideAuthorizationStep(request, client, {
    session,
    authenticatedInTransaction: true,
    consent,
    consentedInTransaction: false,
    resourceServer: api,
    now: ctx.clock.now(),
  });
  const missingScopes = step.step === 'consent' ? step.missingScopes : [];
  return { interaction: { ...interaction, request }, client, user, session, missingScopes };
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
  const customization = interaction.post_login?.status === 'done' ? interaction.post_login.customization : null;
  return respond(ctx, request, client, user, session, customization);
}

/** The user pressed cancel on the login page: the client learns access_denied (RFC 6749 §4.1.2.1). */
export async function cancelInteraction(ctx: ProtocolContext, interactionId: string | undefined): Promise<never> {
  const { interaction } = await loadInteraction(ctx, interactionId);
  await ctx.storage.interactions.delete(interaction.id);
  throw redirectError(interaction.request, 'access_denied', 'the user cancelled the sign-in');
}

function respond(
  ctx: ProtocolContext,
  request: AuthorizationRequest,
  client: Client,
  user: User,
  session: LoginSession,
  customization: TokenCustomization | null,
) {
  return issueAuthorizationResponse(ctx, request, client, { user, sid: session.sid, authTime: session.auth_time }, customization);
}

function findApi(ctx: ProtocolContext, request: AuthorizationRequest): Promise<ResourceServer | undefined> {
  return request.audience ? ctx.storage.resourceServers.findByIdentifier(request.audience) : Promise.resolve(undefined);
}

/** The request with only the scopes this user may be granted (RBAC, Auth0's enforce_policies). */
async function narrowToUser(ctx: ProtocolContext, request: AuthorizationRequest, api: ResourceServer | undefined, userId: string) {
  return { ...request, scope: await scopesForUser(ctx.storage, request.scope, api, userId) };
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

function redirectError(request: AuthorizationRequest, error: 'access_denied' | 'invalid_request' | 'interaction_required', description: string) {
  return new AuthorizationError(error, description, {
    redirectUri: request.redirect_uri,
    state: request.state,
    responseMode: request.response_mode,
  });
}
