import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidRequestError } from '../../src/core/errors.js';
import { extractBearerToken } from '../../src/core/extract-bearer-token.js';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln';

describe('extractBearerToken (RFC 6750 §2.1)', () => {
  it('reads the token of an Authorization: Bearer header, scheme case-insensitive', () => {
    assert.equal(extractBearerToken({ authorization: `Bearer ${TOKEN}`, url: '/' }), TOKEN);
    assert.equal(extractBearerToken({ authorization: `bearer ${TOKEN}`, url: '/' }), TOKEN);
    assert.equal(extractBearerToken({ authorization: [`BEARER  ${TOKEN}`], url: '/x?y=1' }), TOKEN);
  });

  it('finds no token without a header or with another scheme', () => {
    assert.equal(extractBearerToken({ authorization: undefined, url: '/' }), undefined);
    assert.equal(extractBearerToken({ authorization: '', url: '/' }), undefined);
    assert.equal(extractBearerToken({ authorization: 'Basic YWxhZGRpbjpvcGVuc2VzYW1l', url: '/' }), undefined);
  });

  for (const header of ['Bearer', 'Bearer ', 'Bearer a b', 'Bearer a,b', 'Bearer "abc"', 'Bearer abc=def', 'Bearer\tabc']) {
    it(`refuses the malformed header ${JSON.stringify(header)} as invalid_request`, () => {
      assert.throws(() => extractBearerToken({ authorization: header, url: '/' }), InvalidRequestError);
    });
  }

  it('refuses two Authorization headers', () => {
    assert.throws(
      () => extractBearerToken({ authorization: [`Bearer ${TOKEN}`, `Bearer ${TOKEN}`], url: '/' }),
      { name: 'InvalidRequestError', message: 'The request has more than one Authorization header' },
    );
  });

  it('refuses a token in the query string, with or without a header', () => {
    for (const authorization of [undefined, `Bearer ${TOKEN}`]) {
      assert.throws(() => extractBearerToken({ authorization, url: `/api?access_token=${TOKEN}` }), {
        name: 'InvalidRequestError',
        message: 'Access tokens are accepted only in the Authorization header',
      });
    }
    assert.throws(() => extractBearerToken({ authorization: undefined, url: '/api?a=1&access_token' }), InvalidRequestError);
    assert.equal(extractBearerToken({ authorization: `Bearer ${TOKEN}`, url: '/api?token=x' }), TOKEN);
  });
});
