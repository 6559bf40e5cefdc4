import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { Browser, pkcePair, readForm } from '../helpers/browser.js';
import { basicAuth, decodeJwt } from '../helpers/flows.js';
import { runLatchkey, startLatchkeyProcess, type LatchkeyProcess } from '../helpers/latchkey-process.js';
import { lifecycleTenant } from '../helpers/lifecycle.js';
import { createPostgresDatabase, deleteRedisKeys, REDIS_URL, redisTestPrefix, serviceSkipReason, type TestDatabase } from '../helpers/test-database.js';
import { ALICE, API, WEB_APP } from '../helpers/test-server.js';

/**
 * Three instances of `latchkey serve` (separate processes, different ports) behind one issuer,
 * sharing one PostgreSQL database and one Redis. A request may land on any of them: the test sends
 * each step to the instance it names, as a load balancer would.
 */
const ISSUER = 'http://login.latchkey.test/';
const ORIGIN = new URL(ISSUER).origin;
const SECRET = 'the-secret-all-three-instances-share-0123456789';
/** Seconds between two reloads of the signing keys: a rotation reaches every instance within it. */
const KEY_RELOAD_INTERVAL = 2;

const skip = (await serviceSkipReason('postgres')) ?? (await serviceSkipReason('redis'));

interface Instance {
  name: string;
  process: LatchkeyProcess;
}

describe('three instances behind one issuer, on one PostgreSQL and one Redis', { skip }, () => {
  let dir: string;
  let database: TestDatabase;
  const prefix = redisTestPrefix();
  let env: Record<string, string>;
  const instances: Instance[] = [];
  const started: LatchkeyProcess[] = [];
  let a: Instance;
  let b: Instance;
  let c: Instance;

  const start = async (name: string): Promise<Instance> => {
    const process = await startLatchkeyProcess(['serve', '--port', '0', '--host', '127.0.0.1', '--no-migrate'], env, 60_000);
    started.push(process);
    return { name, process };
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'latchkey-cluster-'));
    database = await createPostgresDatabase();
    const tenantFile = join(dir, 'tenant.json');
    writeFileSync(tenantFile, JSON.stringify(lifecycleTenant()));
    env = {
      LATCHKEY_DATABASE: database.url,
      LATCHKEY_REDIS: REDIS_URL,
      LATCHKEY_REDIS_PREFIX: prefix,
      LATCHKEY_ISSUER: ISSUER,
      LATCHKEY_SECRET: SECRET,
      LATCHKEY_TENANT_FILE: tenantFile,
      LATCHKEY_KEY_RELOAD_INTERVAL: String(KEY_RELOAD_INTERVAL),
      LATCHKEY_RATE_LIMIT: '10000/60',
      NODE_ENV: 'production',
    };
    // As a deployment does: migrate once, then start the instances together.
    const migrated = runLatchkey(['migrate'], env);
    assert.equal(migrated.status, 0, migrated.stderr);
    [a, b, c] = await Promise.all([start('A'), start('B'), start('C')]);
    instances.push(a, b, c);
  });

  after(async () => {
    for (const process of started) process.kill('SIGKILL');
    await Promise.all(started.map((process) => process.exited));
    await database?.drop();
    await deleteRedisKeys(prefix);
    rmSync(dir, { recursive: true, force: true });
  });

  /** The issuer's URL as served by one instance. */
  const on = (instance: Instance, url: string) => {
    assert.ok(url.startsWith(ISSUER), url);
    return instance.process.url + url.slice(ISSUER.length);
  };

  async function token(instance: Instance, form: Record<string, string>) {
    const response = await fetch(on(instance, `${ISSUER}oauth/token`), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(WEB_APP.client_id, WEB_APP.client_secret) },
      body: new URLSearchParams(form),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  /** /authorize on one instance; signs in (login page and form) on another when there is no session. */
  async function authorize(browser: Browser, authorizeOn: Instance, signInOn: Instance, extra: Record<string, string> = {}) {
    const { verifier, challenge } = pkcePair();
    const params = new URLSearchParams({
      response_type: 'code',
      client_id: WEB_APP.client_id,
      redirect_uri: WEB_APP.callback,
      scope: 'openid profile email offline_access read:messages',
      audience: API,
      state: 'st',
      nonce: 'nonce-1',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...extra,
    });
    let response = await browser.get(on(authorizeOn, `${ISSUER}authorize?${params}`));
    assert.equal(response.status, 302, response.text);
    if (response.location!.startsWith(`${ISSUER}u/login`)) {
      const page = await browser.get(on(signInOn, response.location!));
      assert.equal(page.status, 200);
      const { action, fields } = readForm(page.text);
      response = await browser.post(on(signInOn, new URL(action, ISSUER).href), { ...fields, email: ALICE.email, password: ALICE.password }, { origin: ORIGIN });
      assert.equal(response.status, 303, response.text.slice(0, 300));
    }
    const location = new URL(response.location!);
    assert.equal(`${location.origin}${location.pathname}`, WEB_APP.callback, response.location);
    assert.equal(location.searchParams.get('iss'), ISSUER);
    return { code: location.searchParams.get('code')!, verifier };
  }

  const redeem = (instance: Instance, code: { code: string; verifier: string }) =>
    token(instance, { grant_type: 'authorization_code', code: code.code, redirect_uri: WEB_APP.callback, code_verifier: code.verifier });

  async function jwksOf(instance: Instance): Promise<JSONWebKeySet> {
    return (await (await fetch(on(instance, `${ISSUER}.well-known/jwks.json`))).json()) as JSONWebKeySet;
  }

  it('every instance is ready, with the database, the migrations and Redis', async () => {
    for (const instance of instances) {
      const response = await fetch(on(instance, `${ISSUER}readyz`));
      assert.equal(response.status, 200, instance.name);
      assert.deepEqual(((await response.json()) as { checks: unknown }).checks, { database: 'ok', migrations: 'ok', redis: 'ok' });
    }
    const kids = await Promise.all(instances.map(async (instance) => (await jwksOf(instance)).keys.map((key) => key.kid)));
    assert.deepEqual(kids[1], kids[0], 'one signing key for all, created by latchkey migrate');
    assert.deepEqual(kids[2], kids[0]);
  });

  it('runs one flow whose steps land on different instances: authorize on A, sign in on B, token on C', async () => {
    const browser = new Browser();
    const code = await authorize(browser, a, b);
    const tokens = await redeem(c, code);
    assert.equal(tokens.status, 200, JSON.stringify(tokens.body));

    const jwks = createLocalJWKSet(await jwksOf(a));
    const idToken = await jwtVerify(tokens.body.id_token as string, jwks, { issuer: ISSUER, audience: WEB_APP.client_id });
    assert.equal(idToken.payload.email, ALICE.email);
    assert.equal(idToken.payload.nonce, 'nonce-1');
    await jwtVerify(tokens.body.access_token as string, jwks, { issuer: ISSUER, audience: API, typ: 'at+jwt' });

    const userinfo = await fetch(on(b, `${ISSUER}userinfo`), { headers: { authorization: `Bearer ${tokens.body.access_token as string}` } });
    assert.equal(userinfo.status, 200);
    // The session made on B signs in silently on C.
    const silent = await authorize(browser, c, c, { prompt: 'none' });
    assert.equal((await redeem(a, silent)).status, 200);
  });

  it('lets exactly one of two instances redeem the same code at the same moment', async () => {
    const browser = new Browser();
    for (let round = 0; round < 5; round++) {
      const code = await authorize(browser, a, a);
      const results = await Promise.all([redeem(b, code), redeem(c, code)]);
      const statuses = results.map((result) => result.status).sort();
      assert.deepEqual(statuses, [200, 400], `round ${round}: ${JSON.stringify(results.map((r) => r.body))}`);
      assert.equal(results.find((result) => result.status === 400)!.body.error, 'invalid_grant');
    }
  });

  it('lets exactly one of two instances rotate the same refresh token at the same moment', async () => {
    const browser = new Browser();
    for (let round = 0; round < 5; round++) {
      const signedIn = await redeem(a, await authorize(browser, a, a));
      const refreshToken = signedIn.body.refresh_token as string;
      assert.ok(refreshToken);
      const results = await Promise.all(
        [b, c].map((instance) => token(instance, { grant_type: 'refresh_token', refresh_token: refreshToken })),
      );
      const statuses = results.map((result) => result.status).sort();
      assert.deepEqual(statuses, [200, 400], `round ${round}: ${JSON.stringify(results.map((r) => r.body))}`);
    }
  });

  it('loses no session or grant when an instance is killed with SIGKILL mid-flow: the flow finishes on another', async () => {
    const spare = await start('D');
    const browser = new Browser();
    // Signed in and a code issued on D, then D dies before the code is redeemed.
    const code = await authorize(browser, spare, spare);
    spare.process.kill('SIGKILL');
    assert.equal((await spare.process.exited).signal, 'SIGKILL');

    const tokens = await redeem(b, code);
    assert.equal(tokens.status, 200, 'the code D issued is redeemed on B');
    const silent = await authorize(browser, c, c, { prompt: 'none' });
    assert.ok(silent.code, 'the session D started still signs in on C');
    const refreshed = await token(a, { grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token as string });
    assert.equal(refreshed.status, 200, 'the grant D made still refreshes on A');

    // A sign-in begun on a fresh instance that dies before the user submits the form.
    const second = await start('E');
    const fresh = new Browser();
    const params = new URLSearchParams({ response_type: 'code', client_id: WEB_APP.client_id, redirect_uri: WEB_APP.callback, scope: 'openid', state: 's2' });
    const started = await fresh.get(on(second, `${ISSUER}authorize?${params}`));
    const page = await fresh.get(on(second, started.location!));
    second.process.kill('SIGKILL');
    await second.process.exited;
    const { action, fields } = readForm(page.text);
    const finished = await fresh.post(on(a, new URL(action, ISSUER).href), { ...fields, email: ALICE.email, password: ALICE.password }, { origin: ORIGIN });
    assert.equal(finished.status, 303);
    assert.ok(new URL(finished.location!).searchParams.get('code'), 'the login transaction E started completes on A');
  });

  it(`picks up a signing key rotated on one host on every instance within the reload interval (${KEY_RELOAD_INTERVAL} s)`, async (t) => {
    const before = (await jwksOf(a)).keys.map((key) => key.kid);
    const rotated = runLatchkey(['keys', 'rotate'], env);
    // The key is stored a few milliseconds before the command exits.
    const rotatedAt = Date.now();
    assert.equal(rotated.status, 0, rotated.stderr);
    const kid = /new RS256 signing key: (\S+)/.exec(rotated.stdout)?.[1];
    assert.ok(kid && !before.includes(kid));

    // Poll each instance's JWKS until it publishes the new key.
    const seenAfter: number[] = [];
    for (const instance of instances) {
      for (;;) {
        if ((await jwksOf(instance)).keys.some((key) => key.kid === kid)) break;
        assert.ok(Date.now() - rotatedAt < (KEY_RELOAD_INTERVAL + 5) * 1000, `${instance.name} never published ${kid}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      seenAfter.push((Date.now() - rotatedAt) / 1000);
    }
    // The interval, plus the polling step and a JWKS request.
    for (const seconds of seenAfter) assert.ok(seconds <= KEY_RELOAD_INTERVAL + 0.5, `picked up after ${seconds} s`);

    // Tokens are signed with the new key everywhere, and the old key still verifies what it signed.
    const browser = new Browser();
    const tokens = await redeem(c, await authorize(browser, b, b));
    assert.equal(decodeJwt(tokens.body.access_token as string).header.kid, kid);
    const jwks = createLocalJWKSet(await jwksOf(a));
    await jwtVerify(tokens.body.access_token as string, jwks, { issuer: ISSUER, audience: API });
    assert.ok((await jwksOf(b)).keys.some((key) => key.kid === before[0]), 'the retired key stays published');
    t.diagnostic(`key rotation picked up by A, B, C after ${seenAfter.map((s) => s.toFixed(2)).join(' s, ')} s (reload interval ${KEY_RELOAD_INTERVAL} s)`);
  });
});
