/**
 * Fuzzing a running server on 127.0.0.1: thousands of generated malformed requests, written as raw
 * HTTP to every endpoint (bad methods, broken percent-encoding, invalid UTF-8, repeated and
 * oversized parameters, wrong and lying content types, JSON where a form belongs, garbage
 * credentials and cookies, huge headers), some carrying a real session, CSRF token or client
 * secret so they reach the deeper code. Each answer must be a 4xx or success, never a 5xx, and
 * carry no secret and no stack trace; afterwards the server completes a normal sign-in (B15.2).
 *
 * Bounded: a fixed seed (FUZZ_SEED to try another), FUZZ_RUNS requests (default 2,500), well
 * under 30 s.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import type { RunningLatchkey } from '../../src/server.js';
import { Browser, readForm } from '../helpers/browser.js';
import { basicAuth, getUserinfo, obtainCode, redeemCode } from '../helpers/flows.js';
import { ALICE, BOB, startTestServer, TestClock, THIRD_PARTY_APP, WEB_APP } from '../helpers/test-server.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_121);
const RUNS = Number(process.env.FUZZ_RUNS ?? 2_500);
const CONCURRENCY = 16;

const ENDPOINTS = [
  '/authorize', '/u/login', '/u/consent', '/u/logout', '/continue', '/oauth/token', '/token', '/userinfo',
  '/oauth/revoke', '/oauth/introspect', '/oidc/logout', '/v2/logout', '/.well-known/openid-configuration',
  '/.well-known/oauth-authorization-server', '/.well-known/jwks.json', '/healthz', '/readyz', '/metrics',
];
const PARAMS = [
  'client_id', 'redirect_uri', 'response_type', 'scope', 'state', 'nonce', 'code_challenge', 'code_challenge_method',
  'prompt', 'max_age', 'id_token_hint', 'login_hint', 'audience', 'response_mode', 'request', 'request_uri',
  'post_logout_redirect_uri', 'returnTo', 'grant_type', 'code', 'code_verifier', 'refresh_token', 'token',
  'token_type_hint', 'access_token', 'client_secret', 'email', 'password', '_csrf', 'action', '__proto__', 'constructor',
];
/** Parameters whose values are secrets: never to be echoed in any answer. */
const SECRET_PARAMS = new Set(['client_secret', 'password']);
const SECRETS = [WEB_APP.client_secret, THIRD_PARTY_APP.client_secret, ALICE.password, BOB.password];

/** What the sessions prepared before fuzzing let requests reach: a login form's CSRF, a session, tokens. */
interface Context {
  loginState: string;
  csrfToken: string;
  cookie: string;
  accessToken: string;
  origin: string;
}

interface FuzzRequest {
  method: string;
  target: string;
  headers: Array<[string, string]>;
  body: Buffer | undefined;
}

const rawPiece = fc.constantFrom('%', '%zz', '%C3%28', '%ED%A0%80', '%FF', '%00', '%0D%0A', '\u0000', '+', '&', '=', '&&', '==', '%25', '%u0041');
const text = (maxLength: number) =>
  fc.string({ unit: fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), fc.constantFrom('<', '>', '"', "'", '\r', '\n', '\\', '/', '.', ' ', ':', '@', '#', '?')), maxLength });

function valueFor(ctx: Context): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: text(24) },
    { weight: 2, arbitrary: fc.constantFrom(WEB_APP.client_id, WEB_APP.callback, 'code', 'openid', 'none', 'S256', 'authorization_code', 'refresh_token', 'client_credentials', ctx.loginState, ctx.csrfToken, ctx.accessToken, 'accept', 'login', 'logout', 'cancel') },
    { weight: 1, arbitrary: fc.constantFrom('x'.repeat(5_000), 'é'.repeat(3_000), '\r\nSet-Cookie: injected=1', '<script>alert(1)</script>', '../../../../etc/passwd', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', '{"a":1}', '[]', '0', '-1', '1e309') },
  );
}

/** name=value pairs, encoded properly or with raw malformed pieces; repeats happen naturally. */
function formText(ctx: Context): fc.Arbitrary<string> {
  const pair = fc.tuple(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...PARAMS) }, { weight: 1, arbitrary: text(10) }), valueFor(ctx), fc.boolean(), fc.option(rawPiece));
  return fc.array(pair, { maxLength: 10 }).map((pairs) =>
    pairs
      .map(([name, value, proper, raw]) => {
        const encoded = proper ? `${encodeURIComponent(name)}=${encodeURIComponent(value)}` : `${name}=${value}`;
        return raw === null ? encoded : `${encoded}${raw}`;
      })
      .join('&'),
  );
}

/** A request whose secrets are known, so an echo of them can be found in the answer. */
function secretBearing(ctx: Context): fc.Arbitrary<string> {
  return fc.tuple(fc.constantFrom(...SECRET_PARAMS), fc.constantFrom(...SECRETS), formText(ctx)).map(([name, secret, rest]) => `${rest}&${name}=${encodeURIComponent(secret)}`);
}

function jsonBody(): fc.Arbitrary<string> {
  const deep = fc.nat({ max: 5_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`);
  return fc.oneof(
    fc.json({ maxDepth: 4 }),
    fc.dictionary(fc.constantFrom(...PARAMS), fc.oneof(fc.string(), fc.array(fc.string()), fc.integer(), fc.constant(null), fc.object()), { maxKeys: 6 }).map((v) => JSON.stringify(v)),
    deep,
    fc.constantFrom('{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}', '{', '{"a":', '\u0000', '1'.repeat(400), 'null'),
  );
}

function request(ctx: Context): fc.Arbitrary<FuzzRequest> {
  const path = fc.oneof(
    { weight: 10, arbitrary: fc.constantFrom(...ENDPOINTS) },
    { weight: 1, arbitrary: fc.constantFrom('/', '//authorize', '/authorize/', '/AUTHORIZE', '/u/../oauth/token', '/%2e%2e/%2e%2e/etc/passwd', '/u/%00', `/${'a'.repeat(3_000)}`, '/oauth/token;x', '/.well-known/../u/login') },
  );
  const contentType = fc.constantFrom(
    'application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=ISO-8859-1', 'application/json', 'application/json; charset=utf-16',
    'text/plain', 'multipart/form-data; boundary=xyz', 'application/xml', 'application/x-www-form-urlencoded, application/json', ';;;', undefined,
  );
  const authorization = fc.oneof(
    { weight: 4, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: fc.constantFrom(basicAuth(WEB_APP.client_id, WEB_APP.client_secret), `Bearer ${ctx.accessToken}`) },
    { weight: 2, arbitrary: fc.oneof(text(30).map((s) => `Basic ${Buffer.from(s).toString('base64')}`), text(30).map((s) => `Bearer ${s.replace(/[\r\n]/g, '')}`), fc.constantFrom('Basic', 'Basic ====', 'Bearer', `Basic ${Buffer.from([0xff, 0xfe, 0x3a, 0xc3]).toString('base64')}`, `Bearer ${'a'.repeat(8_000)}`, 'Digest x', 'Basic Og==')) },
  );
  const cookie = fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: fc.constant(ctx.cookie) },
    { weight: 1, arbitrary: fc.constantFrom('latchkey.session=garbage', 'latchkey.csrf=%ZZ; latchkey.session=', `latchkey.session=${'x'.repeat(4_000)}`, '=;=;=', 'latchkey.device=v1.a.b.c.d') },
  );
  const body = fc.oneof(
    { weight: 4, arbitrary: formText(ctx).map((s) => Buffer.from(s)) },
    { weight: 2, arbitrary: secretBearing(ctx).map((s) => Buffer.from(s)) },
    { weight: 2, arbitrary: jsonBody().map((s) => Buffer.from(s)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)) },
    { weight: 1, arbitrary: fc.constantFrom(Buffer.from([0x61, 0x3d, 0xc3, 0x28, 0xff]), Buffer.from('a=' + 'x'.repeat(70_000)), Buffer.alloc(0)) },
  );
  return fc
    .record({
      method: fc.constantFrom('GET', 'GET', 'POST', 'POST', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'),
      path,
      query: fc.option(fc.oneof(formText(ctx), secretBearing(ctx)), { freq: 2 }),
      contentType,
      authorization,
      cookie,
      origin: fc.constantFrom(undefined, 'https://evil.test', 'null'),
      body,
      hugeHeader: fc.nat({ max: 40 }).map((n) => n === 0),
      repeatedHeader: fc.boolean(),
    })
    .map((r) => {
      const headers: Array<[string, string]> = [];
      if (r.contentType !== undefined) headers.push(['content-type', r.contentType]);
      if (r.authorization !== undefined) headers.push(['authorization', r.authorization]);
      if (r.authorization !== undefined && r.repeatedHeader) headers.push(['authorization', 'Basic Zm9vOmJhcg==']);
      if (r.cookie !== undefined) headers.push(['cookie', r.cookie]);
      if (r.origin !== undefined) headers.push(['origin', r.origin]);
      if (r.hugeHeader) headers.push(['x-padding', 'p'.repeat(20_000)]);
      const hasBody = r.method !== 'GET' && r.method !== 'HEAD';
      return { method: r.method, target: r.query === null ? r.path : `${r.path}?${r.query}`, headers, body: hasBody ? r.body : undefined };
    });
}

/** Valid requests of each endpoint, with the session, CSRF token and credentials of the context. */
function validRequests(ctx: Context): Array<{ method: 'GET' | 'POST'; path: string; params: Array<[string, string]>; headers: Array<[string, string]> }> {
  const basic: [string, string] = ['authorization', basicAuth(WEB_APP.client_id, WEB_APP.client_secret)];
  const page: Array<[string, string]> = [['cookie', ctx.cookie], ['origin', ctx.origin]];
  const authorize: Array<[string, string]> = [
    ['response_type', 'code'], ['client_id', WEB_APP.client_id], ['redirect_uri', WEB_APP.callback], ['scope', 'openid profile'], ['state', 'st'],
    ['nonce', 'n'], ['code_challenge', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'], ['code_challenge_method', 'S256'],
  ];
  return [
    { method: 'GET', path: '/authorize', params: authorize, headers: page },
    { method: 'POST', path: '/authorize', params: authorize, headers: page },
    { method: 'POST', path: '/u/login', params: [['_csrf', ctx.csrfToken], ['state', ctx.loginState], ['email', ALICE.email], ['password', 'wrong password'], ['action', 'login']], headers: page },
    { method: 'POST', path: '/u/consent', params: [['_csrf', ctx.csrfToken], ['state', ctx.loginState], ['action', 'accept']], headers: page },
    { method: 'POST', path: '/oauth/token', params: [['grant_type', 'authorization_code'], ['code', 'x'.repeat(43)], ['redirect_uri', WEB_APP.callback], ['code_verifier', 'v'.repeat(43)]], headers: [basic] },
    { method: 'POST', path: '/oauth/token', params: [['grant_type', 'refresh_token'], ['refresh_token', 'r'.repeat(43)]], headers: [basic] },
    { method: 'POST', path: '/oauth/token', params: [['grant_type', 'client_credentials'], ['audience', 'https://api.example.test/']], headers: [basic] },
    { method: 'POST', path: '/oauth/revoke', params: [['token', ctx.accessToken], ['token_type_hint', 'access_token']], headers: [basic] },
    { method: 'POST', path: '/oauth/introspect', params: [['token', ctx.accessToken]], headers: [basic] },
    { method: 'GET', path: '/userinfo', params: [], headers: [['authorization', `Bearer ${ctx.accessToken}`]] },
    { method: 'GET', path: '/oidc/logout', params: [['client_id', WEB_APP.client_id], ['post_logout_redirect_uri', 'http://127.0.0.1:3000/'], ['state', 's']], headers: page },
    { method: 'POST', path: '/u/logout', params: [['_csrf', ctx.csrfToken], ['state', 'logout:s'], ['action', 'cancel']], headers: page },
    { method: 'GET', path: '/v2/logout', params: [['client_id', WEB_APP.client_id], ['returnTo', 'http://127.0.0.1:3000/']], headers: page },
    { method: 'GET', path: '/continue', params: [['state', 'eyJhbGciOiJIUzI1NiJ9.e30.x']], headers: page },
  ];
}

/** A valid request with one or two things broken: reaches the code behind the first checks. */
function nearValid(ctx: Context): fc.Arbitrary<FuzzRequest> {
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('drop' as const), index: fc.nat() }),
    fc.record({ kind: fc.constant('repeat' as const), index: fc.nat() }),
    fc.record({ kind: fc.constant('replace' as const), index: fc.nat(), value: valueFor(ctx) }),
    fc.record({ kind: fc.constant('add' as const), name: fc.constantFrom(...PARAMS), value: valueFor(ctx) }),
    fc.record({ kind: fc.constant('raw' as const), index: fc.nat(), piece: rawPiece }),
    fc.record({ kind: fc.constant('content-type' as const), value: fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded; charset=utf-16', 'multipart/form-data') }),
    fc.record({ kind: fc.constant('json' as const) }),
  );
  return fc.tuple(fc.constantFrom(...validRequests(ctx)), fc.array(mutation, { minLength: 1, maxLength: 2 })).map(([base, mutations]) => {
    const pairs = base.params.map(([name, value]) => [encodeURIComponent(name), encodeURIComponent(value)] as [string, string]);
    let contentType = 'application/x-www-form-urlencoded';
    let json = false;
    for (const m of mutations) {
      const at = pairs.length === 0 ? 0 : ('index' in m ? m.index % pairs.length : 0);
      if (m.kind === 'drop') pairs.splice(at, 1);
      else if (m.kind === 'repeat' && pairs[at]) pairs.push([...pairs[at]!]);
      else if (m.kind === 'replace' && pairs[at]) pairs[at]![1] = encodeURIComponent(m.value);
      else if (m.kind === 'add') pairs.push([encodeURIComponent(m.name), encodeURIComponent(m.value)]);
      else if (m.kind === 'raw' && pairs[at]) pairs[at]![1] += m.piece;
      else if (m.kind === 'content-type') contentType = m.value;
      else if (m.kind === 'json') json = true;
    }
    const form = pairs.map(([name, value]) => `${name}=${value}`).join('&');
    const body = json
      ? JSON.stringify(Object.fromEntries(pairs.map(([name, value]) => [safeDecode(name), safeDecode(value)])))
      : form;
    if (json) contentType = 'application/json';
    if (base.method === 'GET') return { method: 'GET', target: `${base.path}?${form}`, headers: base.headers, body: undefined };
    return { method: 'POST', target: base.path, headers: [...base.headers, ['content-type', contentType]], body: Buffer.from(body) };
  });
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** A few requests broken at the HTTP level, which Node's parser answers itself. */
const BROKEN_HTTP = [
  'GET /authorize HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
  'GET /authorize HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n',
  'POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nabcdef',
  'POST /oauth/token HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n',
  'GET /\u0000 HTTP/1.1\r\nHost: x\r\n\r\n',
  `GET /authorize?${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
  'BREW /authorize HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET /authorize HTTP/9.9\r\nHost: x\r\n\r\n',
].map((text) => Buffer.from(text, 'latin1'));

function serialise(request: FuzzRequest): Buffer {
  const lines = [`${request.method} ${request.target} HTTP/1.1`, 'host: 127.0.0.1', 'connection: close'];
  for (const [name, value] of request.headers) lines.push(`${name}: ${value.replace(/[\r\n]/g, '')}`);
  if (request.body !== undefined) lines.push(`content-length: ${request.body.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8'), request.body ?? Buffer.alloc(0)]);
}

interface RawResponse {
  status: number;
  text: string;
}

/**
 * Writes bytes to the server and reads until it closes the connection (every request says
 * `connection: close`). The socket is not half-closed: Node aborts a request whose client ends
 * its side before the answer is written.
 */
function send(port: number, bytes: Buffer): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s')));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', (error) => (chunks.length > 0 ? undefined : reject(error)));
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
      resolve({ status: status || 0, text });
    });
    socket.write(bytes);
  });
}

describe('fuzzing every endpoint of a running server', () => {
  let server: RunningLatchkey;
  const clock = new TestClock();
  let ctx: Context;
  let csrfKey: string;
  // The repository's folder: a path of it in an answer means a stack trace or file name leaked.
  const sourceRoot = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');

  before(async () => {
    // The throttles would soon answer 429 to everything of app1's; they are tested on their own.
    const high = [{ limit: 1_000_000, window: 60 }];
    server = await startTestServer({ clock, clientFailureLimit: high[0], signInThrottle: { account: high, ip: high } });
    csrfKey = (await server.storage.settings.putIfAbsent('csrf_hmac_key', 'unused'))!;
    const browser = new Browser();
    const start = await browser.get(`${server.issuer}authorize?${new URLSearchParams({
      response_type: 'code', client_id: WEB_APP.client_id, redirect_uri: WEB_APP.callback, scope: 'openid', state: 's',
    })}`);
    const form = readForm((await browser.get(start.location!)).text);
    const signedIn = await obtainCode(server);
    const tokens = await redeemCode(server, signedIn);
    ctx = {
      loginState: form.fields.state!,
      csrfToken: form.fields._csrf!,
      // The login form's CSRF cookie, and a live session of alice's.
      cookie: `latchkey.csrf=${browser.cookies.get('latchkey.csrf')}; latchkey.session=${signedIn.browser.cookies.get('latchkey.session')}`,
      accessToken: tokens.body.access_token as string,
      origin: new URL(server.issuer).origin,
    };
  });
  after(() => server.close());

  it('B15.2 B13.3 answers thousands of malformed requests with 4xx, never 5xx, a secret or a stack trace', async () => {
    const started = Date.now();
    const generated = fc.oneof({ weight: 3, arbitrary: request(ctx) }, { weight: 2, arbitrary: nearValid(ctx) });
    const requests = [...fc.sample(generated, { numRuns: RUNS, seed: SEED }).map(serialise), ...BROKEN_HTTP];
    const statuses = new Map<number, number>();
    const problems: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const index = next++;
        const bytes = requests[index]!;
        const response = await send(server.port, bytes);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        const what = `#${index} ${bytes.toString('latin1', 0, 160).split('\r\n')[0]} → ${response.status}`;
        if (response.status === 0) problems.push(`${what}: no answer`);
        if (response.status >= 500) problems.push(`${what}: ${response.text.slice(0, 300)}`);
        for (const secret of [...SECRETS, encodeURIComponent(SECRETS[0]!), csrfKey]) {
          if (response.text.includes(secret)) problems.push(`${what}: echoes a secret`);
        }
        if (/\$argon2id\$|"(d|p|q|dp|dq|qi)":"/.test(response.text)) problems.push(`${what}: a password hash or private key member`);
        // Errors are OAuth-shaped (or pages): never Fastify's or Node's own error body.
        if (response.status >= 400 && !/"error":"[a-z_]+"|<!doctype html>|^HTTP\/1\.1 \d{3} [^\r]*\r\n(?:[^\r]+\r\n)*\r\n$/i.test(response.text)) {
          problems.push(`${what}: not an OAuth error: ${response.text.slice(0, 200)}`);
        }
        if (/"statusCode":\d/.test(response.text)) problems.push(`${what}: Fastify's error shape`);
        if (response.text.includes(sourceRoot) || /\n\s+at .+:\d+:\d+\)?\n/.test(response.text) || response.text.includes('node_modules')) {
          problems.push(`${what}: a stack trace or source path`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = (Date.now() - started) / 1000;
    const summary = [...statuses].sort(([a], [b]) => a - b).map(([status, count]) => `${status}×${count}`).join(' ');
    console.log(`fuzz: ${requests.length} requests in ${seconds.toFixed(1)} s (seed ${SEED}): ${summary}`);
    assert.deepEqual(problems.slice(0, 20), []);
    assert.ok([...statuses.keys()].some((status) => status >= 400 && status < 500));
    assert.ok(seconds < 30, `took ${seconds} s`);
  });

  it('B15.2 the server still completes a normal flow afterwards', async () => {
    assert.equal(server.app.server.listening, true);
    // Past every sign-in throttle window the fuzzing may have filled.
    clock.advance(3 * 3600);
    const code = await obtainCode(server);
    const tokens = await redeemCode(server, code);
    assert.equal(tokens.status, 200);
    assert.equal((await getUserinfo(server, tokens.body.access_token as string)).status, 200);
  });
});
