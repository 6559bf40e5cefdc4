/**
 * Property-based tests of everything that reads untrusted request input: for any input the parser
 * either returns a well-formed value or refuses with an OAuth error, never anything else (B15.2),
 * and nothing but a registered URI ever becomes a redirect target (B3.1, B3.4).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { exportJWK, SignJWT, base64url } from 'jose';
import { KeySet } from '../../src/crypto/keys.js';
import { MalformedFormError, parseForm, parseQuery, MALFORMED } from '../../src/http/form-parsing.js';
import { readBearerToken } from '../../src/http/routes/userinfo.js';
import { verifyIdTokenHint } from '../../src/protocol/authorization/id-token-hint.js';
import { validateAuthorizationRequest } from '../../src/protocol/authorization/validate-request.js';
import type { ProtocolContext } from '../../src/protocol/context.js';
import { AuthorizationError, OAuthError } from '../../src/protocol/errors.js';
import { LogoutRequestError, postLogoutRedirect, verifyLogoutRequest } from '../../src/protocol/logout/logout-request.js';
import type { Client } from '../../src/protocol/model.js';
import { MAX_PARAMETER_LENGTH, readParams } from '../../src/protocol/params.js';
import { isValidCodeChallenge, isValidCodeVerifier } from '../../src/protocol/pkce.js';
import { isValidScopeToken, parseScope } from '../../src/protocol/scope.js';
import { readClientCredentials } from '../../src/protocol/token/client-authentication.js';
import { KyselyStorage } from '../../src/storage/kysely/kysely-storage.js';
import type { FastifyRequest } from 'fastify';

/** Any Unicode text (every code point but lone surrogates). */
const text = (maxLength = 40) => fc.string({ unit: 'binary', maxLength });
/** Text with many of the characters parsers care about. */
const tricky = (maxLength = 40) =>
  fc.string({
    unit: fc.oneof(
      fc.constantFrom('%', '+', '&', '=', ':', '/', '?', '#', '@', '\\', '.', ' ', '\r', '\n', '\0', '"', "'", '<', '>', '%00', '%ZZ', '%C3', '%ED%A0%80', '%FF', '%2F', '__proto__'),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    ),
    maxLength,
  });
/** A value a body or query parser could hand on: a string, a repeat, or what JSON bodies carry. */
const rawValue = fc.oneof(
  text(),
  tricky(),
  fc.array(text(), { minLength: 2, maxLength: 3 }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.dictionary(text(5), text(5), { maxKeys: 2 }),
  fc.constant('x'.repeat(MAX_PARAMETER_LENGTH + 1)),
);

const RUNS = { numRuns: 400 };

describe('form and query parsing (property)', () => {
  it('B15.2 decodes whatever URLSearchParams encodes, keeping repeats and order', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(text(12), text(30)), { maxLength: 8 }), (pairs) => {
        const parsed = parseForm(new URLSearchParams(pairs).toString());
        const expected = new Map<string, string[]>();
        for (const [name, value] of pairs) expected.set(name, [...(expected.get(name) ?? []), value]);
        assert.equal(Object.getPrototypeOf(parsed), null, 'no prototype to pollute');
        assert.deepEqual(Object.keys(parsed).sort(), [...expected.keys()].sort());
        for (const [name, values] of expected) assert.deepEqual(parsed[name], values.length === 1 ? values[0] : values);
      }),
      RUNS,
    );
  });

  it('B15.2 refuses malformed input only with MalformedFormError, and the query parser never throws', () => {
    fc.assert(
      fc.property(tricky(60), (input) => {
        try {
          const parsed = parseForm(input);
          for (const value of Object.values(parsed)) {
            for (const v of [value].flat()) assert.equal(typeof v, 'string');
          }
        } catch (error) {
          assert.ok(error instanceof MalformedFormError, String(error));
          assert.equal((parseQuery(input) as Record<symbol, unknown>)[MALFORMED], true);
          return;
        }
        assert.equal((parseQuery(input) as Record<symbol, unknown>)[MALFORMED], undefined);
      }),
      { numRuns: 2000 },
    );
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('B15.2 readParams yields single non-empty strings within the limit, or invalid_request', () => {
    fc.assert(
      fc.property(fc.dictionary(tricky(12), rawValue, { maxKeys: 6 }), (raw) => {
        try {
          const params = readParams(raw);
          for (const [name, value] of Object.entries(params)) {
            assert.equal(typeof value, 'string');
            assert.ok(value.length > 0 && value.length <= MAX_PARAMETER_LENGTH && !value.includes('\0'));
            assert.equal(raw[name], value);
          }
        } catch (error) {
          assert.ok(error instanceof OAuthError && error.error === 'invalid_request', String(error));
          // The description names the parameter, never its value.
          assert.ok((error.description ?? '').length < 120);
        }
      }),
      RUNS,
    );
  });
});

describe('error descriptions (property)', () => {
  it('B15.3 every error_description keeps to the RFC 6749 §5.2 charset: no CR, LF, TAB, quote or backslash', async () => {
    const charset = /^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/;
    fc.assert(
      fc.property(tricky(80), (text) => {
        assert.match(new OAuthError('invalid_request', text).description!, charset);
        // Parameter names end up in descriptions of repeated or oversized parameters.
        try {
          readParams({ [text]: ['a', 'b'] });
        } catch (error) {
          assert.match((error as OAuthError).description!, charset);
        }
      }),
      RUNS,
    );
    const owner: Client = {
      client_id: 'c1', client_secret_hash: 'h', name: 'C1', app_type: 'regular_web', callbacks: ['https://rp.test/cb'],
      allowed_logout_urls: [], grant_types: ['authorization_code'], token_endpoint_auth_method: 'client_secret_basic', is_first_party: true,
    };
    await fc.assert(
      fc.asyncProperty(tricky(30), async (name) => {
        fc.pre(!['client_id', 'redirect_uri', 'state', 'response_mode'].includes(name));
        const raw = { client_id: 'c1', redirect_uri: 'https://rp.test/cb', [name]: ['x', 'y'] };
        await assert.rejects(validateAuthorizationRequest(raw, { findClient: async () => owner, findResourceServer: async () => undefined }), (error: unknown) => {
          assert.ok(error instanceof AuthorizationError);
          assert.match(error.description!, charset);
          return true;
        });
      }),
      RUNS,
    );
  });
});

describe('credentials and tokens in requests (property)', () => {
  const formEncode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');

  it('A2.2 Basic credentials round-trip for any client_id and secret (RFC 6749 §2.3.1)', () => {
    fc.assert(
      fc.property(text(30).filter((s) => s !== ''), text(60), (clientId, secret) => {
        const header = `Basic ${Buffer.from(`${formEncode(clientId)}:${formEncode(secret)}`).toString('base64')}`;
        assert.deepEqual(readClientCredentials(header, {}), { method: 'client_secret_basic', clientId, clientSecret: secret });
      }),
      RUNS,
    );
  });

  it('A2.2 any Authorization header and body either names a client or fails as an OAuth error', () => {
    const header = fc.oneof(
      tricky(60),
      tricky(40).map((s) => `Basic ${s}`),
      tricky(40).map((s) => `Basic ${Buffer.from(s).toString('base64')}`),
      fc.constant(undefined),
    );
    const body = fc.record({ client_id: fc.option(text(20), { nil: undefined }), client_secret: fc.option(text(20), { nil: undefined }) }, { requiredKeys: [] });
    fc.assert(
      fc.property(header, body, (authorization, raw) => {
        const params = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== '')) as Record<string, string>;
        try {
          const presented = readClientCredentials(authorization, params);
          assert.ok(['client_secret_basic', 'client_secret_post', 'none'].includes(presented.method));
          if (presented.method === 'none') assert.equal(presented.clientSecret, undefined);
        } catch (error) {
          assert.ok(error instanceof OAuthError && ['invalid_client', 'invalid_request'].includes(error.error), String(error));
        }
      }),
      RUNS,
    );
  });

  it('A4.2 a bearer token is read from the header or a form body only, never from the query', () => {
    const request = fc.record({
      method: fc.constantFrom('GET', 'POST'),
      query: fc.dictionary(fc.constantFrom('access_token', 'x'), rawValue, { maxKeys: 2 }),
      authorization: fc.option(fc.oneof(tricky(50), tricky(50).map((s) => `Bearer ${s}`)), { nil: undefined }),
      contentType: fc.constantFrom('application/x-www-form-urlencoded', 'application/json', undefined),
      body: fc.option(fc.dictionary(fc.constantFrom('access_token', 'y'), rawValue, { maxKeys: 2 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(request, (r) => {
        const fake = {
          method: r.method,
          query: r.query,
          headers: { ...(r.authorization !== undefined && { authorization: r.authorization }), ...(r.contentType && { 'content-type': r.contentType }) },
          body: r.body,
        } as unknown as FastifyRequest;
        let token: string | undefined;
        try {
          token = readBearerToken(fake);
        } catch (error) {
          assert.ok(error instanceof OAuthError && error.error === 'invalid_request', String(error));
          return;
        }
        assert.equal(r.query.access_token, undefined, 'a query token is always refused');
        if (token !== undefined) {
          const fromHeader = r.authorization !== undefined;
          assert.ok(fromHeader ? /^[A-Za-z0-9\-._~+/]+=*$/.test(token) : r.method === 'POST' && r.contentType === 'application/x-www-form-urlencoded');
        }
      }),
      RUNS,
    );
  });

  it('B2.4 PKCE accepts exactly 43 to 128 unreserved characters; scopes are RFC 6749 §3.3 tokens', () => {
    const unreserved = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~'.split(''));
    fc.assert(
      fc.property(fc.string({ unit: unreserved, minLength: 43, maxLength: 128 }), (value) => {
        assert.equal(isValidCodeVerifier(value), true);
        assert.equal(isValidCodeChallenge(value), true);
      }),
      RUNS,
    );
    fc.assert(
      fc.property(tricky(140), (value) => {
        const ok = value.length >= 43 && value.length <= 128 && /^[A-Za-z0-9\-._~]+$/.test(value);
        assert.equal(isValidCodeVerifier(value), ok);
        for (const token of parseScope(value)) {
          if (isValidScopeToken(token)) assert.match(token, /^[\x21\x23-\x5b\x5d-\x7e]+$/);
        }
      }),
      RUNS,
    );
  });
});

describe('redirect targets (property)', () => {
  const registered = 'https://rp.test/cb';
  const client: Client = {
    client_id: 'c1',
    client_secret_hash: 'h',
    name: 'C1',
    app_type: 'regular_web',
    callbacks: [registered, 'https://rp.test/cb?tenant=1'],
    allowed_logout_urls: ['https://rp.test/bye'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_basic',
    is_first_party: true,
  };
  const other: Client = { ...client, client_id: 'c2', callbacks: ['https://other.test/cb'], allowed_logout_urls: ['https://other.test/bye'] };
  const clients = [client, other];
  const findClient = async (id: string) => clients.find((c) => c.client_id === id);

  /** Near misses of a registered URI, the way redirect attacks build them. */
  const nearMiss = (uri: string) =>
    fc.oneof(
      tricky(8).map((s) => uri + s),
      tricky(8).map((s) => s + uri),
      fc.constantFrom(
        uri.toUpperCase(), uri.replace('https:', 'http:'), uri.replace('rp.test', 'rp.test:443'), uri.replace('rp.test', 'rp.test@evil.test'),
        uri.replace('rp.test', 'rp.test.evil.test'), uri.replace('https://', 'https://evil.test\\@'), `${uri}/`, `${uri}#x`, `${uri}/../x`, `${uri}%2F..`,
        uri.replace('https://', '//'), ` ${uri}`, `${uri}\n`,
      ),
      fc.nat({ max: uri.length - 1 }).chain((i) => text(1).map((c) => uri.slice(0, i) + c + uri.slice(i + 1))),
    );

  it('B3.1 B3.4 an authorization request redirects only to a registered URI of its own client, compared exactly', async () => {
    const raw = fc.record(
      {
        client_id: fc.constantFrom('c1', 'c2', 'unknown', ''),
        redirect_uri: fc.oneof(fc.constantFrom(...client.callbacks, ...other.callbacks), nearMiss(registered), fc.array(fc.constant(registered), { minLength: 2, maxLength: 2 })),
        response_type: fc.constantFrom('code', 'token', 'id_token', 'bogus'),
        scope: fc.oneof(fc.constant('openid'), tricky(20)),
        state: fc.oneof(text(20), fc.array(text(5), { minLength: 2, maxLength: 2 })),
        code_challenge: fc.oneof(fc.constant('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'), tricky(50)),
        code_challenge_method: fc.constantFrom('S256', 'plain', 'S512'),
        prompt: fc.constantFrom('none', 'login', 'none login', 'bogus'),
        max_age: fc.oneof(fc.constant('10'), tricky(5)),
        response_mode: fc.constantFrom('query', 'form_post', 'fragment'),
        extra: rawValue,
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(raw, async (input) => {
        const owner = clients.find((c) => c.client_id === input.client_id);
        // The one target allowed: the URI sent, if registered exactly, or the only one registered if none was sent.
        const allowed = !owner ? undefined
          : input.redirect_uri === undefined ? (owner.callbacks.length === 1 ? owner.callbacks[0] : undefined)
          : typeof input.redirect_uri === 'string' && owner.callbacks.includes(input.redirect_uri) ? input.redirect_uri
          : undefined;
        try {
          const request = await validateAuthorizationRequest(input, { findClient, findResourceServer: async () => undefined });
          assert.equal(request.redirect_uri, allowed);
        } catch (error) {
          assert.ok(error instanceof AuthorizationError, String(error));
          if (error.redirectUri !== undefined) {
            assert.equal(error.redirectUri, allowed, `redirected to ${error.redirectUri} for ${JSON.stringify(input.redirect_uri)}`);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('B3.4 A7.2 a logout redirects only to an allowed logout URL of the named client', async () => {
    const ctx = {
      storage: { clients: { findById: findClient } },
      keys: { resolveVerificationKey: async () => undefined },
      settings: { issuer: 'https://issuer.test/' },
    } as unknown as ProtocolContext;
    const params = fc.record(
      {
        client_id: fc.constantFrom('c1', 'c2', 'unknown'),
        post_logout_redirect_uri: fc.oneof(fc.constantFrom(...client.allowed_logout_urls, ...other.allowed_logout_urls), nearMiss('https://rp.test/bye')),
        state: text(20),
        id_token_hint: tricky(40),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(params, async (input) => {
        const clean = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== '')) as Record<string, string>;
        try {
          const logout = await verifyLogoutRequest(ctx, clean, undefined);
          const target = postLogoutRedirect(logout);
          if (target !== undefined) {
            const owner = clients.find((c) => c.client_id === clean.client_id)!;
            assert.ok(owner.allowed_logout_urls.includes(clean.post_logout_redirect_uri!));
            assert.ok(target.startsWith(clean.post_logout_redirect_uri!));
            assert.equal(new URL(target).origin, new URL(clean.post_logout_redirect_uri!).origin);
          }
          assert.equal(clean.id_token_hint, undefined, 'a garbage hint is never accepted');
        } catch (error) {
          assert.ok(error instanceof LogoutRequestError, String(error));
        }
      }),
      { numRuns: 600 },
    );
  });
});

describe('JWTs presented to Latchkey (property)', () => {
  const issuer = 'https://issuer.test/';
  let storage: KyselyStorage;
  let keys: KeySet;
  let hint: string;
  before(async () => {
    storage = await KyselyStorage.open('sqlite::memory:');
    keys = new KeySet(storage.signingKeys);
    await keys.load(['RS256']);
    hint = await keys.sign({ iss: issuer, sub: 'user-1', aud: 'c1', iat: 1, exp: 2 }, { typ: 'JWT' });
  });
  after(() => storage.close());

  const header = (token: string) => JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as Record<string, unknown>;
  const withHeader = (token: string, changes: Record<string, unknown>) => {
    const [, payload, signature] = token.split('.');
    return [base64url.encode(JSON.stringify({ ...header(token), ...changes })), payload, signature].join('.');
  };

  it('B14.1 B14.3 an id_token_hint with any header or byte changed is refused', async () => {
    assert.equal((await verifyIdTokenHint(keys, hint, { issuer, clientId: 'c1' }))?.sub, 'user-1', 'the genuine hint verifies');
    const headerChange = fc.record(
      {
        alg: fc.constantFrom('none', 'None', 'NONE', 'HS256', 'HS512', 'RS512', 'PS256', 'ES256', 'EdDSA', ''),
        kid: fc.oneof(fc.constantFrom('../../../../dev/null', '" or 1=1 --', ''), tricky(20)),
        jku: fc.constant('https://evil.test/jwks.json'),
        x5u: fc.constant('https://evil.test/cert.pem'),
        jwk: fc.constant({ kty: 'oct', k: 'c2VjcmV0' }),
        typ: fc.constantFrom('at+jwt', 'logout+jwt', 'JWT'),
      },
      { requiredKeys: [] },
    ).filter((changes) => Object.keys(changes).length > 0 && !(Object.keys(changes).length === 1 && changes.typ === 'JWT'));
    await fc.assert(
      fc.asyncProperty(headerChange, async (changes) => {
        // Any change to the protected header breaks the signature, and what it names (jku, x5u,
        // jwk, kid) is never fetched nor trusted: the key is always one of ours, for its own alg.
        const result = await verifyIdTokenHint(keys, withHeader(hint, changes), { issuer, clientId: 'c1' });
        assert.equal(result, undefined, JSON.stringify(changes));
      }),
      { numRuns: 200 },
    );
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: hint.length - 1 }), fc.constantFrom(...'ABCabc012-_.'.split('')), async (index, replacement) => {
        fc.pre(hint[index] !== replacement);
        const tampered = hint.slice(0, index) + replacement + hint.slice(index + 1);
        const result = await verifyIdTokenHint(keys, tampered, { issuer, clientId: 'c1' });
        // Flipping the unused low bits of the last base64url character can leave the bytes equal.
        if (result !== undefined) assert.equal(Buffer.from(tampered.split('.')[2] ?? '', 'base64url').equals(Buffer.from(hint.split('.')[2]!, 'base64url')), true);
      }),
      { numRuns: 300 },
    );
    await fc.assert(
      fc.asyncProperty(tricky(80), async (garbage) => {
        assert.equal(await verifyIdTokenHint(keys, garbage, { issuer }), undefined);
      }),
      { numRuns: 300 },
    );
  });

  it('B14.2 an id_token_hint signed with HS256 keyed with our public key is refused', async () => {
    const jwks = JSON.parse(keys.jwks()) as { keys: Array<Record<string, string>> };
    const publicJwk = jwks.keys[0]!;
    const asSecret = [new TextEncoder().encode(JSON.stringify(publicJwk)), Buffer.from(publicJwk.n!, 'base64url')];
    for (const secret of asSecret) {
      const forged = await new SignJWT({ iss: issuer, sub: 'user-1', aud: 'c1' })
        .setProtectedHeader({ alg: 'HS256', kid: publicJwk.kid!, typ: 'JWT' })
        .sign(secret);
      assert.equal(await verifyIdTokenHint(keys, forged, { issuer, clientId: 'c1' }), undefined);
    }
    // A hint signed by a key of the attacker's own, even one embedded in its header, is refused.
    const { generateKeyPair } = await import('jose');
    const attacker = await generateKeyPair('RS256');
    const embedded = await new SignJWT({ iss: issuer, sub: 'user-1', aud: 'c1' })
      .setProtectedHeader({ alg: 'RS256', kid: publicJwk.kid!, jwk: await exportJWK(attacker.publicKey) })
      .sign(attacker.privateKey);
    assert.equal(await verifyIdTokenHint(keys, embedded, { issuer, clientId: 'c1' }), undefined);
  });
});
