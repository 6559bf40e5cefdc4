import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { createFixture, poolUser, poolUsers } from '../src/fixture.js';

test('the sign-in flow users are distinct, and the pool starts over after its last user', async () => {
  const { flowUsers, user } = await createFixture();
  const emails = new Set(poolUsers(flowUsers).map((u) => u.email));
  assert.equal(emails.size, flowUsers.size);
  assert.ok(!emails.has(user.email), 'the other scenarios keep their own user');
  assert.deepEqual(poolUser(flowUsers, flowUsers.size + 3), poolUser(flowUsers, 3));
});
