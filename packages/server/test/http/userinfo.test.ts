import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { RunningLatchkey } from '../../src/server.js';
import { decodeJwt, obtainCode, redeemCode } from '../helpers/flows.js';
import { ALICE, startTestServer, TestClock } from '../helpers/test-server.js';

describe('GET and POST /userinfo', () => {
  let server: RunningLatchkey;
  let accessToken: string;
  let idToken: string;
  const clock = new TestClock();
  before(async () => {
    server = await startTestServer({ clock });
    const tokens = await redeemCode(server, await obtainCode(server));
    accessToken = tokens.body.access_token as string;
    idToken = tokens.body.id_token as string;
  });
  after(() => server.close());

  const call = (init: RequestInit & { query?: string } = {}) =>
    fetch(`${server.issuer}userinfo${init.query ?? ''}`, init).then(async (r) => ({ status: r.status, headers: r.headers, text: await r.text() }));

  it('A4.1 answers GET and POST with the header, and POST with a form body token', async () => {
    for (const response of [
      await call({ headers: { authorization: `Bearer ${accessToken}` } }),
      await call({ method: 'POST', headers: { authorization: `Bearer ${accessToken}` } }),
      await call({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `access_token=${accessToken}` }),
    ]) {
      assert.equal(response.status, 200);
      const claims = JSON.parse(response.text);
      assert.equal(claims.sub, decodeJwt(idToken).payload.sub, 'A3.3 the same sub as the ID token');
      assert.equal(claims.email, ALICE.email);
      assert.equal(claims.name, 'Alice');
    }
  });

  it('A4.2 no token: 401 with a bare Bearer challenge', async () => {
    const response = await call();
    assert.equal(response.status, 401);
    assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="latchkey"');
  });

  it('A4.2 a garbage token: 401 invalid_token', async () => {
    const response = await call({ headers: { authorization: 'Bearer not.a.jwt' } });
    assert.equal(response.status, 401);
    assert.match(response.headers.get('www-authenticate')!, /error="invalid_token"/);
  });

  it('A4.2 a token in the query string is refused', async () => {
    const response = await call({ query: `?access_token=${accessToken}` });
    assert.equal(response.status, 400);
    assert.match(response.headers.get('www-authenticate')!, /error="invalid_request"/);
  });

  it('B14.4 an ID token is not a bearer token', async () => {
    const response = await call({ headers: { authorization: `Bearer ${idToken}` } });
    assert.equal(response.status, 401);
  });

  it('B14.1 B14.2 B14.3 alg none, HS256 keyed with our public key, and foreign keys are refused', async () => {
    const { header, payload } = decodeJwt(accessToken);
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const none = `${encode({ ...header, alg: 'none' })}.${encode(payload)}.`;
    const jwks = await (await fetch(`${server.issuer}.well-known/jwks.json`)).text();
    const hs256 = await new SignJWT(payload).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: header.kid as string }).sign(new TextEncoder().encode(jwks));
    const foreign = await generateKeyPair('RS256');
    const foreignJwk = await exportJWK(foreign.publicKey);
    const signedByOther = await new SignJWT(payload).setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: header.kid as string }).sign(foreign.privateKey);
    const embeddedJwk = await new SignJWT(payload).setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', jwk: foreignJwk }).sign(foreign.privateKey);
    const traversalKid = await new SignJWT(payload).setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: '../../etc/passwd' }).sign(foreign.privateKey);
    const tampered = `${accessToken.split('.')[0]}.${encode({ ...payload, sub: 'auth0|someone-else' })}.${accessToken.split('.')[2]}`;
    for (const token of [none, hs256, signedByOther, embeddedJwk, traversalKid, tampered]) {
      const response = await call({ headers: { authorization: `Bearer ${token}` } });
      assert.equal(response.status, 401);
      assert.match(response.headers.get('www-authenticate')!, /error="invalid_token"/);
    }
  });

  it('C3.2 an expired token is invalid_token', async () => {
    const tokens = await redeemCode(server, await obtainCode(server));
    clock.advance(86_401);
    const response = await call({ headers: { authorization: `Bearer ${tokens.body.access_token}` } });
    assert.equal(response.status, 401);
    assert.match(response.headers.get('www-authenticate')!, /error="invalid_token"/);
  });
});
