/**
 * The HTTP behaviour both adapters must have, run against a real listening app built by each
 * adapter's test file, over real HTTP, with tokens from a real test issuer.
 *
 * Every app under test has these routes:
 *   GET /public    no protection
 *   GET /private   a valid token                      → { sub }
 *   GET /messages  scope read:messages                → { messages }
 *   GET /admin     permission delete:messages         → { ok: true }
 *   GET /org       claim org_id equal to org_1        → { ok: true }
 *   GET /staff     claim check: sub is staff-1        → { ok: true }
 *   GET /maybe     authRequired: false                → { sub } or { sub: null }
 */
import * as assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { AccessTokenVerifierOptions } from '../../src/core/options.js';
import { AUDIENCE, startTestIssuer } from './test-issuer.js';
import type { TestIssuer } from './test-issuer.js';
import { hmacWithPublicKeyToken, noneToken } from './tokens.js';

export interface AppUnderTest {
  url: string;
  close(): Promise<void>;
}

export type StartApp = (options: AccessTokenVerifierOptions) => Promise<AppUnderTest>;

interface Answer {
  status: number;
  challenge: string | null;
  body: Record<string, unknown>;
  text: string;
}

async function get(app: AppUnderTest, path: string, authorization?: string): Promise<Answer> {
  const response = await fetch(new URL(path, app.url), {
    headers: authorization === undefined ? {} : { authorization },
  });
  const text = await response.text();
  return {
    status: response.status,
    challenge: response.headers.get('www-authenticate'),
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    text,
  };
}

/** Sends a request with two Authorization header lines, which fetch cannot do. */
function getWithTwoAuthorizationHeaders(app: AppUnderTest, path: string, token: string): Promise<number> {
  const { hostname, port } = new URL(app.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\n` +
          `Authorization: Bearer ${token}\r\nAuthorization: Bearer ${token}\r\nConnection: close\r\n\r\n`,
      );
    });
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', reject);
    socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1])));
  });
}

function invalidToken(description: string): string {
  return `Bearer realm="api", error="invalid_token", error_description="${description}"`;
}

export function adapterContract(name: string, startApp: StartApp): void {
  describe(`${name} adapter over HTTP`, () => {
    let issuer: TestIssuer;
    let app: AppUnderTest;
    const bearer = async (claims?: Record<string, unknown>, header?: Record<string, unknown>) =>
      `Bearer ${await issuer.sign({ claims, header })}`;

    before(async () => {
      issuer = await startTestIssuer();
      app = await startApp({ issuer: issuer.issuer, jwksUri: issuer.jwksUri, audience: AUDIENCE });
    });
    after(async () => {
      await app.close();
      await issuer.close();
    });

    it('leaves unprotected routes alone', async () => {
      const answer = await get(app, '/public');
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.body, { ok: true });
    });

    it('answers 401 with a bare challenge when there is no token', async () => {
      const answer = await get(app, '/private');
      assert.equal(answer.status, 401);
      assert.equal(answer.challenge, 'Bearer realm="api"');
      assert.deepEqual(answer.body, { error: 'unauthorized', error_description: 'An access token is required' });
    });

    it('treats another authentication scheme as no token', async () => {
      const answer = await get(app, '/private', 'Basic YWxhZGRpbjpvcGVuc2VzYW1l');
      assert.equal(answer.status, 401);
      assert.equal(answer.challenge, 'Bearer realm="api"');
    });

    it('lets a valid token through and exposes the verified payload', async () => {
      const answer = await get(app, '/private', await bearer({ sub: 'alice' }));
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.body, { sub: 'alice' });
    });

    it('answers 401 invalid_token for an expired token', async () => {
      const now = Math.floor(Date.now() / 1000);
      const answer = await get(app, '/private', await bearer({ iat: now - 3600, exp: now - 60 }));
      assert.equal(answer.status, 401);
      assert.equal(answer.challenge, invalidToken('The access token expired'));
      assert.deepEqual(answer.body, { error: 'invalid_token', error_description: 'The access token expired' });
    });

    const refused: Array<[string, () => Promise<string>, string]> = [
      ['another issuer', () => bearer({ iss: 'https://evil.example/' }), 'The access token was not issued by the expected issuer'],
      ['another audience', () => bearer({ aud: 'https://another-api.test/' }), 'The access token is not meant for this API'],
      ['alg none', async () => `Bearer ${noneToken(issuer)}`, 'The access token is signed with an algorithm this API does not accept'],
      [
        'HS256 with the public key as secret',
        async () => `Bearer ${await hmacWithPublicKeyToken(issuer)}`,
        'The access token is signed with an algorithm this API does not accept',
      ],
      ['typ JWT (an ID token)', () => bearer({}, { typ: 'JWT' }), 'The token is not an access token (typ must be at+jwt)'],
    ];
    for (const [what, authorization, description] of refused) {
      it(`answers 401 invalid_token for ${what}`, async () => {
        const answer = await get(app, '/private', await authorization());
        assert.equal(answer.status, 401);
        assert.equal(answer.challenge, invalidToken(description));
        assert.equal(answer.body['error'], 'invalid_token');
      });
    }

    it('answers 400 invalid_request for a token in the query string, even with a valid header', async () => {
      const token = await issuer.sign();
      for (const authorization of [undefined, `Bearer ${token}`]) {
        const answer = await get(app, `/private?access_token=${token}`, authorization);
        assert.equal(answer.status, 400);
        assert.equal(
          answer.challenge,
          'Bearer realm="api", error="invalid_request", error_description="Access tokens are accepted only in the Authorization header"',
        );
        assert.equal(answer.body['error'], 'invalid_request');
      }
    });

    it('answers 400 invalid_request for a malformed Authorization header', async () => {
      for (const authorization of ['Bearer', 'Bearer a b', `Bearer "${await issuer.sign()}"`]) {
        const answer = await get(app, '/private', authorization);
        assert.equal(answer.status, 400, authorization);
        assert.equal(answer.body['error'], 'invalid_request');
      }
    });

    it('answers 400 for two Authorization headers', async () => {
      assert.equal(await getWithTwoAuthorizationHeaders(app, '/private', await issuer.sign()), 400);
    });

    it('never echoes the token in an error', async () => {
      const token = await issuer.sign({ claims: { aud: 'https://another-api.test/' } });
      const answer = await get(app, '/private', `Bearer ${token}`);
      assert.equal(answer.status, 401);
      for (const part of token.split('.')) {
        assert.ok(!answer.text.includes(part), 'body contains part of the token');
        assert.ok(!answer.challenge!.includes(part), 'challenge contains part of the token');
      }
    });

    it('requiredScopes: 200 with the scope, 403 insufficient_scope naming it without', async () => {
      const ok = await get(app, '/messages', await bearer({ scope: 'openid read:messages' }));
      assert.equal(ok.status, 200);
      assert.ok(Array.isArray(ok.body['messages']));

      const refusedAnswer = await get(app, '/messages', await bearer({ scope: 'openid read:messages:all' }));
      assert.equal(refusedAnswer.status, 403);
      assert.equal(
        refusedAnswer.challenge,
        'Bearer realm="api", error="insufficient_scope", error_description="The access token lacks a required scope", scope="read:messages"',
      );
      assert.deepEqual(refusedAnswer.body, {
        error: 'insufficient_scope',
        error_description: 'The access token lacks a required scope',
        scope: 'read:messages',
      });
    });

    it('requiredScopes still needs a valid token first', async () => {
      assert.equal((await get(app, '/messages')).status, 401);
      assert.equal((await get(app, '/messages', await bearer({ aud: 'https://another-api.test/' }))).status, 401);
    });

    it('requiredPermissions: 200 with the permission, 403 without', async () => {
      assert.equal((await get(app, '/admin', await bearer({ permissions: ['delete:messages'] }))).status, 200);
      const refusedAnswer = await get(app, '/admin', await bearer({ permissions: ['read:messages'], scope: 'delete:messages' }));
      assert.equal(refusedAnswer.status, 403);
      assert.equal(refusedAnswer.body['error'], 'insufficient_scope');
      assert.equal(refusedAnswer.body['error_description'], 'The access token lacks a required permission');
    });

    it('claimEquals and claimCheck: 200 when the claim matches, 403 otherwise', async () => {
      assert.equal((await get(app, '/org', await bearer({ org_id: 'org_1' }))).status, 200);
      assert.equal((await get(app, '/org', await bearer({ org_id: 'org_2' }))).status, 403);
      assert.equal((await get(app, '/staff', await bearer({ sub: 'staff-1' }))).status, 200);
      const refusedAnswer = await get(app, '/staff', await bearer({ sub: 'user-1' }));
      assert.equal(refusedAnswer.status, 403);
      assert.equal(refusedAnswer.body['error_description'], 'Staff only');
    });

    it('authRequired: false lets a request without a token through but still refuses a bad token', async () => {
      assert.deepEqual((await get(app, '/maybe')).body, { sub: null });
      assert.deepEqual((await get(app, '/maybe', await bearer({ sub: 'bob' }))).body, { sub: 'bob' });
      assert.equal((await get(app, '/maybe', await bearer({ iss: 'https://evil.example/' }))).status, 401);
    });

    it('answers 503 with a plain JSON body, no stack trace, when the issuer is unreachable', async () => {
      const down = await startTestIssuer();
      const token = await down.sign();
      down.failWith = 500;
      const downApp = await startApp({ issuer: down.issuer, jwksUri: down.jwksUri, audience: AUDIENCE });
      try {
        const answer = await get(downApp, '/private', `Bearer ${token}`);
        assert.equal(answer.status, 503);
        assert.equal(answer.challenge, null);
        assert.deepEqual(answer.body, {
          error: 'temporarily_unavailable',
          error_description: "The authorization server's signing keys could not be retrieved",
        });
      } finally {
        await downApp.close();
        await down.close();
      }
    });
  });
}
