import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hash } from '@node-rs/argon2';
import { needsRehash, verifyPassword } from '../../src/crypto/passwords.js';
import type { RunningLatchkey } from '../../src/server.js';
import { Browser } from '../helpers/browser.js';
import { obtainCode } from '../helpers/flows.js';
import { BOB, startTestServer, TestClock } from '../helpers/test-server.js';

describe('sign-in attacks: password storage', () => {
  let server: RunningLatchkey;
  const clock = new TestClock();
  before(async () => {
    server = await startTestServer({ clock });
  });
  after(() => server.close());

  it('B11.3 a hash of older argon2 parameters is replaced at the next successful sign-in', async () => {
    const bob = (await server.storage.users.findByEmail(BOB.email))!;
    const older = await hash(BOB.password, { algorithm: 2, memoryCost: 4096, timeCost: 1, parallelism: 1 });
    await server.storage.users.upsert({ ...bob, password_hash: older });

    await obtainCode(server, { user: BOB, browser: new Browser() });
    const upgraded = (await server.storage.users.findByEmail(BOB.email))!.password_hash!;
    assert.notEqual(upgraded, older);
    assert.equal(needsRehash(upgraded), false, upgraded.slice(0, 30));
    assert.equal(await verifyPassword(upgraded, BOB.password), true);

    // The upgraded hash signs in again and is kept as it is.
    await obtainCode(server, { user: BOB, browser: new Browser() });
    assert.equal((await server.storage.users.findByEmail(BOB.email))!.password_hash, upgraded);
  });
});
