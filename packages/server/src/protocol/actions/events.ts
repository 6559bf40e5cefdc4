import type { AuthorizationRequest, Client, LoginSession, ResourceServer, Role, User } from '../model.js';

/** What the HTTP layer tells the protocol about the request, for `event.request`. */
export interface RequestInfo {
  ip: string;
  hostname: string;
  method: string;
  user_agent?: string | undefined;
  /** The query of the request; for post-login, the authorization request's parameters. */
  query?: Record<string, string>;
}

/** The one database connection users sign in with, named as Auth0 names its default. */
export const DATABASE_CONNECTION = {
  id: 'con_database',
  name: 'Username-Password-Authentication',
  strategy: 'auth0',
  metadata: {},
} as const;

const isoTime = (seconds: number | null | undefined) => (seconds === null || seconds === undefined ? undefined : new Date(seconds * 1000).toISOString());

/** `event.user` in Auth0's shape. */
export function userEvent(user: User): Record<string, unknown> {
  const [provider, ...rest] = user.user_id.split('|');
  return {
    user_id: user.user_id,
    email: user.email,
    email_verified: user.email_verified,
    name: user.name ?? user.email,
    given_name: user.given_name ?? undefined,
    family_name: user.family_name ?? undefined,
    nickname: user.nickname ?? user.email.split('@')[0],
    picture: user.picture ?? undefined,
    created_at: isoTime(user.created_at),
    updated_at: isoTime(user.updated_at),
    last_login: isoTime(user.last_login),
    logins_count: user.logins_count ?? 0,
    user_metadata: user.user_metadata ?? {},
    app_metadata: user.app_metadata ?? {},
    identities: [
      { connection: DATABASE_CONNECTION.name, provider: provider ?? 'auth0', user_id: rest.join('|') || user.user_id, isSocial: false },
    ],
  };
}

export function clientEvent(client: Client): Record<string, unknown> {
  return { client_id: client.client_id, name: client.name, metadata: {} };
}

/** The authorization request's parameters as `event.request.query` shows them on Auth0. */
export function authorizationQuery(request: AuthorizationRequest): Record<string, string> {
  const query: Record<string, string> = {
    client_id: request.client_id,
    redirect_uri: request.redirect_uri,
    response_type: request.response_type,
    response_mode: request.response_mode,
    scope: request.scope.join(' '),
  };
  if (request.state !== undefined) query.state = request.state;
  if (request.nonce !== undefined) query.nonce = request.nonce;
  if (request.audience !== undefined) query.audience = request.audience;
  if (request.prompt.length > 0) query.prompt = request.prompt.join(' ');
  if (request.max_age !== undefined) query.max_age = String(request.max_age);
  if (request.login_hint !== undefined) query.login_hint = request.login_hint;
  return query;
}

export function requestEvent(info: RequestInfo | undefined, query: Record<string, string>): Record<string, unknown> {
  return {
    ip: info?.ip ?? '',
    hostname: info?.hostname ?? '',
    method: info?.method ?? 'GET',
    user_agent: info?.user_agent,
    query: info?.query ?? query,
  };
}

export interface PostLoginEventInput {
  request: AuthorizationRequest;
  /** The scopes asked for (before RBAC filtering), Auth0's `transaction.requested_scopes`. */
  requestedScopes: readonly string[];
  client: Client;
  user: User;
  roles: readonly Role[];
  session: LoginSession;
  api: ResourceServer | undefined;
  transactionId: string | undefined;
  info: RequestInfo | undefined;
  tenant: string;
}

/** The post-login `event` (Auth0 Actions, post-login trigger, event object). */
export function postLoginEvent(input: PostLoginEventInput): Record<string, unknown> {
  const { request } = input;
  return {
    tenant: { id: input.tenant },
    user: userEvent(input.user),
    authorization: { roles: input.roles.map((r) => r.name) },
    authentication: { methods: [{ name: 'pwd', timestamp: new Date(input.session.auth_time * 1000).toISOString() }] },
    client: clientEvent(input.client),
    connection: DATABASE_CONNECTION,
    request: requestEvent(input.info, authorizationQuery(request)),
    ...(input.api && { resource_server: { identifier: input.api.identifier } }),
    session: { id: input.session.sid },
    stats: { logins_count: input.user.logins_count ?? 0 },
    transaction: {
      ...(input.transactionId !== undefined && { id: input.transactionId }),
      protocol: 'oidc-basic-profile',
      requested_scopes: [...input.requestedScopes],
      redirect_uri: request.redirect_uri,
      response_type: [request.response_type],
      response_mode: request.response_mode,
      ...(request.state !== undefined && { state: request.state }),
      prompt: [...request.prompt],
      locale: 'en',
      ui_locales: [],
    },
  };
}
