import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { InvalidTokenError, IssuerUnavailableError } from '../../src/core/errors.js';
import { createAccessTokenVerifier } from '../../src/core/verify-access-token.js';
import type { AccessTokenVerifierOptions } from '../../src/core/options.js';
import { AUDIENCE, generateSigningKey, startTestIssuer } from '../helpers/test-issuer.js';
import type { TestIssuer } from '../helpers/test-issuer.js';
import { hmacWithPublicKeyToken, noneToken } from '../helpers/tokens.js';

/** Asserts that `promise` rejects with `type` and exactly `description`. */
async function rejectsWith(
  promise: Promise<unknown>,
  type: typeof InvalidTokenError | typeof IssuerUnavailableError,
  description: string,
): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof type, `expected ${type.name}, got ${String(error)}`);
    assert.equal(error.description, description);
    return true;
  });
}

describe('createAccessTokenVerifier', () => {
  let issuer: TestIssuer;
  let options: AccessTokenVerifierOptions;

  before(async () => {
    issuer = await startTestIssuer();
    options = { issuer: issuer.issuer, jwksUri: issuer.jwksUri, audience: AUDIENCE };
  });
  after(() => issuer.close());

  it('accepts a valid access token and returns its payload, header and the token', async () => {
    const token = await issuer.sign({ claims: { sub: 'alice' } });
    const result = await createAccessTokenVerifier(options).verify(token);
    assert.equal(result.payload.sub, 'alice');
    assert.equal(result.payload.client_id, 'client-1');
    assert.equal(result.header.kid, issuer.keys[0]!.kid);
    assert.equal(result.header.typ, 'at+jwt');
    assert.equal(result.token, token);
  });

  it('accepts an audience given as a list when the token names one of them', async () => {
    const verifier = createAccessTokenVerifier({ ...options, audience: ['https://other.test/', AUDIENCE] });
    const token = await issuer.sign({ claims: { aud: [AUDIENCE, `${issuer.issuer}userinfo`] } });
    assert.equal((await verifier.verify(token)).payload.sub, 'user-1');
  });

  describe('expiry, with a frozen clock and the default 5 s tolerance', () => {
    const now = 1_900_000_000;
    const verifier = () => createAccessTokenVerifier({ ...options, clock: () => new Date(now * 1000) });

    it('accepts a token that expired 4 s ago', async () => {
      const token = await issuer.sign({ claims: { iat: now - 600, exp: now - 4 } });
      assert.equal((await verifier().verify(token)).payload.exp, now - 4);
    });

    it('refuses a token that expired 5 s ago', async () => {
      const token = await issuer.sign({ claims: { iat: now - 600, exp: now - 5 } });
      await rejectsWith(verifier().verify(token), InvalidTokenError, 'The access token expired');
    });

    it('honours a custom clockTolerance', async () => {
      const strict = createAccessTokenVerifier({ ...options, clockTolerance: 0, clock: () => new Date(now * 1000) });
      const token = await issuer.sign({ claims: { iat: now - 600, exp: now } });
      await rejectsWith(strict.verify(token), InvalidTokenError, 'The access token expired');
      const fresh = await issuer.sign({ claims: { iat: now - 600, exp: now + 1 } });
      assert.equal((await strict.verify(fresh)).payload.exp, now + 1);
    });

    it('refuses a token that is not valid yet (nbf beyond the tolerance)', async () => {
      const token = await issuer.sign({ claims: { iat: now, nbf: now + 6, exp: now + 600 } });
      await rejectsWith(verifier().verify(token), InvalidTokenError, 'The access token is not valid yet');
    });
  });

  it('refuses a token from another issuer', async () => {
    const token = await issuer.sign({ claims: { iss: 'https://evil.example/' } });
    await rejectsWith(
      createAccessTokenVerifier(options).verify(token),
      InvalidTokenError,
      'The access token was not issued by the expected issuer',
    );
  });

  it('refuses a token for another audience', async () => {
    const token = await issuer.sign({ claims: { aud: 'https://another-api.test/' } });
    await rejectsWith(
      createAccessTokenVerifier(options).verify(token),
      InvalidTokenError,
      'The access token is not meant for this API',
    );
  });

  it('refuses an unsigned token (alg: none)', async () => {
    await rejectsWith(
      createAccessTokenVerifier(options).verify(noneToken(issuer)),
      InvalidTokenError,
      'The access token is signed with an algorithm this API does not accept',
    );
  });

  it('refuses HS256 signed with the public key as the secret', async () => {
    await rejectsWith(
      createAccessTokenVerifier(options).verify(await hmacWithPublicKeyToken(issuer)),
      InvalidTokenError,
      'The access token is signed with an algorithm this API does not accept',
    );
  });

  it('refuses an asymmetric algorithm that is not in the allow-list', async () => {
    const es256 = await issuer.addKey({ alg: 'ES256' });
    const token = await issuer.sign({ key: es256 });
    await rejectsWith(
      createAccessTokenVerifier(options).verify(token),
      InvalidTokenError,
      'The access token is signed with an algorithm this API does not accept',
    );
    const allowing = createAccessTokenVerifier({ ...options, algorithms: ['RS256', 'ES256'] });
    assert.equal((await allowing.verify(token)).header.alg, 'ES256');
  });

  it('refuses a token whose signature does not match', async () => {
    const token = await issuer.sign();
    const [header, payload] = token.split('.');
    const other = await issuer.sign({ claims: { sub: 'mallory' } });
    const forged = `${header}.${other.split('.')[1]}.${token.split('.')[2]}`;
    assert.notEqual(payload, other.split('.')[1]);
    await rejectsWith(
      createAccessTokenVerifier(options).verify(forged),
      InvalidTokenError,
      'The access token signature is invalid',
    );
  });

  it('refuses a token signed by a key the issuer never published', async () => {
    const stranger = await generateSigningKey();
    const token = await issuer.sign({ key: stranger });
    await rejectsWith(
      createAccessTokenVerifier(options).verify(token),
      InvalidTokenError,
      "The access token is not signed with one of the issuer's keys",
    );
  });

  describe('typ (RFC 9068 §4)', () => {
    for (const typ of ['JWT', 'application/jwt', 'at+JWT-wrong', undefined]) {
      it(`refuses typ ${String(typ)}`, async () => {
        const token = await issuer.sign({ header: { typ } });
        await rejectsWith(
          createAccessTokenVerifier(options).verify(token),
          InvalidTokenError,
          'The token is not an access token (typ must be at+jwt)',
        );
      });
    }

    it('accepts AT+JWT (media types are case-insensitive)', async () => {
      const token = await issuer.sign({ header: { typ: 'AT+JWT' } });
      assert.equal((await createAccessTokenVerifier(options).verify(token)).header.typ, 'AT+JWT');
    });

    it('refuses application/at+jwt by default and accepts it when tokenTypes allows it', async () => {
      const token = await issuer.sign({ header: { typ: 'application/at+jwt' } });
      await rejectsWith(
        createAccessTokenVerifier(options).verify(token),
        InvalidTokenError,
        'The token is not an access token (typ must be at+jwt)',
      );
      const both = createAccessTokenVerifier({ ...options, tokenTypes: ['at+jwt', 'application/at+jwt'] });
      assert.equal((await both.verify(token)).header.typ, 'application/at+jwt');
    });
  });

  describe('claims required by RFC 9068 §2.2', () => {
    for (const claim of ['exp', 'sub', 'client_id', 'iat', 'jti']) {
      it(`refuses a token without ${claim}`, async () => {
        const token = await issuer.sign({ claims: { [claim]: undefined } });
        await rejectsWith(
          createAccessTokenVerifier(options).verify(token),
          InvalidTokenError,
          `The access token lacks the ${claim} claim`,
        );
      });
    }
  });

  it('refuses garbage as malformed', async () => {
    await rejectsWith(createAccessTokenVerifier(options).verify('abc.def.ghi'), InvalidTokenError, 'The access token is malformed');
  });

  it('never puts the token in the error message', async () => {
    const token = await issuer.sign({ claims: { aud: 'https://another-api.test/' } });
    await assert.rejects(createAccessTokenVerifier(options).verify(token), (error: Error) => {
      assert.ok(!error.message.includes(token));
      assert.ok(!error.message.includes(token.split('.')[1]!));
      return true;
    });
  });
});

describe('createAccessTokenVerifier when the issuer is unreachable', () => {
  it('answers IssuerUnavailableError when the key set answers 500', async () => {
    const issuer = await startTestIssuer();
    try {
      issuer.failWith = 500;
      const verifier = createAccessTokenVerifier({ issuer: issuer.issuer, jwksUri: issuer.jwksUri, audience: AUDIENCE });
      await rejectsWith(
        verifier.verify(await issuer.sign()),
        IssuerUnavailableError,
        "The authorization server's signing keys could not be retrieved",
      );
      // Once the issuer is back, the same verifier works again.
      issuer.failWith = undefined;
      assert.equal((await verifier.verify(await issuer.sign())).payload.sub, 'user-1');
    } finally {
      await issuer.close();
    }
  });

  it('answers IssuerUnavailableError when nothing listens at the key set URL', async () => {
    const issuer = await startTestIssuer();
    const token = await issuer.sign();
    await issuer.close();
    const verifier = createAccessTokenVerifier({ issuer: issuer.issuer, jwksUri: issuer.jwksUri, audience: AUDIENCE });
    await rejectsWith(verifier.verify(token), IssuerUnavailableError, "The authorization server's signing keys could not be retrieved");
  });
});
