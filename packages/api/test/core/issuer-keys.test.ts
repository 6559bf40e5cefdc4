import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { InvalidTokenError, IssuerUnavailableError } from '../../src/core/errors.js';
import { DISCOVERY_RETRY_DELAY } from '../../src/core/issuer-keys.js';
import { createAccessTokenVerifier } from '../../src/core/verify-access-token.js';
import { AUDIENCE, startTestIssuer } from '../helpers/test-issuer.js';
import type { TestIssuer } from '../helpers/test-issuer.js';
import { hmacWithPublicKeyToken, noneToken } from '../helpers/tokens.js';

describe('the cached remote key set', () => {
  let issuer: TestIssuer;

  beforeEach(async () => {
    issuer = await startTestIssuer();
  });
  afterEach(() => issuer.close());

  it('fetches the key set once for many tokens', async () => {
    const verifier = createAccessTokenVerifier({ issuer: issuer.issuer, jwksUri: issuer.jwksUri, audience: AUDIENCE });
    for (let i = 0; i < 5; i++) await verifier.verify(await issuer.sign());
    await Promise.all(Array.from({ length: 5 }, async () => verifier.verify(await issuer.sign())));
    assert.equal(issuer.jwksRequests, 1);
  });

  it('refetches once for a rotated key, and a flood of unknown kids does not refetch per token', async (t) => {
    // jose times the cooldown with Date.now(); move Date instead of sleeping.
    t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
    const verifier = createAccessTokenVerifier({ issuer: issuer.issuer, jwksUri: issuer.jwksUri, audience: AUDIENCE });
    const withKid = (kid: string) => issuer.sign({ header: { kid } });

    await verifier.verify(await issuer.sign());
    assert.equal(issuer.jwksRequests, 1);

    // The issuer rotates: a new key appears in its key set. Past the 30 s cooldown, the first
    // token naming it makes the verifier fetch the key set again, once, and succeed.
    const rotated = await issuer.addKey();
    t.mock.timers.tick(30_001);
    const result = await verifier.verify(await issuer.sign({ key: rotated }));
    assert.equal(result.header.kid, rotated.kid);
    assert.equal(issuer.jwksRequests, 2);

    // Right after that fetch, tokens with made-up kids are refused from the cache.
    for (let i = 0; i < 25; i++) {
      await assert.rejects(verifier.verify(await withKid(randomUUID())), InvalidTokenError);
    }
    await Promise.all(
      Array.from({ length: 25 }, async () =>
        assert.rejects(verifier.verify(await withKid(randomUUID())), InvalidTokenError),
      ),
    );
    assert.equal(issuer.jwksRequests, 2);

    // Past the cooldown, a burst of unknown kids costs one fetch in all, not one per token.
    t.mock.timers.tick(30_001);
    await Promise.all(
      Array.from({ length: 25 }, async () =>
        assert.rejects(verifier.verify(await withKid(randomUUID())), InvalidTokenError),
      ),
    );
    for (let i = 0; i < 10; i++) {
      await assert.rejects(verifier.verify(await withKid(randomUUID())), InvalidTokenError);
    }
    assert.equal(issuer.jwksRequests, 3);
  });

  it('within the cooldown, does not refetch even for a key the issuer just added', async (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
    const verifier = createAccessTokenVerifier({
      issuer: issuer.issuer,
      jwksUri: issuer.jwksUri,
      audience: AUDIENCE,
      cooldownDuration: 10_000,
    });
    await verifier.verify(await issuer.sign());
    const rotated = await issuer.addKey();
    t.mock.timers.tick(9_999);
    await assert.rejects(verifier.verify(await issuer.sign({ key: rotated })), InvalidTokenError);
    assert.equal(issuer.jwksRequests, 1);
    t.mock.timers.tick(2);
    await verifier.verify(await issuer.sign({ key: rotated }));
    assert.equal(issuer.jwksRequests, 2);
  });
});

describe('discovery', () => {
  let issuer: TestIssuer;

  beforeEach(async () => {
    issuer = await startTestIssuer();
  });
  afterEach(() => issuer.close());

  it('finds the keys through <issuer>.well-known/openid-configuration, once', async () => {
    const verifier = createAccessTokenVerifier({ issuer: issuer.issuer, audience: AUDIENCE });
    await Promise.all(Array.from({ length: 5 }, async () => verifier.verify(await issuer.sign())));
    await verifier.verify(await issuer.sign());
    assert.equal(issuer.discoveryRequests, 1);
    assert.equal(issuer.jwksRequests, 1);
  });

  it('refuses malformed, unsigned, HMAC and wrong-typ tokens without contacting the issuer', async () => {
    const verifier = createAccessTokenVerifier({ issuer: issuer.issuer, audience: AUDIENCE });
    const tokens = [
      'not-a-jwt',
      'abc.def.ghi',
      noneToken(issuer),
      await hmacWithPublicKeyToken(issuer),
      await issuer.sign({ header: { typ: 'JWT' } }),
    ];
    for (const token of tokens) await assert.rejects(verifier.verify(token), InvalidTokenError);
    assert.equal(issuer.discoveryRequests, 0);
    assert.equal(issuer.jwksRequests, 0);
  });

  it('accepts issuerBaseURL without the trailing slash of the issuer', async () => {
    const verifier = createAccessTokenVerifier({ issuerBaseURL: issuer.issuer.slice(0, -1), audience: AUDIENCE });
    const result = await verifier.verify(await issuer.sign());
    assert.equal(result.payload.iss, issuer.issuer);
    assert.equal(issuer.discoveryRequests, 1);
  });

  it('refuses metadata whose issuer is not the configured one', async () => {
    issuer.discoveryIssuer = 'https://evil.example/';
    const verifier = createAccessTokenVerifier({ issuer: issuer.issuer, audience: AUDIENCE });
    await assert.rejects(verifier.verify(await issuer.sign()), (error: unknown) => {
      assert.ok(error instanceof IssuerUnavailableError);
      assert.equal(error.description, "The authorization server's metadata does not match this API's configuration");
      return true;
    });
    assert.equal(issuer.jwksRequests, 0);
  });

  it('after a failed discovery, fails fast until the retry delay has passed', async () => {
    let now = 1_900_000_000_000;
    const verifier = createAccessTokenVerifier({ issuer: issuer.issuer, audience: AUDIENCE, clock: () => new Date(now) });
    const token = await issuer.sign({ now: Math.floor(now / 1000) });

    issuer.failWith = 503;
    for (let i = 0; i < 5; i++) await assert.rejects(verifier.verify(token), IssuerUnavailableError);
    assert.equal(issuer.discoveryRequests, 1);

    issuer.failWith = undefined;
    now += DISCOVERY_RETRY_DELAY - 1;
    await assert.rejects(verifier.verify(token), IssuerUnavailableError);
    assert.equal(issuer.discoveryRequests, 1);

    now += 1;
    assert.equal((await verifier.verify(token)).payload.sub, 'user-1');
    assert.equal(issuer.discoveryRequests, 2);
  });
});
