import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveConfig, type SessionOptions } from '../../../src/core/config.js';
import { ResponseCookies, type RequestCookies } from '../../../src/core/cookies.js';
import { CookieSealer } from '../../../src/core/session/crypto.js';
import { MemoryStore } from '../../../src/core/session/memory-store.js';
import { SessionManager, storeKey } from '../../../src/core/session/session.js';
import type { SessionData } from '../../../src/core/session/session-data.js';

const SECRET = 'first secret, long enough to derive keys';
const data: SessionData = {
  id_token: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.',
  access_token: 'at',
  token_type: 'bearer',
  expires_at: 2_000_000_000,
  refresh_token: 'rt',
};

function setup(session: SessionOptions = {}, secret: string | string[] = SECRET) {
  let now = Date.UTC(2030, 0, 1);
  const config = resolveConfig({
    issuerBaseURL: 'https://login.example.test/',
    baseURL: 'https://app.example.test/',
    clientID: 'app',
    clientSecret: 'client secret',
    secret,
    session,
    now: () => now,
  });
  return {
    manager: new SessionManager(config),
    advance: (seconds: number) => {
      now += seconds * 1000;
    },
  };
}

/** Saves a session and returns the cookies a browser would send back. */
async function saved(manager: SessionManager, previous?: Parameters<SessionManager['save']>[3]) {
  let headers: readonly string[] = [];
  const response = new ResponseCookies((h) => {
    headers = h;
  });
  const session = await manager.save(response, {}, data, previous);
  const cookies: Record<string, string> = {};
  for (const header of headers) {
    const [pair] = header.split(';');
    const index = pair!.indexOf('=');
    cookies[pair!.slice(0, index)] = pair!.slice(index + 1);
  }
  return { session, cookies: cookies as RequestCookies, headers };
}

describe('SessionManager with cookie sessions', () => {
  it('round-trips the session through a sealed cookie', async () => {
    const { manager } = setup();
    const { cookies, headers } = await saved(manager);
    assert.ok(!headers[0]!.includes('"at"') && !headers[0]!.includes('alice'));
    const loaded = await manager.load(cookies);
    assert.deepEqual(loaded?.data, data);
  });

  it('ignores a cookie that was tampered with or sealed under another secret', async () => {
    const { manager } = setup();
    const { cookies } = await saved(manager);
    const value = cookies.appSession!;
    const flipped = value.slice(0, -3) + (value.at(-3) === 'A' ? 'B' : 'A') + value.slice(-2);
    assert.equal(await manager.load({ appSession: flipped }), undefined);
    assert.equal(await manager.load({ appSession: 'not-a-jwe' }), undefined);
    const other = setup({}, 'another secret that is long enough!!').manager;
    assert.equal(await other.load(cookies), undefined);
  });

  it('does not accept a transaction cookie as a session (separate keys)', async () => {
    const { manager } = setup();
    const transaction = await new CookieSealer([SECRET], 'transaction').seal(
      { uat: 1, data },
      Math.floor(Date.UTC(2030, 0, 1) / 1000),
      Math.floor(Date.UTC(2030, 0, 2) / 1000),
    );
    assert.equal(await manager.load({ appSession: transaction }), undefined);
  });

  it('decrypts with a retired secret during rotation', async () => {
    const { manager: old } = setup({}, SECRET);
    const { cookies } = await saved(old);
    const { manager: rotated } = setup({}, ['the new secret of at least 32 characters', SECRET]);
    assert.deepEqual((await rotated.load(cookies))?.data, data);
  });

  it('ends a session after the rolling duration, and after the absolute duration', async () => {
    const rolling = setup({ rollingDuration: 100, absoluteDuration: 250 });
    let { cookies, session } = await saved(rolling.manager);
    rolling.advance(90);
    ({ cookies, session } = await saved(rolling.manager, session));
    rolling.advance(90);
    assert.ok(await rolling.manager.load(cookies), 'touched 90s ago: alive');
    ({ cookies, session } = await saved(rolling.manager, session));
    assert.equal(session.exp - session.iat, 250, 'capped by the absolute duration');
    rolling.advance(71);
    assert.equal(await rolling.manager.load(cookies), undefined, 'past the absolute duration');

    const idle = setup({ rollingDuration: 100 });
    const first = await saved(idle.manager);
    idle.advance(100);
    assert.equal(await idle.manager.load(first.cookies), undefined, 'idle for the rolling duration');
  });

  it('chunks a large session and reads it back', async () => {
    const { manager } = setup();
    let headers: readonly string[] = [];
    const response = new ResponseCookies((h) => {
      headers = h;
    });
    const big = { ...data, access_token: 'a'.repeat(6000) };
    await manager.save(response, {}, big, undefined);
    assert.ok(headers.length >= 2);
    const cookies: Record<string, string> = {};
    for (const header of headers) {
      const [pair] = header.split(';');
      const index = pair!.indexOf('=');
      cookies[pair!.slice(0, index)] = pair!.slice(index + 1);
    }
    assert.equal((await manager.load(cookies))?.data.access_token, big.access_token);
  });
});

describe('SessionManager with a store', () => {
  it('keeps the data in the store under a hash of the id', async () => {
    const store = new MemoryStore();
    const { manager } = setup({ store });
    const { cookies, session } = await saved(manager);
    assert.ok(session.id);
    assert.ok(await store.get(storeKey(session.id)));
    assert.equal(await store.get(session.id), undefined, 'never keyed by the id itself');
    assert.deepEqual((await manager.load(cookies))?.data, data);
  });

  it('keeps the id across saves of one session and gives a login a new one', async () => {
    const store = new MemoryStore();
    const { manager } = setup({ store });
    const first = await saved(manager);
    const again = await saved(manager, first.session);
    assert.equal(again.session.id, first.session.id);
    const login = await saved(manager);
    assert.notEqual(login.session.id, first.session.id);
  });

  it('finds nothing once the stored session is destroyed', async () => {
    const store = new MemoryStore();
    const { manager } = setup({ store });
    const { cookies, session } = await saved(manager);
    await manager.destroy(new ResponseCookies(() => {}), cookies, session);
    assert.equal(store.size, 0);
    assert.equal(await manager.load(cookies), undefined);
  });
});
