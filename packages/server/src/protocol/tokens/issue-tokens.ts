import { randomToken } from '../../crypto/random.js';
import type { SigningAlg } from '../../crypto/keys.js';
import { endpointUrl, type ProtocolContext } from '../context.js';
import type { Client, ResourceServer, User } from '../model.js';
import { formatScope } from '../scope.js';
import { leftHalfHash, userClaimsForScopes } from './claims.js';

export interface AccessTokenInput {
  client: Client;
  /** The user the token acts for; absent for client credentials. */
  subject: string;
  scope: string[];
  resourceServer: ResourceServer | undefined;
  /** The grant the token derives from, so revoking the grant refuses the token (null: none). */
  grantId: string | null;
  /** Claims besides the registered ones (e.g. Auth0's `gty`); they never replace a registered claim. */
  extraClaims?: Record<string, unknown>;
}

export interface IssuedAccessToken {
  token: string;
  expiresIn: number;
  jti: string;
}

/**
 * A JWT access token per RFC 9068 §2: `typ: at+jwt`, with iss, sub, aud, client_id, scope, iat,
 * exp and jti. With an audience the token is for that API, and for /userinfo as well when
 * `openid` was granted (as Auth0 does); without one it is good for /userinfo only.
 */
export async function issueAccessToken(ctx: ProtocolContext, input: AccessTokenInput): Promise<IssuedAccessToken> {
  const now = ctx.clock.now();
  const userinfo = endpointUrl(ctx.settings.issuer, 'userinfo');
  const api = input.resourceServer;
  const audience = api ? (input.scope.includes('openid') ? [api.identifier, userinfo] : api.identifier) : userinfo;
  const expiresIn = api ? api.token_lifetime : ctx.settings.userinfoAccessTokenTtl;
  // The grant id leads the jti, so a resource check can find the grant without another lookup table.
  const jti = input.grantId ? `${input.grantId}.${randomToken(12)}` : randomToken(16);
  const token = await ctx.keys.sign(
    {
      ...input.extraClaims,
      iss: ctx.settings.issuer,
      sub: input.subject,
      aud: audience,
      iat: now,
      exp: now + expiresIn,
      jti,
      client_id: input.client.client_id,
      azp: input.client.client_id,
      scope: formatScope(input.scope),
    },
    { typ: 'at+jwt', alg: (api?.signing_alg as SigningAlg | undefined) ?? 'RS256' },
  );
  return { token, expiresIn, jti };
}

/** The grant id an access token belongs to, read back from its jti. */
export function grantIdOfJti(jti: unknown): string | undefined {
  if (typeof jti !== 'string') return undefined;
  const dot = jti.indexOf('.');
  return dot > 0 ? jti.slice(0, dot) : undefined;
}

export interface IdTokenInput {
  client: Client;
  user: User;
  scope: string[];
  authTime: number;
  nonce: string | null | undefined;
  sid: string | null | undefined;
  accessToken?: string;
  /** Custom claims (from post-login actions); they never replace a claim set here. */
  extraClaims?: Record<string, unknown>;
}

/** An ID token (OpenID Connect Core §2, §3.1.3.6). */
export async function issueIdToken(ctx: ProtocolContext, input: IdTokenInput): Promise<string> {
  const now = ctx.clock.now();
  const alg: SigningAlg = 'RS256';
  return ctx.keys.sign(
    {
      ...input.extraClaims,
      ...userClaimsForScopes(input.user, input.scope),
      iss: ctx.settings.issuer,
      sub: input.user.user_id,
      aud: input.client.client_id,
      iat: now,
      exp: now + ctx.settings.idTokenTtl,
      auth_time: input.authTime,
      ...(input.nonce ? { nonce: input.nonce } : {}),
      ...(input.sid ? { sid: input.sid } : {}),
      ...(input.accessToken ? { at_hash: leftHalfHash(input.accessToken, alg) } : {}),
    },
    { alg },
  );
}
