import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import type { RunningLatchkey } from '../../src/server.js';
import type { Database } from '../../src/storage/kysely/schema.js';
import { basicAuth, obtainCode, postToken, redeemCode } from '../helpers/flows.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KyselyStorage } from '../../src/storage/kysely/kysely-storage.js';
import { createPostgresDatabase, deleteRedisKeys, REDIS_URL, redisTestPrefix, serviceSkipReason, testBackend } from '../helpers/test-database.js';
import { ALICE, startTestServer, TestClock, WEB_APP } from '../helpers/test-server.js';

const dbOf = (server: RunningLatchkey) => (server.storage as KyselyStorage).db as Kysely<Database>;

async function getJson(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

/** The value of a Prometheus sample, or undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const matches = Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`));
    if (matches) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('health, readiness and metrics', () => {
  let server: RunningLatchkey;
  before(async () => {
    server = await startTestServer({ operations: { metricsToken: 'metrics-token-for-the-test' } });
  });
  after(() => server.close());

  it('answers /healthz while the process runs', async () => {
    const response = await getJson(`${server.url}healthz`);
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, { status: 'ok' });
    assert.equal(response.headers.get('cache-control'), 'no-store');
  });

  it('is ready when the database answers and is migrated, and says which check fails otherwise', async () => {
    const ready = await getJson(`${server.url}readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.body, { status: 'ready', checks: { database: 'ok', migrations: 'ok' } });
  });

  it('asks for the metrics token, then serves Prometheus text with request, token and pool metrics', async () => {
    assert.equal((await fetch(`${server.url}metrics`)).status, 401);
    assert.equal((await fetch(`${server.url}metrics`, { headers: { authorization: 'Bearer wrong-token-of-the-right-size' } })).status, 401);

    const code = await obtainCode(server);
    assert.equal((await redeemCode(server, code)).status, 200);
    const response = await fetch(`${server.url}metrics`, { headers: { authorization: 'Bearer metrics-token-for-the-test' } });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    assert.ok((sample(text, 'latchkey_http_requests_total', { method: 'POST', route: '/oauth/token', status: '200' }) ?? 0) >= 1, text);
    assert.ok((sample(text, 'latchkey_http_request_duration_seconds_count', { route: '/oauth/token' }) ?? 0) >= 1);
    assert.ok((sample(text, 'latchkey_http_requests_total', { route: '/u/login', method: 'POST', status: '303' }) ?? 0) >= 1);
    assert.ok((sample(text, 'latchkey_tokens_issued_total', { grant_type: 'authorization_code' }) ?? 0) >= 1, 'tokens issued by grant type');
    assert.ok((sample(text, 'latchkey_sign_ins_total', { result: 'succeeded' }) ?? 0) >= 1, 'sign-ins');
    assert.notEqual(sample(text, 'latchkey_db_pool_connections', { state: 'total' }), undefined);
    assert.match(text, /# TYPE latchkey_action_runs_total counter/);
  });
});

describe('readiness when the database is not ready', () => {
  it('answers 503 while a migration is missing, and 200 once it is applied', async () => {
    const server = await startTestServer();
    try {
      const db = dbOf(server);
      const rows = await sql<{ name: string; timestamp: string }>`select name, timestamp from kysely_migration`.execute(db);
      const last = rows.rows.find((row) => row.name === '2026-11-21T1600-security-events')!;
      await sql`delete from kysely_migration where name = ${last.name}`.execute(db);
      const pending = await getJson(`${server.url}readyz`);
      assert.equal(pending.status, 503);
      assert.equal(pending.body.status, 'not ready');
      assert.deepEqual(pending.body.checks, { database: 'ok', migrations: 'pending: run latchkey migrate' });
      await sql`insert into kysely_migration (name, timestamp) values (${last.name}, ${last.timestamp})`.execute(db);
      assert.equal((await getJson(`${server.url}readyz`)).status, 200);
    } finally {
      await server.close();
    }
  });

  it('answers 503 when the database cannot be reached, while /healthz stays 200', async () => {
    const server = await startTestServer();
    try {
      await dbOf(server).destroy();
      const response = await getJson(`${server.url}readyz`);
      assert.equal(response.status, 503);
      assert.match(String((response.body.checks as Record<string, string>).database), /^unreachable: /);
      assert.equal((await fetch(`${server.url}healthz`)).status, 200);
    } finally {
      await server.close().catch(() => {});
    }
  });
});

describe('security event retention', () => {
  it('purges events older than LATCHKEY_LOG_RETENTION_DAYS when an instance starts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-retention-'));
    const database = testBackend() === 'postgres' ? await createPostgresDatabase() : { url: `sqlite:${join(dir, 'events.db')}`, drop: async () => {} };
    const clock = new TestClock(1_800_000_000);
    try {
      const seed = await KyselyStorage.open(database.url);
      const event = { type: 's' as const, description: null, client_id: null, client_name: null, user_id: null, user_name: null, ip: null, user_agent: null, details: null };
      await seed.securityEvents.record({ ...event, id: 'old', date: clock.now() - 8 * 86_400 });
      await seed.securityEvents.record({ ...event, id: 'recent', date: clock.now() - 6 * 86_400 });
      await seed.close();

      const server = await startTestServer({ database: database.url, clock, operations: { eventRetentionDays: 7 } });
      try {
        // The purge runs in the background from the start: wait for it, a few seconds at most.
        let ids: string[] = [];
        for (let attempt = 0; attempt < 100; attempt++) {
          ids = (await server.storage.securityEvents.list()).map((e) => e.id);
          if (!ids.includes('old')) break;
          await new Promise((resolve) => setTimeout(resolve, 30));
        }
        assert.deepEqual(ids, ['recent']);
      } finally {
        await server.close();
      }
    } finally {
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('request ids and logs', () => {
  const lines: Record<string, unknown>[] = [];
  let server: RunningLatchkey;
  before(async () => {
    server = await startTestServer({
      logger: { level: 'info', stream: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } },
    });
  });
  after(() => server.close());

  it("echoes a proxy's request id, and makes one when none or a malformed one comes", async () => {
    const given = await fetch(`${server.url}healthz`, { headers: { 'x-request-id': 'lb-1234.abc' } });
    assert.equal(given.headers.get('x-request-id'), 'lb-1234.abc');
    const made = await fetch(`${server.url}healthz`);
    assert.match(made.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    const malformed = await fetch(`${server.url}healthz`, { headers: { 'x-request-id': 'bad id with spaces' } });
    assert.notEqual(malformed.headers.get('x-request-id'), 'bad id with spaces');
  });

  it('logs one JSON line per request with its id, and no code, password, secret, token or cookie', async () => {
    const code = await obtainCode(server);
    const tokens = await redeemCode(server, code, {});
    assert.equal(tokens.status, 200);
    // A failed login and a replayed code are logged too.
    await postToken(server, { grant_type: 'authorization_code', code: code.code, redirect_uri: WEB_APP.callback, code_verifier: code.verifier }, { authorization: basicAuth(WEB_APP.client_id, WEB_APP.client_secret) });
    await fetch(`${server.issuer}authorize?response_type=code&client_id=app1&redirect_uri=${encodeURIComponent(WEB_APP.callback)}&scope=openid&state=the-state-value&code_challenge=abc`, { redirect: 'manual' });

    const requests = lines.filter((line) => line.msg === 'request completed');
    const token = requests.find((line) => line.route === '/oauth/token' && line.status === 200);
    assert.ok(token, 'the token request is logged');
    assert.equal(typeof token.reqId, 'string');
    assert.equal(typeof token.ms, 'number');
    assert.equal(token.level, 30);
    const login = requests.find((line) => line.route === '/u/login' && line.method === 'GET');
    assert.match(String(login?.url), /state=\[redacted\]/);

    const all = lines.map((line) => JSON.stringify(line)).join('\n');
    const secrets = [
      code.code,
      code.verifier,
      ALICE.password,
      WEB_APP.client_secret,
      'the-state-value',
      String(tokens.body.access_token),
      String(tokens.body.id_token),
      ...[...code.browser.cookies.values()],
    ];
    for (const secret of secrets) assert.ok(!all.includes(secret), `a log line contains ${secret.slice(0, 12)}…`);
  });
});

describe('HTTP rate limit', () => {
  let server: RunningLatchkey;
  before(async () => {
    server = await startTestServer({ operations: { rateLimit: { max: 3, window: 60 } } });
  });
  after(() => server.close());

  it('answers 429 with an OAuth error and Retry-After past the limit, and never limits the probes', async () => {
    const call = () => postToken(server, { grant_type: 'client_credentials' }, { authorization: basicAuth('nobody', 'nothing') });
    for (let i = 0; i < 3; i++) assert.equal((await call()).status, 401);
    const limited = await call();
    assert.equal(limited.status, 429);
    assert.equal(limited.body.error, 'temporarily_unavailable');
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    for (let i = 0; i < 5; i++) assert.equal((await fetch(`${server.url}healthz`)).status, 200);
  });
});

const redisSkip = await serviceSkipReason('redis');

describe('HTTP rate limit shared by two instances through Redis', { skip: redisSkip }, () => {
  const prefix = redisTestPrefix();
  let a: RunningLatchkey;
  let b: RunningLatchkey;
  before(async () => {
    const operations = { redis: REDIS_URL, redisPrefix: prefix, rateLimit: { max: 4, window: 60 } };
    a = await startTestServer({ operations });
    b = await startTestServer({ operations });
  });
  after(async () => {
    await a.close();
    await b.close();
    await deleteRedisKeys(prefix);
  });

  it('counts the requests of one client on both instances against one limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await fetch(`${(i % 2 === 0 ? a : b).url}.well-known/jwks.json`)).status);
    assert.deepEqual(statuses, [200, 200, 200, 200, 429, 429]);
  });
});
