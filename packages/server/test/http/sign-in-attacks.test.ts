import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hash } from '@node-rs/argon2';
import { needsRehash, verifyPassword } from '../../src/crypto/passwords.js';
import type { RunningLatchkey } from '../../src/server.js';
import { Browser, pkcePair, readForm } from '../helpers/browser.js';
import { obtainCode } from '../helpers/flows.js';
import { deleteRedisKeys, REDIS_URL, redisTestPrefix, serviceSkipReason } from '../helpers/test-database.js';
import { ALICE, BOB, startTestServer, TestClock, WEB_APP } from '../helpers/test-server.js';

/** Opens a login page (a new transaction) in the browser: its form and the origin to post from. */
async function openLogin(server: RunningLatchkey, browser: Browser, extra: Record<string, string> = {}) {
  const { challenge } = pkcePair();
  const params = {
    response_type: 'code', client_id: WEB_APP.client_id, redirect_uri: WEB_APP.callback, scope: 'openid', state: 'st',
    code_challenge: challenge, code_challenge_method: 'S256', ...extra,
  };
  const start = await browser.get(`${server.issuer}authorize?${new URLSearchParams(params)}`);
  assert.match(start.location ?? '', /\/u\/login\?/, `no login page: ${start.status} ${start.location}`);
  const page = await browser.get(start.location!);
  return readForm(page.text);
}

/** Posts the login form with these credentials. */
function signIn(server: RunningLatchkey, browser: Browser, form: ReturnType<typeof readForm>, email: string, password: string) {
  return browser.post(new URL(form.action, server.issuer).href, { ...form.fields, email, password, action: 'login' }, { origin: new URL(server.issuer).origin });
}

/** The page without what differs per response (CSRF token, nonces, the echoed email). */
const comparable = (html: string) => html.replace(/(value|nonce)="[^"]*"/g, '');

// Past every window of the sign-in throttle (the longest is an hour, counted over two).
const PAST_EVERY_WINDOW = 2 * 3600 + 1;

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

describe('sign-in attacks: brute force and credential stuffing', () => {
  let server: RunningLatchkey;
  const clock = new TestClock();
  before(async () => {
    server = await startTestServer({ clock });
  });
  after(() => server.close());

  it('B11.1 20 wrong passwords lock the account for a while with 429 and a clear page, the right one included; no permanent lock', async () => {
    const attacker = new Browser();
    const form = await openLogin(server, attacker);
    const statuses: number[] = [];
    let locked: Awaited<ReturnType<typeof signIn>> | undefined;
    for (let i = 0; i < 20; i++) {
      const response = await signIn(server, attacker, form, ALICE.email, `wrong password ${i}`);
      statuses.push(response.status);
      if (response.status === 429) locked ??= response;
    }
    assert.deepEqual(statuses.slice(0, 5), [400, 400, 400, 400, 400]);
    assert.deepEqual(new Set(statuses.slice(5)), new Set([429]));
    assert.ok(Number(locked!.headers.get('retry-after')) > 0);
    assert.match(locked!.text, /Too many sign-in attempts\. Try again in/);
    assert.match(locked!.text, /<form method="post"/, 'the page keeps its form, to try again later');
    assert.equal(locked!.headers.get('cache-control'), 'no-store');
    // The security event log tells the lock apart (Auth0's "Blocked Account"); the user is not told more.
    const blocked = await server.storage.securityEvents.list({ types: ['limit_wc'] });
    assert.equal(blocked.length, 15);
    assert.equal(blocked[0]!.user_name, ALICE.email);
    assert.equal(blocked[0]!.client_id, WEB_APP.client_id);

    // The right password does not get through the lock from a browser with no history.
    const stranger = new Browser();
    const locks = await signIn(server, stranger, await openLogin(server, stranger), ALICE.email, ALICE.password);
    assert.equal(locks.status, 429);
    assert.equal(stranger.cookies.has('latchkey.session'), false);

    // The lock lifts by itself.
    clock.advance(PAST_EVERY_WINDOW);
    const later = await signIn(server, stranger, await openLogin(server, stranger), ALICE.email, ALICE.password);
    assert.equal(later.status, 303);
  });

  it('B11.1 B12.1 an unknown account is locked the same way, with the same page', async () => {
    clock.advance(PAST_EVERY_WINDOW);
    const pages: string[] = [];
    for (const email of [BOB.email, 'nobody@example.test']) {
      const browser = new Browser();
      const form = await openLogin(server, browser);
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await signIn(server, browser, form, email, 'wrong password')).status);
      const response = await signIn(server, browser, form, email, 'wrong password');
      assert.deepEqual([...statuses, response.status], [400, 400, 400, 400, 400, 429, 429], email);
      pages.push(comparable(response.text));
    }
    assert.equal(pages[0], pages[1]);
  });

  it("B11.1 the owner's browser signs in while an attacker elsewhere keeps the account locked", async () => {
    clock.advance(PAST_EVERY_WINDOW);
    const owner = new Browser();
    assert.equal((await signIn(server, owner, await openLogin(server, owner), ALICE.email, ALICE.password)).status, 303);
    assert.ok(owner.cookies.get('latchkey.device'), 'a trusted-device cookie');

    const attacker = new Browser();
    const form = await openLogin(server, attacker);
    for (let i = 0; i < 25; i++) await signIn(server, attacker, form, ALICE.email, `guess ${i}`);
    assert.equal((await signIn(server, attacker, form, ALICE.email, ALICE.password)).status, 429);

    // The owner, asked for the password again (prompt=login), gets in; a typo costs only the device's own count.
    const ownerForm = await openLogin(server, owner, { prompt: 'login' });
    assert.equal((await signIn(server, owner, ownerForm, ALICE.email, 'a typo')).status, 400);
    const response = await signIn(server, owner, ownerForm, ALICE.email, ALICE.password);
    assert.equal(response.status, 303);
    assert.ok(new URL(response.location!).searchParams.get('code'));

    // The device cookie names alice's account only: it does not open bob's lock, nor is it accepted forged.
    const forged = new Browser();
    forged.cookies.set('latchkey.device', `${owner.cookies.get('latchkey.device')!.slice(0, -2)}xx`);
    assert.equal((await signIn(server, forged, await openLogin(server, forged), ALICE.email, ALICE.password)).status, 429);
  });

  it('B11.2 one password sprayed across 50 accounts from one address is throttled', async () => {
    clock.advance(PAST_EVERY_WINDOW);
    const sprayer = new Browser();
    const form = await openLogin(server, sprayer);
    const statuses: number[] = [];
    for (let i = 0; i < 50; i++) statuses.push((await signIn(server, sprayer, form, `user${i}@example.test`, 'Summer2025!')).status);
    const firstRefusal = statuses.indexOf(429);
    assert.ok(firstRefusal > 0 && firstRefusal <= 31, `first 429 at attempt ${firstRefusal + 1}`);
    assert.ok(statuses.slice(firstRefusal).every((status) => status === 429));
    const blocked = await server.storage.securityEvents.list({ types: ['limit_mu'] });
    assert.equal(blocked.length, 50 - firstRefusal);
    assert.equal(blocked[0]!.ip, '127.0.0.1');
    // Every browser at that address without history waits too, whatever the account.
    const other = new Browser();
    assert.equal((await signIn(server, other, await openLogin(server, other), BOB.email, BOB.password)).status, 429);
  });
});

const redisSkip = await serviceSkipReason('redis');

describe('sign-in throttling shared by two instances through Redis', { skip: redisSkip }, () => {
  const prefix = redisTestPrefix();
  const clock = new TestClock();
  let a: RunningLatchkey;
  let b: RunningLatchkey;
  before(async () => {
    const operations = { redis: REDIS_URL, redisPrefix: prefix };
    a = await startTestServer({ clock, operations });
    b = await startTestServer({ clock, operations });
  });
  after(async () => {
    await a.close();
    await b.close();
    await deleteRedisKeys(prefix);
  });

  it('B11.1 failures on one instance lock the account on the other', async () => {
    const attacker = new Browser();
    const form = await openLogin(a, attacker);
    for (let i = 0; i < 6; i++) await signIn(a, attacker, form, ALICE.email, `guess ${i}`);
    const elsewhere = new Browser();
    assert.equal((await signIn(b, elsewhere, await openLogin(b, elsewhere), ALICE.email, ALICE.password)).status, 429);
    assert.equal((await signIn(b, elsewhere, await openLogin(b, elsewhere), BOB.email, BOB.password)).status, 303);
  });
});

/** The lower quartile of a list of durations: the least disturbed by load elsewhere on the machine. */
function lowerQuartile(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 4)]!;
}

describe('sign-in attacks: user enumeration by timing', () => {
  let server: RunningLatchkey;
  before(async () => {
    // Throttling would end the measurement early; it is tested above.
    server = await startTestServer({ signInThrottle: { account: [{ limit: 1_000, window: 60 }], ip: [{ limit: 1_000, window: 60 }] } });
  });
  after(() => server.close());

  it('B12.1 an unknown email takes as long as a wrong password for a known one', async () => {
    const browser = new Browser();
    const form = await openLogin(server, browser);
    const times: Record<'known' | 'unknown', number[]> = { known: [], unknown: [] };
    const attempt = async (kind: 'known' | 'unknown', i: number) => {
      const email = kind === 'known' ? ALICE.email : `nobody${i}@example.test`;
      const started = process.hrtime.bigint();
      const response = await signIn(server, browser, form, email, `wrong password ${i}`);
      times[kind].push(Number(process.hrtime.bigint() - started) / 1e6);
      assert.equal(response.status, 400);
    };
    // Warm-up, then interleaved so drift on the machine affects both alike.
    await attempt('known', -1);
    await attempt('unknown', -1);
    times.known.length = 0;
    times.unknown.length = 0;
    for (let i = 0; i < 30; i++) {
      await attempt(i % 2 === 0 ? 'known' : 'unknown', i);
      await attempt(i % 2 === 0 ? 'unknown' : 'known', i);
    }
    const known = lowerQuartile(times.known);
    const unknown = lowerQuartile(times.unknown);
    console.log(`sign-in timing, lower quartile of 30: wrong password ${known.toFixed(1)} ms, unknown email ${unknown.toFixed(1)} ms`);
    // Both verify an argon2id hash; without the dummy hash an unknown email answers about four times
    // faster. The bounds are wide because other work on the machine shifts single measurements.
    assert.ok(unknown > known * 0.5 && unknown < known * 2, `known ${known} ms, unknown ${unknown} ms`);
  });
});

describe('sign-in attacks: oversized input', () => {
  let server: RunningLatchkey;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('B15.2 an oversized email or password is a failed sign-in like any other, and an oversized form is refused', async () => {
    const browser = new Browser();
    const form = await openLogin(server, browser);
    const normal = await signIn(server, browser, form, ALICE.email, 'wrong password');
    for (const [email, password] of [[ALICE.email, `${ALICE.password}${'x'.repeat(10_000)}`], [`${'a'.repeat(10_000)}@example.test`, ALICE.password]] as const) {
      const response = await signIn(server, browser, form, email, password);
      assert.equal(response.status, 400);
      assert.equal(comparable(response.text), comparable(normal.text));
      assert.ok(response.text.length < normal.text.length + 400, 'the long input is not echoed back');
    }
    const huge = await signIn(server, browser, form, ALICE.email, 'x'.repeat(70_000));
    assert.equal(huge.status, 413);
    assert.match(huge.headers.get('content-type') ?? '', /text\/html/);
    assert.equal((await signIn(server, browser, form, ALICE.email, ALICE.password)).status, 303);
  });
});
