/**
 * JWT attacks wherever Latchkey verifies a JWT it is handed: the id_token_hint of /authorize and
 * of logout, bearer tokens at userinfo, the state of /continue (a post-login action's return), and
 * client assertions (which Latchkey does not accept at all). RFC 8725 §2.1, §3.1, §3.11; ASVS 9.1.2, 9.1.3, 9.2.2.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { base64url, exportJWK, exportSPKI, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import type { RunningLatchkey } from '../../src/server.js';
import type { Browser } from '../helpers/browser.js';
import { decodeJwt, getUserinfo, postToken } from '../helpers/flows.js';
import { signInForTokens } from '../helpers/lifecycle.js';
import { startTestServer, WEB_APP } from '../helpers/test-server.js';

const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const LOGOUT_URL = 'http://127.0.0.1:3000/';

describe('forged JWTs', () => {
  let server: RunningLatchkey;
  let browser: Browser;
  let idToken: string;
  let accessToken: string;
  let publicJwk: JWK;
  const forged = new Map<string, string>();

  before(async () => {
    server = await startTestServer();
    const signedIn = await signInForTokens(server, { scope: 'openid profile' });
    browser = signedIn.browser;
    idToken = signedIn.idToken!;
    accessToken = signedIn.accessToken;
    publicJwk = ((await (await fetch(`${server.issuer}.well-known/jwks.json`)).json()) as { keys: JWK[] }).keys[0]!;

    const [header, payload, signature] = idToken.split('.') as [string, string, string];
    const claims = decodeJwt(idToken).payload;
    const kid = decodeJwt(idToken).header.kid as string;
    const encode = (value: unknown) => base64url.encode(JSON.stringify(value));
    for (const alg of ['none', 'None', 'NONE']) forged.set(`alg ${alg}`, `${encode({ alg, kid, typ: 'JWT' })}.${payload}.`);
    forged.set('alg none keeping the signature', `${encode({ alg: 'none', kid })}.${payload}.${signature}`);
    forged.set('tampered payload', `${header}.${encode({ ...claims, sub: 'auth0|someone-else' })}.${signature}`);
    // HS256 keyed with our public key, as the JWK JSON, as PEM, and as the raw modulus.
    const pem = await exportSPKI((await importJWK(publicJwk, 'RS256', { extractable: true })) as Parameters<typeof exportSPKI>[0]);
    for (const [name, secret] of [['JWK', JSON.stringify(publicJwk)], ['PEM', pem], ['modulus', publicJwk.n!]] as const) {
      forged.set(`HS256 with the public key as ${name}`, await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid, typ: 'JWT' }).sign(new TextEncoder().encode(secret)));
    }
    // The attacker's own key: under our kid, an unknown kid, a path, or pointed to by jku / x5u / jwk.
    const attacker = await generateKeyPair('RS256', { extractable: true });
    const attackerJwk = await exportJWK(attacker.publicKey);
    const headers: Record<string, Record<string, unknown>> = {
      'a foreign key under our kid': { kid },
      'an unknown kid': { kid: 'attacker-key' },
      'a path-traversal kid': { kid: '../../../../../../dev/null' },
      'a jku to an attacker JWKS': { kid: 'attacker', jku: 'http://127.0.0.1:9/jwks.json' },
      'an x5u to an attacker certificate': { kid: 'attacker', x5u: 'http://127.0.0.1:9/cert.pem' },
      'an embedded jwk': { jwk: attackerJwk },
    };
    for (const [name, extra] of Object.entries(headers)) {
      forged.set(name, await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT', ...extra }).sign(attacker.privateKey));
    }
    // Real tokens of ours that are not ID tokens (RFC 8725 §3.11).
    forged.set('an access token (at+jwt)', accessToken);
    forged.set('a logout token', await server.ctx.keys.sign(
      { iss: server.issuer, aud: WEB_APP.client_id, sub: claims.sub as string, iat: claims.iat as number, jti: 'j1', events: { 'http://schemas.openid.net/event/backchannel-logout': {} } },
      { typ: 'logout+jwt' },
    ));
  });
  after(() => server.close());

  const silent = (hint: string) =>
    browser.get(`${server.issuer}authorize?${new URLSearchParams({
      response_type: 'code', client_id: WEB_APP.client_id, redirect_uri: WEB_APP.callback, scope: 'openid', state: 'st',
      prompt: 'none', id_token_hint: hint, code_challenge: CHALLENGE, code_challenge_method: 'S256',
    })}`);

  it('the genuine ID token is accepted as a hint (so each refusal below is the forgery\'s doing)', async () => {
    const response = await silent(idToken);
    assert.ok(new URL(response.location!).searchParams.get('code'));
  });

  it('B14.1 B14.2 B14.3 B14.4 /authorize?prompt=none refuses every forged or foreign id_token_hint, issuing no code', async () => {
    assert.ok(forged.size >= 15);
    for (const [name, hint] of forged) {
      const response = await silent(hint);
      assert.equal(response.status, 302, name);
      const location = new URL(response.location!);
      assert.equal(`${location.origin}${location.pathname}`, WEB_APP.callback, name);
      assert.equal(location.searchParams.get('error'), 'invalid_request', name);
      assert.equal(location.searchParams.get('code'), null, name);
      assert.equal(location.searchParams.get('iss'), server.issuer, name);
    }
  });

  it('B14.1 B14.2 B14.3 B14.4 A7.2 logout refuses every forged hint without redirecting, and the session survives', async () => {
    for (const [name, hint] of forged) {
      const response = await browser.get(`${server.issuer}oidc/logout?${new URLSearchParams({ id_token_hint: hint, post_logout_redirect_uri: LOGOUT_URL, state: 's' })}`);
      assert.equal(response.status, 400, name);
      assert.equal(response.location, undefined, name);
      assert.doesNotMatch(response.text, /127\.0\.0\.1:3000/, `${name}: the target is not even offered as a link`);
    }
    const still = await silent(idToken);
    assert.ok(new URL(still.location!).searchParams.get('code'), 'still signed in');
  });

  it('B14.2 B14.3 B14.4 userinfo refuses the same forgeries as bearer tokens, and the ID token itself', async () => {
    assert.equal((await getUserinfo(server, accessToken)).status, 200);
    for (const [name, token] of forged) {
      if (name === 'an access token (at+jwt)') continue;
      const response = await getUserinfo(server, token);
      assert.equal(response.status, 401, name);
      assert.match(response.headers.get('www-authenticate') ?? '', /error="invalid_token"/, name);
    }
    assert.equal((await getUserinfo(server, idToken)).status, 401, 'an ID token is not an access token');
  });

  it('B14.1 B14.2 B14.3 B14.4 /continue refuses every forged or foreign token as its state, with a page and no redirect', async () => {
    for (const [name, token] of [...forged, ['the ID token', idToken] as const]) {
      const response = await browser.get(`${server.issuer}continue?${new URLSearchParams({ state: token })}`);
      assert.equal(response.status, 400, name);
      assert.equal(response.location, undefined, name);
      assert.match(response.headers.get('content-type') ?? '', /text\/html/, name);
    }
  });

  it('B9.1 client assertions are not a way in: every one is invalid_client, whatever its alg', async () => {
    const claims = { iss: WEB_APP.client_id, sub: WEB_APP.client_id, aud: server.issuer, jti: 'a1', exp: Math.floor(Date.now() / 1000) + 60 };
    const encode = (value: unknown) => base64url.encode(JSON.stringify(value));
    const assertions = [
      `${encode({ alg: 'none' })}.${encode(claims)}.`,
      await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(JSON.stringify(publicJwk))),
      await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(WEB_APP.client_secret)),
    ];
    for (const assertion of assertions) {
      for (const withId of [true, false]) {
        const response = await postToken(server, {
          grant_type: 'authorization_code', code: 'x', redirect_uri: WEB_APP.callback,
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion,
          ...(withId && { client_id: WEB_APP.client_id }),
        });
        assert.equal(response.status, 401);
        assert.equal(response.body.error, 'invalid_client');
      }
    }
    const discovery = (await (await fetch(`${server.issuer}.well-known/openid-configuration`)).json()) as Record<string, string[]>;
    assert.ok(!discovery.token_endpoint_auth_methods_supported!.includes('private_key_jwt'));
  });
});
