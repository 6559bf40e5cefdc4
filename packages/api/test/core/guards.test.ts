import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InsufficientScopeError } from '../../src/core/errors.js';
import { claimEqualsGuard, claimGuard, permissionsGuard, scopesGuard } from '../../src/core/guards.js';

describe('guards', () => {
  it('scopesGuard requires every scope, as whole space-separated words', () => {
    const guard = scopesGuard(['read:messages', 'write:messages']);
    assert.doesNotThrow(() => guard({ scope: 'openid write:messages read:messages' }));
    for (const scope of [undefined, '', 'read:messages', 'read:messages write:messages2', 'read:messageswrite:messages']) {
      assert.throws(() => guard({ scope }), (error: unknown) => {
        assert.ok(error instanceof InsufficientScopeError);
        assert.equal(error.scope, 'read:messages write:messages');
        return true;
      });
    }
  });

  it('scopesGuard ignores a scope claim that is not a string', () => {
    assert.throws(() => scopesGuard(['a'])({ scope: ['a'] as unknown as string }), InsufficientScopeError);
  });

  it('permissionsGuard requires every permission in the permissions array', () => {
    const guard = permissionsGuard(['delete:messages']);
    assert.doesNotThrow(() => guard({ permissions: ['read:messages', 'delete:messages'] }));
    assert.throws(() => guard({ permissions: ['read:messages'] }), InsufficientScopeError);
    assert.throws(() => guard({ scope: 'delete:messages' }), InsufficientScopeError);
    assert.throws(() => guard({ permissions: 'delete:messages' as unknown as string[] }), InsufficientScopeError);
  });

  it('claimGuard and claimEqualsGuard refuse unless the claim matches', () => {
    const check = claimGuard((payload) => payload['org_id'] === 'org_1', 'Wrong organization');
    assert.doesNotThrow(() => check({ org_id: 'org_1' }));
    assert.throws(() => check({ org_id: 'org_2' }), { name: 'InsufficientScopeError', message: 'Wrong organization' });
    const equals = claimEqualsGuard('roles', 'admin');
    assert.doesNotThrow(() => equals({ roles: ['user', 'admin'] }));
    assert.throws(() => equals({ roles: ['user'] }), InsufficientScopeError);
    assert.throws(() => equals({}), InsufficientScopeError);
  });

  it('refuses invalid guard arguments when the guard is created', () => {
    assert.throws(() => scopesGuard([]), TypeError);
    assert.throws(() => scopesGuard(['read messages']), TypeError);
    assert.throws(() => scopesGuard(['a"b']), TypeError);
    assert.throws(() => permissionsGuard([]), TypeError);
  });
});
