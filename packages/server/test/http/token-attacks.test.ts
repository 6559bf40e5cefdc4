import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningLatchkey } from '../../src/server.js';
import { basicAuth, obtainCode, postToken, redeemCode } from '../helpers/flows.js';
import { startTestServer, TestClock, THIRD_PARTY_APP, WEB_APP } from '../helpers/test-server.js';

describe('guessing at the token endpoint', () => {
  let server: RunningLatchkey;
  const clock = new TestClock();
  before(async () => {
    server = await startTestServer({ clock });
  });
  after(() => server.close());

  const codeGrant = (code = 'x'.repeat(43)) => ({ grant_type: 'authorization_code', code, redirect_uri: WEB_APP.callback, code_verifier: 'v'.repeat(43) });

  it('B11.2 repeated bad secrets for one client are answered 429 for a while, the right secret included', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 35; i++) {
      statuses.push((await postToken(server, codeGrant(), { authorization: basicAuth(WEB_APP.client_id, `wrong-secret-${i}`) })).status);
    }
    const first = statuses.indexOf(429);
    assert.ok(first >= 30 && first <= 31, `first 429 at ${first + 1}: ${statuses.join(',')}`);
    const refused = await postToken(server, codeGrant(), { authorization: basicAuth(WEB_APP.client_id, WEB_APP.client_secret) });
    assert.equal(refused.status, 429);
    assert.equal(refused.body.error, 'temporarily_unavailable');
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
    assert.equal(refused.headers.get('cache-control'), 'no-store');
    assert.ok(!JSON.stringify(refused.body).includes('wrong-secret'));

    // Another client at the same address is not affected, nor is the client once the window passed.
    const other = await postToken(server, { ...codeGrant(), redirect_uri: THIRD_PARTY_APP.callback, client_id: THIRD_PARTY_APP.client_id, client_secret: THIRD_PARTY_APP.client_secret });
    assert.equal(other.body.error, 'invalid_grant');
    clock.advance(121);
    const code = await obtainCode(server);
    assert.equal((await redeemCode(server, code)).status, 200);
  });

  it('B11.2 repeated unknown codes are answered 429 too, and revocation and introspection count alike', async () => {
    clock.advance(121);
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) {
      statuses.push((await postToken(server, codeGrant(`unknown-code-${i}`), { authorization: basicAuth(WEB_APP.client_id, WEB_APP.client_secret) })).status);
    }
    assert.deepEqual(new Set(statuses.slice(0, 30)), new Set([400]));
    assert.equal(statuses.at(-1), 429);
    const revoke = await fetch(`${server.issuer}oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(WEB_APP.client_id, WEB_APP.client_secret) },
      body: 'token=x',
    });
    assert.equal(revoke.status, 429);
    await revoke.body?.cancel();
  });
});

describe('bodies that are not UTF-8', () => {
  let server: RunningLatchkey;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('B15.2 raw bytes that are not UTF-8 in a form or JSON body are invalid_request, never replaced and used', async () => {
    const invalid = Buffer.from([0xff, 0xfe, 0xc3, 0x28]);
    const bodies: Array<[string, Buffer]> = [
      ['application/x-www-form-urlencoded', Buffer.concat([Buffer.from('grant_type=authorization_code&code='), invalid])],
      ['application/json', Buffer.concat([Buffer.from('{"grant_type":"authorization_code","code":"'), invalid, Buffer.from('"}')])],
    ];
    for (const [type, body] of bodies) {
      for (const path of ['oauth/token', 'oauth/revoke', 'oauth/introspect']) {
        const response = await fetch(`${server.issuer}${path}`, { method: 'POST', headers: { 'content-type': type, authorization: basicAuth(WEB_APP.client_id, WEB_APP.client_secret) }, body });
        const answer = (await response.json()) as { error: string };
        assert.equal(response.status, 400, `${type} ${path}`);
        assert.equal(answer.error, 'invalid_request', `${type} ${path}`);
      }
    }
    // Valid UTF-8 still reads, and the server still serves.
    const code = await obtainCode(server);
    assert.equal((await redeemCode(server, code)).status, 200);
  });
});

/** The lower quartile: the least disturbed by load elsewhere on the machine. */
function lowerQuartile(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 4)]!;
}

describe('client authentication timing', () => {
  let server: RunningLatchkey;
  before(async () => {
    server = await startTestServer({ clientFailureLimit: { limit: 1_000_000, window: 60 } });
  });
  after(() => server.close());

  // 300 a class by default to keep the suite quick; TIMING_SAMPLES=1000 runs the checklist's size.
  const samples = Number(process.env.TIMING_SAMPLES ?? 300);

  it('B10.1 a secret with the right prefix, an entirely wrong one and an unknown client take the same time', async () => {
    const grant = { grant_type: 'authorization_code', code: 'x'.repeat(43), redirect_uri: WEB_APP.callback, code_verifier: 'v'.repeat(43) };
    const classes = {
      prefix: basicAuth(WEB_APP.client_id, `${WEB_APP.client_secret.slice(0, -1)}!`),
      wrong: basicAuth(WEB_APP.client_id, 'w'.repeat(WEB_APP.client_secret.length)),
      unknown: basicAuth('no-such-client', WEB_APP.client_secret),
    };
    const times: Record<keyof typeof classes, number[]> = { prefix: [], wrong: [], unknown: [] };
    const names = Object.keys(classes) as Array<keyof typeof classes>;
    for (let i = 0; i < samples + 50; i++) {
      for (const name of i % 2 === 0 ? names : [...names].reverse()) {
        const started = process.hrtime.bigint();
        const response = await postToken(server, grant, { authorization: classes[name] });
        if (i >= 50) times[name].push(Number(process.hrtime.bigint() - started) / 1e6);
        assert.equal(response.status, 401);
        assert.equal(response.body.error, 'invalid_client');
      }
    }
    const q = Object.fromEntries(names.map((name) => [name, Math.round(lowerQuartile(times[name]) * 1000) / 1000])) as Record<keyof typeof classes, number>;
    console.log(`client authentication timing, lower quartile of ${samples} each (ms): ${JSON.stringify(q)}`);
    // The secret is hashed and compared in constant time: its prefix cannot matter.
    assert.ok(Math.abs(q.prefix - q.wrong) < 0.3 * Math.min(q.prefix, q.wrong) + 0.15, 'prefix vs wrong');
    // An unknown client is compared against a stand-in hash, but its lookup misses the client cache
    // and reads the database: slower by that read (SECURITY.md, Known limits). Only a gross
    // difference, such as skipping the comparison for known clients, fails here.
    assert.ok(q.unknown < 3 * q.wrong + 1, 'unknown vs known client');
  });
});
