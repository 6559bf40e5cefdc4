import assert from 'node:assert/strict';
import { readdirSync, readFileSync, mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { connect as connectTcp } from 'node:net';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as connectTls } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { KyselyStorage } from '../../src/storage/kysely/kysely-storage.js';
import { makeCertificates } from '../helpers/certificates.js';
import { BUILT_MAIN, FROM_SOURCES, LAUNCHER, runLatchkey, startLatchkeyProcess, type LatchkeyProcess } from '../helpers/latchkey-process.js';
import { testTenant } from '../helpers/test-server.js';

const SECRET = 'a-test-secret-of-at-least-32-characters!!';

/** Sends raw bytes on one connection and collects what comes back. */
function rawConnection(url: string) {
  const { hostname, port } = new URL(url);
  const socket = connectTcp({ host: hostname, port: Number(port) });
  let received = '';
  const listeners = new Set<() => void>();
  socket.on('data', (chunk) => {
    received += chunk.toString();
    for (const listener of listeners) listener();
  });
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  return {
    write: (text: string) => socket.write(text),
    received: () => received,
    closed,
    /** Resolves once the received text matches. */
    until: (pattern: RegExp) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pattern.test(received)) {
            listeners.delete(check);
            resolve();
          }
        };
        listeners.add(check);
        socket.once('close', () => (pattern.test(received) ? resolve() : reject(new Error(`closed before ${pattern}: ${received}`))));
        check();
      }),
    destroy: () => socket.destroy(),
  };
}

function refused(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connectTcp({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

/** A token request whose body is sent in two parts, with Expect: 100-continue so the server says when it has the headers. */
const BODY = 'grant_type=client_credentials&client_id=nobody&client_secret=nothing-at-all';
const HEADERS = `POST /oauth/token HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${BODY.length}\r\nExpect: 100-continue\r\n\r\n`;

describe('latchkey serve as a process', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'latchkey-process-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs `latchkey serve` on a database and tenant file of its own while `use` runs, then stops it. */
  async function withServer<T>(
    name: string,
    env: Record<string, string>,
    entry: readonly string[],
    use: (server: LatchkeyProcess) => Promise<T>,
  ): Promise<T> {
    const tenantFile = join(dir, `${name}-tenant.json`);
    writeFileSync(tenantFile, JSON.stringify(testTenant()));
    const server = await startLatchkeyProcess(['serve', '--port', '0'], {
      LATCHKEY_DATABASE: `sqlite:${join(dir, `${name}.db`)}`,
      LATCHKEY_TENANT_FILE: tenantFile,
      LATCHKEY_SECRET: SECRET,
      ...env,
    }, 30_000, entry);
    try {
      return await use(server);
    } finally {
      server.kill();
      await server.exited;
    }
  }

  it('on SIGTERM refuses new connections, finishes the request in flight, and exits 0', async () => {
    const server = await startLatchkeyProcess(['serve', '--port', '0'], {
      LATCHKEY_DATABASE: `sqlite:${join(dir, 'drain.db')}`,
      LATCHKEY_SECRET: SECRET,
      LATCHKEY_LOG_LEVEL: 'info',
    });
    const inFlight = rawConnection(server.url);
    inFlight.write(HEADERS);
    await inFlight.until(/100 Continue/); // the server has the request
    inFlight.write(BODY.slice(0, 10));

    server.kill('SIGTERM');
    await server.waitFor(/shutting down/);
    // The listening socket closes a moment after the signal: poll for it, within a second.
    let closed = false;
    for (let attempt = 0; attempt < 50 && !closed; attempt++) {
      closed = await refused(server.url);
      if (!closed) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(closed, true, 'a new connection is refused');

    inFlight.write(BODY.slice(10));
    await inFlight.until(/\r\n\r\n\{.*\}/s);
    assert.match(inFlight.received(), /HTTP\/1\.1 401 /);
    assert.match(inFlight.received(), /"error":"invalid_client"/);

    const { code } = await server.exited;
    assert.equal(code, 0, server.output());
    assert.match(server.output(), /"clean":true/);
  });

  it('cuts a request that does not finish within LATCHKEY_SHUTDOWN_TIMEOUT and exits 1', async () => {
    const server = await startLatchkeyProcess(['serve', '--port', '0'], {
      LATCHKEY_DATABASE: `sqlite:${join(dir, 'bounded.db')}`,
      LATCHKEY_SECRET: SECRET,
      LATCHKEY_SHUTDOWN_TIMEOUT: '1',
    });
    const stuck = rawConnection(server.url);
    stuck.write(HEADERS);
    await stuck.until(/100 Continue/);
    const started = Date.now();
    server.kill('SIGTERM');
    const { code } = await server.exited;
    const seconds = (Date.now() - started) / 1000;
    assert.equal(code, 1);
    assert.ok(seconds >= 0.9 && seconds < 5, `exited after ${seconds} s`);
    await stuck.closed;
  });

  it('latchkey migrate applies the migrations and creates the first keys once; serve --no-migrate then starts', async () => {
    const database = `sqlite:${join(dir, 'migrate.db')}`;
    const first = runLatchkey(['migrate'], { LATCHKEY_DATABASE: database, LATCHKEY_SECRET: SECRET });
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /applied \d+ migration\(s\) to the sqlite database:\n {2}2026-11-21T1200-initial/);
    const kid = /signing keys: RS256 (\S+)/.exec(first.stdout)?.[1];
    assert.ok(kid);
    const second = runLatchkey(['migrate'], { LATCHKEY_DATABASE: database, LATCHKEY_SECRET: SECRET });
    assert.match(second.stdout, /the sqlite database is up to date/);
    assert.match(second.stdout, new RegExp(`signing keys: RS256 ${kid}`), 'the same key');

    const server = await startLatchkeyProcess(['serve', '--port', '0', '--no-migrate'], { LATCHKEY_DATABASE: database, LATCHKEY_SECRET: SECRET });
    const jwks = (await (await fetch(`${server.url}.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
    assert.deepEqual(jwks.keys.map((key) => key.kid), [kid]);
    server.kill('SIGTERM');
    assert.equal((await server.exited).code, 0);
  });

  it('latchkey logs lists the security events newest first, filtered, as text or JSON', async () => {
    const database = `sqlite:${join(dir, 'logs.db')}`;
    const storage = await KyselyStorage.open(database);
    const now = Math.floor(Date.now() / 1000);
    const base = { client_name: 'Web App', ip: '203.0.113.9', user_agent: 'curl', details: null } as const;
    await storage.securityEvents.record({ ...base, id: 'e1', date: now - 7200, type: 's', description: 'Success Login', client_id: 'app1', user_id: 'auth0|a', user_name: 'alice@example.test' });
    await storage.securityEvents.record({ ...base, id: 'e2', date: now - 60, type: 'fp', description: 'Wrong email or password', client_id: 'app1', user_id: 'auth0|a', user_name: 'alice@example.test' });
    await storage.securityEvents.record({ ...base, id: 'e3', date: now - 30, type: 'fu', description: 'Wrong email or password', client_id: 'app1', user_id: null, user_name: 'mallory@example.test' });
    await storage.close();

    const all = runLatchkey(['logs', '--database', database]);
    assert.equal(all.status, 0, all.stderr);
    const lines = all.stdout.trim().split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[0]!, /^\S+Z +fu +app1 +mallory@example\.test +203\.0\.113\.9 +Wrong email or password$/);

    const recentFailures = runLatchkey(['logs', '--database', database, '--type', 'fp,fu', '--since', '1h', '--user', 'alice@example.test', '--json']);
    const events = recentFailures.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(events.map((event) => event.log_id), ['e2']);
    assert.equal(events[0]!.type, 'fp');
    assert.equal(typeof events[0]!.date, 'string');

    const unknown = runLatchkey(['logs', '--database', database, '--type', 'nope']);
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /unknown event type nope/);
  });

  it('started by the latchkey launcher, keeps the young generation to two 8 MiB semi-spaces; started without it, V8 grows it further', async () => {
    const newSpace = (entry: readonly string[], name: string) =>
      withServer(name, {}, entry, async (server) => {
        // Enough requests for several scavenges, each at most a few turns of the event loop.
        for (let i = 0; i < 300; i++) {
          await (await fetch(`${server.url}.well-known/openid-configuration`)).arrayBuffer();
        }
        const metrics = await (await fetch(`${server.url}metrics`)).text();
        const size = /nodejs_heap_space_size_total_bytes\{space="new"\} (\d+)/.exec(metrics);
        assert.ok(size, 'the new space is in the process metrics');
        return Number(size[1]);
      });
    const MiB = 1024 * 1024;
    assert.ok((await newSpace(LAUNCHER, 'launcher')) <= 16 * MiB);
    // The comparison shows the measure can tell: the modules' loading alone grows it to V8's
    // largest, two 16 MiB semi-spaces wherever V8 sizes its heap for a few GiB of memory.
    assert.ok((await newSpace(BUILT_MAIN, 'without-launcher')) > 16 * MiB);
  });

  it('runs its other threads below the event loop: 10 nice steps by default, none with LATCHKEY_HELPER_NICENESS=0', { skip: process.platform !== 'linux' ? 'nice values are per thread on Linux only' : undefined }, async () => {
    const niceValues = (name: string, env: Record<string, string>) =>
      withServer(name, env, FROM_SOURCES, async (server) => {
        const pid = server.child.pid!;
        // A thread id names one thread to getpriority(2) on Linux.
        const others = readdirSync(`/proc/${pid}/task`).map(Number).filter((tid) => tid !== pid);
        return { eventLoop: getPriority(pid), others: others.map((tid) => getPriority(tid)) };
      });
    // The server starts at this process's priority (0 unless the tests run under nice).
    const base = getPriority();
    const lowered = await niceValues('nice-default', {});
    assert.equal(lowered.eventLoop, base);
    assert.ok(lowered.others.length >= 4, `libuv's pool and V8's helpers are there (${lowered.others.length} threads)`);
    assert.deepEqual(lowered.others, lowered.others.map(() => Math.min(19, base + 10)));
    const equal = await niceValues('nice-off', { LATCHKEY_HELPER_NICENESS: '0' });
    assert.deepEqual(equal.others, equal.others.map(() => base));
  });

  it('serves https with LATCHKEY_TLS_CERT/KEY and takes renewed files on SIGHUP without dropping the service', async () => {
    const first = await makeCertificates(dir, 'first');
    const renewed = await makeCertificates(dir, 'renewed', { key: first.caKey, cert: first.ca });
    const certFile = join(dir, 'live-cert.pem');
    const keyFile = join(dir, 'live-key.pem');
    copyFileSync(first.certFile, certFile);
    copyFileSync(first.keyFile, keyFile);
    const server = await startLatchkeyProcess(['serve', '--port', '0', '--host', '127.0.0.1'], {
      LATCHKEY_DATABASE: `sqlite:${join(dir, 'tls.db')}`,
      LATCHKEY_SECRET: SECRET,
      LATCHKEY_TLS_CERT: certFile,
      LATCHKEY_TLS_KEY: keyFile,
      LATCHKEY_LOG_LEVEL: 'info',
    });
    assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+\/$/);
    const { port } = new URL(server.url);
    const peer = () =>
      new Promise<string>((resolve, reject) => {
        const socket = connectTls({ host: '127.0.0.1', port: Number(port), servername: 'localhost', ca: first.ca }, () => {
          resolve(socket.getPeerX509Certificate()!.fingerprint256);
          socket.end();
        });
        socket.once('error', reject);
      });
    assert.equal(await peer(), first.fingerprint256);

    writeFileSync(certFile, readFileSync(renewed.certFile));
    writeFileSync(keyFile, readFileSync(renewed.keyFile));
    server.kill('SIGHUP');
    await server.waitFor(/TLS certificate and key reloaded/);
    assert.equal(await peer(), renewed.fingerprint256);
    server.kill('SIGTERM');
    assert.equal((await server.exited).code, 0);
  });
});

/** The processes whose parent is `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {
      // The process ended while being read.
    }
  }
  return children;
}

describe('latchkey serve --workers', { skip: process.platform !== 'linux' ? 'counts processes through /proc' : undefined }, () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'latchkey-workers-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs N processes on one port and one store, replaces one that dies, adds up their metrics, and stops them all on SIGTERM', async () => {
    const tenantFile = join(dir, 'tenant.json');
    writeFileSync(tenantFile, JSON.stringify(testTenant()));
    const server = await startLatchkeyProcess(['serve', '--port', '0', '--workers', '3'], {
      LATCHKEY_DATABASE: `sqlite:${join(dir, 'workers.db')}`,
      LATCHKEY_TENANT_FILE: tenantFile,
      LATCHKEY_SECRET: SECRET,
      LATCHKEY_LOG_LEVEL: 'info',
    }, 60_000);
    assert.match(server.output(), /3 workers\)/);
    const pid = server.child.pid!;
    const workers = childrenOf(pid);
    assert.equal(workers.length, 3, `children of ${pid}: ${workers.join(', ')}`);

    // One connection per request, so the primary hands them round-robin to the workers.
    const requests = 30;
    for (let i = 0; i < requests; i++) {
      const response = await fetch(`${server.url}.well-known/openid-configuration`, { headers: { connection: 'close' } });
      assert.equal(response.status, 200);
      await response.arrayBuffer();
    }
    const metrics = await (await fetch(`${server.url}metrics`, { headers: { connection: 'close' } })).text();
    const served = /latchkey_http_requests_total\{method="GET",route="\/\.well-known\/openid-configuration",status="200"\} (\d+)/.exec(metrics);
    assert.equal(Number(served?.[1]), requests, 'the counts of every worker, added up');

    process.kill(workers[0]!, 'SIGKILL');
    await server.waitFor(/a worker died: starting another/);
    await server.waitFor(/a worker died[\s\S]*Server listening at/);
    for (let i = 0; i < 6; i++) {
      const response = await fetch(`${server.url}healthz`, { headers: { connection: 'close' } });
      assert.equal(response.status, 200);
    }
    const replaced = childrenOf(pid);
    assert.equal(replaced.length, 3);
    assert.ok(!replaced.includes(workers[0]!));

    server.kill('SIGTERM');
    const { code } = await server.exited;
    assert.equal(code, 0, server.output());
    assert.deepEqual(childrenOf(pid), []);
  });
});
