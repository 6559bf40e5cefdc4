import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { shouldRedirectToLogin } from '../../src/core/requires-auth.js';

describe('shouldRedirectToLogin', () => {
  it('redirects page loads', () => {
    assert.equal(shouldRedirectToLogin('GET', {}), true);
    assert.equal(shouldRedirectToLogin('GET', { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' }), true);
    assert.equal(shouldRedirectToLogin('HEAD', { accept: '*/*' }), true);
  });

  it('answers 401 to API calls and non-GET requests', () => {
    assert.equal(shouldRedirectToLogin('POST', { accept: 'text/html' }), false);
    assert.equal(shouldRedirectToLogin('GET', { accept: 'application/json' }), false);
    assert.equal(shouldRedirectToLogin('GET', { accept: 'application/json, */*' }), false);
    assert.equal(shouldRedirectToLogin('GET', { 'x-requested-with': 'XMLHttpRequest' }), false);
    assert.equal(shouldRedirectToLogin('GET', { accept: 'image/png' }), false);
  });
});
