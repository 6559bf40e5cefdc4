import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { authorizationUrl, discover, pkcePair } from '../../src/oidc/client.js';
import { CookieJar } from '../../src/oidc/cookie-jar.js';
import { authorize } from '../../src/oidc/user-agent.js';
import { freePort } from '../../src/process/free-port.js';
import { startServerProcess } from '../../src/process/server-process.js';
import { redeemCode } from '../../src/scenarios/mint.js';
import {
  SEEDED_CALLBACK,
  SEEDED_PASSWORD,
  seedLatchkeyDatabase,
  seededClientId,
  seededClientSecret,
  seededEmail,
} from '../../src/seed/bulk-seed.js';
import { latchkeyMain } from '../../src/targets/latchkey.js';

test('Latchkey signs in a seeded user through a seeded client', { skip: !existsSync(latchkeyMain()) && 'Latchkey is not built' }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'latchkey-seed-test-'));
  try {
    const file = join(dir, 'seed.db');
    const secret = 'seed-test-secret';
    const summary = await seedLatchkeyDatabase({ file, users: 30, clients: 3, refreshTokens: 20, secret });
    assert.deepEqual([summary.users, summary.clients, summary.refreshTokens], [30, 3, 20]);
    const db = new Database(file, { readonly: true });
    const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    assert.deepEqual([count('users'), count('clients'), count('grants'), count('refresh_tokens')], [30, 3, 20, 20]);
    db.close();

    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}/`;
    const server = await startServerProcess({
      name: 'Latchkey',
      args: [latchkeyMain(), 'serve'],
      cwd: dir,
      env: { PORT: String(port), LATCHKEY_ISSUER: issuer, LATCHKEY_DATABASE: `sqlite:${file}` },
      logFile: join(dir, 'latchkey.log'),
    });
    try {
      const metadata = await discover(issuer);
      const client = { client_id: seededClientId(2), client_secret: seededClientSecret(secret, 2), redirect_uri: SEEDED_CALLBACK };
      const pkce = pkcePair();
      const { code, loginPages } = await authorize({
        url: authorizationUrl(metadata.authorization_endpoint, {
          response_type: 'code',
          client_id: client.client_id,
          redirect_uri: client.redirect_uri,
          scope: 'openid email',
          code_challenge: pkce.challenge,
          code_challenge_method: 'S256',
          state: 'seed-state',
          nonce: 'seed-nonce',
        }),
        redirectUri: client.redirect_uri,
        user: { user_id: '', email: seededEmail(17), password: SEEDED_PASSWORD, name: '' },
        jar: new CookieJar(),
      });
      assert.equal(loginPages, 1);
      const tokens = await redeemCode(metadata.token_endpoint, client, code, pkce.verifier);
      const claims = JSON.parse(Buffer.from(tokens.id_token!.split('.')[1]!, 'base64url').toString()) as { email?: string };
      assert.equal(claims.email, seededEmail(17));
    } finally {
      await server.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
