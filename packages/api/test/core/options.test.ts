import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveVerifierOptions } from '../../src/core/options.js';
import type { AccessTokenVerifierOptions } from '../../src/core/options.js';

const base = { issuer: 'https://issuer.example/', jwksUri: 'https://issuer.example/jwks.json', audience: 'https://api.example.test/' };

/** Options as a config file could give them, bypassing the TypeScript types on purpose. */
function resolve(options: Record<string, unknown>) {
  return resolveVerifierOptions(options as unknown as AccessTokenVerifierOptions);
}

describe('resolveVerifierOptions', () => {
  it('applies the defaults and freezes the result', () => {
    const resolved = resolve(base);
    assert.deepEqual(resolved.algorithms, ['RS256']);
    assert.equal(resolved.clockTolerance, 5);
    assert.deepEqual(resolved.tokenTypes, ['at+jwt']);
    assert.deepEqual(resolved.audience, ['https://api.example.test/']);
    assert.equal(resolved.cooldownDuration, 30_000);
    assert.ok(Object.isFrozen(resolved));
    assert.ok(Object.isFrozen(resolved.algorithms));
  });

  for (const alg of ['none', 'None', 'HS256', 'HS384', 'HS512', 'hs256']) {
    it(`refuses the algorithm ${alg} at configuration time`, () => {
      assert.throws(() => resolve({ ...base, algorithms: ['RS256', alg] }), {
        name: 'TypeError',
        message: /never/,
      });
    });
  }

  it('refuses an unknown algorithm and an empty list', () => {
    assert.throws(() => resolve({ ...base, algorithms: ['RSA-OAEP'] }), /not a supported asymmetric JWS algorithm/);
    assert.throws(() => resolve({ ...base, algorithms: [] }), /non-empty array/);
  });

  it('requires an audience', () => {
    assert.throws(() => resolve({ ...base, audience: undefined }), /"audience" is required/);
    assert.throws(() => resolve({ ...base, audience: [] }), /"audience" is required/);
    assert.throws(() => resolve({ ...base, audience: [''] }), /non-empty strings/);
  });

  it('requires an issuer, and only one way of giving it', () => {
    assert.throws(() => resolve({ audience: 'a' }), /"issuerBaseURL" or "issuer" is required/);
    assert.throws(() => resolve({ ...base, issuerBaseURL: 'https://issuer.example' }), /not both/);
    assert.throws(() => resolve({ issuer: 'not a url', audience: 'a' }), /absolute URL/);
    assert.throws(() => resolve({ issuer: 'ftp://issuer.example/', audience: 'a' }), /http\(s\)/);
  });

  it('derives the discovery URL from the issuer', () => {
    const withSlash = resolve({ issuer: 'https://issuer.example/tenant/', audience: 'a' }).source;
    assert.equal(withSlash.kind, 'discovery');
    assert.equal(
      withSlash.kind === 'discovery' && withSlash.discoveryUrl.href,
      'https://issuer.example/tenant/.well-known/openid-configuration',
    );
    const base = resolve({ issuerBaseURL: 'http://localhost:4000', audience: 'a' }).source;
    assert.equal(base.kind === 'discovery' && base.discoveryUrl.href, 'http://localhost:4000/.well-known/openid-configuration');
    assert.deepEqual(base.kind === 'discovery' && [...base.acceptedIssuers].sort(), ['http://localhost:4000', 'http://localhost:4000/']);
  });

  it('refuses a negative or non-numeric clockTolerance and typ values outside RFC 9068', () => {
    assert.throws(() => resolve({ ...base, clockTolerance: -1 }), /clockTolerance/);
    assert.throws(() => resolve({ ...base, clockTolerance: Number.NaN }), /clockTolerance/);
    assert.throws(() => resolve({ ...base, clockTolerance: '5s' }), /clockTolerance/);
    assert.throws(() => resolve({ ...base, tokenTypes: ['JWT'] }), /tokenTypes/);
  });
});
