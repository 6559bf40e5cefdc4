import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  InsufficientScopeError,
  InvalidRequestError,
  InvalidTokenError,
  IssuerUnavailableError,
  MissingTokenError,
} from '../../src/core/errors.js';
import { renderBearerError } from '../../src/core/render-error.js';

describe('renderBearerError (RFC 6750 §3)', () => {
  it('sends a bare challenge when no token was sent', () => {
    const { status, headers, body } = renderBearerError(new MissingTokenError());
    assert.equal(status, 401);
    assert.equal(headers['www-authenticate'], 'Bearer realm="api"');
    assert.deepEqual(body, { error: 'unauthorized', error_description: 'An access token is required' });
  });

  it('puts the error code and description in the challenge', () => {
    const invalid = renderBearerError(new InvalidTokenError('The access token expired'));
    assert.equal(invalid.status, 401);
    assert.equal(
      invalid.headers['www-authenticate'],
      'Bearer realm="api", error="invalid_token", error_description="The access token expired"',
    );
    const request = renderBearerError(new InvalidRequestError('Bad header'));
    assert.equal(request.status, 400);
    assert.equal(request.headers['www-authenticate'], 'Bearer realm="api", error="invalid_request", error_description="Bad header"');
  });

  it('names the missing scopes for insufficient_scope', () => {
    const { status, headers, body } = renderBearerError(new InsufficientScopeError('Missing scope', 'read:messages write:messages'));
    assert.equal(status, 403);
    assert.equal(
      headers['www-authenticate'],
      'Bearer realm="api", error="insufficient_scope", error_description="Missing scope", scope="read:messages write:messages"',
    );
    assert.equal(body.scope, 'read:messages write:messages');
  });

  it('keeps quotes, backslashes and control characters out of the quoted strings', () => {
    const { headers } = renderBearerError(new InsufficientScopeError('a "quoted"\\ value\r\n'));
    assert.equal(headers['www-authenticate'], 'Bearer realm="api", error="insufficient_scope", error_description="a quoted value"');
  });

  it('answers 503 without a challenge when the issuer is unavailable', () => {
    const { status, headers, body } = renderBearerError(new IssuerUnavailableError('down', { cause: new Error('ECONNREFUSED') }));
    assert.equal(status, 503);
    assert.equal(headers['www-authenticate'], undefined);
    assert.deepEqual(body, { error: 'temporarily_unavailable', error_description: 'down' });
  });
});
