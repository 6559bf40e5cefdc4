import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ActionLogger } from '../../src/actions/action-runner.js';
import { actionRuns } from '../../src/metrics/metrics.js';
import { registerUser, RegistrationDeniedError } from '../../src/protocol/users/register-user.js';
import type { RunningLatchkey } from '../../src/server.js';
import { authorizeInBrowser, Browser, pkcePair } from '../helpers/browser.js';
import { basicAuth, decodeJwt, postToken } from '../helpers/flows.js';
import { authorizeParams, redeem, signInForTokens } from '../helpers/sign-in.js';
import { ALICE, API, startTestServer, testTenant, WEB_APP } from '../helpers/test-server.js';

const user = (name: string) => ({ email: `${name}@example.test`, password: `${name} has a long passphrase` });
const BLOCKED = user('blocked');
const CRASH = user('crash');
const SLOW = user('slow');
const TERMS = user('terms');
const M2M = { client_id: 'm2m', client_secret: 'm2m-secret-at-least-32-characters-long' };
const SUSPENDED = { client_id: 'suspended', client_secret: 'suspended-secret-at-least-32-characters' };

/** Runs first: denies, throws or spins depending on who signs in. */
const GATEKEEPER = `
exports.onExecutePostLogin = async (event, api) => {
  const who = event.user.email.split('@')[0];
  if (who === 'blocked') api.access.deny('blocked accounts may not sign in');
  if (who === 'crash') throw new Error('directory unreachable');
  if (who === 'slow') { while (true) {} }
};`;

/** Sends terms@ to an external page once, and records the answer when the browser comes back. */
const TERMS_ACTION = `
exports.onExecutePostLogin = async (event, api) => {
  if (event.user.email !== 'terms@example.test' || event.user.app_metadata.terms_accepted) return;
  api.redirect.sendUserTo(event.secrets.TERMS_URL, { query: { lang: 'en' } });
};
exports.onContinuePostLogin = async (event, api) => {
  if (event.request.query.accepted !== 'yes') return api.access.deny('the terms were not accepted');
  api.user.setAppMetadata('terms_accepted', true);
  api.idToken.setCustomClaim('https://example.test/terms', 'accepted');
};`;

/** A TypeScript action file: every token and user change the post-login api offers. */
const ENRICH_TS = `
interface PostLoginEvent {
  user: { email: string; name: string; user_metadata: Record<string, unknown> };
  authorization: { roles: string[] };
  client: { name: string };
  connection: { name: string };
  request: { ip: string; user_agent?: string; hostname: string; query: Record<string, string> };
  transaction: { requested_scopes: string[]; redirect_uri: string };
  resource_server?: { identifier: string };
  stats: { logins_count: number };
  secrets: Record<string, string>;
}
export const onExecutePostLogin = async (event: PostLoginEvent, api: any): Promise<void> => {
  api.idToken.setCustomClaim('https://example.test/roles', event.authorization.roles);
  api.accessToken.setCustomClaim('https://example.test/email', event.user.email);
  api.accessToken.setCustomClaim('tier', event.secrets.TIER);
  api.accessToken.setCustomClaim('https://example.test/event', {
    name: event.user.name,
    client: event.client.name,
    connection: event.connection.name,
    ip: event.request.ip,
    user_agent: event.request.user_agent,
    hostname: event.request.hostname,
    query_audience: event.request.query.audience,
    requested_scopes: event.transaction.requested_scopes,
    redirect_uri: event.transaction.redirect_uri,
    audience: event.resource_server?.identifier,
    logins_count: event.stats.logins_count,
  });
  api.accessToken.addScope('write:messages');
  api.accessToken.removeScope('read:messages');
  api.user.setUserMetadata('theme', 'dark');
  api.user.setUserMetadata('obsolete', null);
  api.user.setAppMetadata('seen_logins', event.stats.logins_count);
};`;

const CREDENTIALS_EXCHANGE = `
exports.onExecuteCredentialsExchange = async (event, api) => {
  if (event.client.client_id === 'suspended') return api.access.deny('invalid_request', 'this client is suspended');
  api.accessToken.setCustomClaim('https://example.test/service', event.client.name);
  api.accessToken.setCustomClaim('https://example.test/scopes', event.transaction.requested_scopes);
};`;

const PRE_REGISTRATION = `
exports.onExecutePreUserRegistration = async (event, api) => {
  if (event.user.email.endsWith('@spam.test')) return api.access.deny('spam domain', 'Sign-ups from this domain are closed.');
  api.user.setAppMetadata('plan', 'trial');
  api.user.setUserMetadata('signed_up_with', event.connection.name);
};`;

const POST_REGISTRATION = `
exports.onExecutePostUserRegistration = async (event) => {
  await fetch(event.secrets.HOOK_URL, { method: 'POST', body: JSON.stringify({ user_id: event.user.user_id, plan: event.user.app_metadata.plan }) });
};`;

/** The page an action redirects to (a terms page) and a webhook receiver: a real server of its own. */
function startExternalSite() {
  const hooks: unknown[] = [];
  let issuer = '';
  const site: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/terms') {
      const back = new URL('continue', issuer);
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      back.searchParams.set('accepted', url.searchParams.get('lang') === 'en' ? 'yes' : 'no');
      response.writeHead(302, { location: back.href }).end();
    } else if (url.pathname === '/hook' && request.method === 'POST') {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        hooks.push(JSON.parse(body));
        response.writeHead(204).end();
      });
    } else {
      response.writeHead(404).end();
    }
  });
  return {
    hooks,
    setIssuer: (value: string) => (issuer = value),
    url: () => new Promise<string>((resolve) => site.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(site.address() as { port: number }).port}/`))),
    close: () => new Promise<void>((resolve) => site.close(() => resolve())),
  };
}

function recordingLogger() {
  const lines: { message: string; fields: Record<string, unknown> }[] = [];
  const logger: ActionLogger = {
    info: (fields, message) => lines.push({ message, fields }),
    warn: (fields, message) => lines.push({ message, fields }),
  };
  return { lines, logger };
}

describe('actions', () => {
  let server: RunningLatchkey;
  let external: ReturnType<typeof startExternalSite>;
  let externalUrl: string;
  let dir: string;
  const log = recordingLogger();

  before(async () => {
    external = startExternalSite();
    externalUrl = await external.url();
    dir = mkdtempSync(join(tmpdir(), 'latchkey-actions-'));
    writeFileSync(join(dir, 'enrich.ts'), ENRICH_TS);
    const base = testTenant();
    server = await startTestServer({
      tenant: {
        ...base,
        clients: [
          ...base.clients,
          { client_id: M2M.client_id, client_secret: M2M.client_secret, name: 'Billing service', app_type: 'non_interactive' },
          { client_id: SUSPENDED.client_id, client_secret: SUSPENDED.client_secret, name: 'Old service', app_type: 'non_interactive' },
        ],
        clientGrants: [
          { client_id: M2M.client_id, audience: API, scope: ['read:messages'] },
          { client_id: SUSPENDED.client_id, audience: API, scope: ['read:messages'] },
        ],
        roles: [{ name: 'staff', permissions: [{ resource_server_identifier: API, permission_name: 'read:messages' }] }],
        users: [
          { ...base.users[0]!, roles: ['staff'], user_metadata: { obsolete: true, keep: 1 } },
          ...[BLOCKED, CRASH, SLOW, TERMS].map((u) => ({ ...u, email_verified: true })),
        ],
        actions: [
          { name: 'gatekeeper', trigger: 'post-login', code: GATEKEEPER },
          { name: 'terms', trigger: 'post-login', code: TERMS_ACTION, secrets: { TERMS_URL: `${externalUrl}terms` } },
          { name: 'enrich', trigger: 'post-login', file: join(dir, 'enrich.ts'), secrets: { TIER: 'gold' } },
          { name: 'm2m-claims', trigger: 'credentials-exchange', code: CREDENTIALS_EXCHANGE },
          { name: 'screen-signups', trigger: 'pre-user-registration', code: PRE_REGISTRATION },
          { name: 'notify-crm', trigger: 'post-user-registration', code: POST_REGISTRATION, secrets: { HOOK_URL: `${externalUrl}hook` } },
        ],
      },
      actions: { timeoutMs: 500, logger: log.logger },
    });
    external.setIssuer(server.issuer);
  });
  after(async () => {
    await server.close();
    await external.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('post-login', () => {
    it('puts custom claims and scope changes in the tokens, and stores the metadata', async () => {
      const tokens = await signInForTokens(server, WEB_APP, { scope: 'openid profile offline_access read:messages', audience: API }, ALICE);
      assert.deepEqual(tokens.id?.['https://example.test/roles'], ['staff']);
      assert.equal(tokens.id?.['https://example.test/email'], undefined, 'an access token claim stays out of the ID token');
      assert.equal(tokens.access['https://example.test/email'], ALICE.email);
      assert.equal(tokens.access.tier, 'gold');
      assert.equal(tokens.access.scope, 'openid profile offline_access write:messages');
      assert.equal(tokens.body.scope, 'openid profile offline_access write:messages');
      assert.deepEqual(tokens.access['https://example.test/event'], {
        name: 'Alice',
        client: 'Web App',
        connection: 'Username-Password-Authentication',
        ip: '127.0.0.1',
        user_agent: 'node',
        hostname: new URL(server.issuer).hostname,
        query_audience: API,
        requested_scopes: ['openid', 'profile', 'offline_access', 'read:messages'],
        redirect_uri: WEB_APP.callback,
        audience: API,
        logins_count: 1,
      });

      const stored = (await server.storage.users.findByEmail(ALICE.email))!;
      assert.deepEqual(stored.user_metadata, { keep: 1, theme: 'dark' });
      assert.deepEqual(stored.app_metadata, { seen_logins: 1 });

      // Tokens refreshed from the grant keep what the actions added.
      const refreshed = await postToken(
        server,
        { grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token as string },
        { authorization: basicAuth(WEB_APP.client_id, WEB_APP.client_secret) },
      );
      assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
      const access = decodeJwt(refreshed.body.access_token as string).payload;
      assert.equal(access.tier, 'gold');
      assert.equal(access.scope, 'openid profile offline_access write:messages');
      assert.deepEqual(decodeJwt(refreshed.body.id_token as string).payload['https://example.test/roles'], ['staff']);
    });

    it('ends the login with access_denied when an action denies, and logs the action', async () => {
      const final = await authorizeInBrowser(new Browser(), server.issuer, authorizeParams(WEB_APP, { scope: 'openid' }, pkcePair().challenge), BLOCKED);
      const location = new URL(final.location!);
      assert.equal(`${location.origin}${location.pathname}`, WEB_APP.callback);
      assert.equal(location.searchParams.get('error'), 'access_denied');
      assert.equal(location.searchParams.get('error_description'), 'blocked accounts may not sign in');
      assert.equal(location.searchParams.get('state'), 'state-1');
      assert.equal(location.searchParams.get('code'), null);
      assert.ok(log.lines.some((l) => l.fields.action === 'gatekeeper' && l.message === 'action "gatekeeper" denied access: blocked accounts may not sign in'));
    });

    it('ends the login with access_denied when an action throws, naming the action in the log only', async () => {
      const final = await authorizeInBrowser(new Browser(), server.issuer, authorizeParams(WEB_APP, { scope: 'openid' }, pkcePair().challenge), CRASH);
      const location = new URL(final.location!);
      assert.equal(location.searchParams.get('error'), 'access_denied');
      assert.doesNotMatch(location.searchParams.get('error_description') ?? '', /directory unreachable/);
      const line = log.lines.find((l) => l.fields.action === 'gatekeeper' && l.fields.failure === 'threw');
      assert.ok(line, JSON.stringify(log.lines));
      assert.match(line.message, /^action "gatekeeper" failed \(threw\): Error: directory unreachable/);
    });

    it('ends the login with access_denied when an action overstays its time limit, and the server goes on', async () => {
      const started = performance.now();
      const final = await authorizeInBrowser(new Browser(), server.issuer, authorizeParams(WEB_APP, { scope: 'openid' }, pkcePair().challenge), SLOW);
      assert.ok(performance.now() - started < 5000);
      assert.equal(new URL(final.location!).searchParams.get('error'), 'access_denied');
      assert.ok(log.lines.some((l) => l.message === 'action "gatekeeper" failed (timeout): did not finish within 500 ms'));
      const timeouts = (await actionRuns.get()).values.find((v) => v.labels.trigger === 'post-login' && v.labels.outcome === 'timeout');
      assert.ok((timeouts?.value ?? 0) >= 1, 'counted in latchkey_action_runs_total');
      const next = await signInForTokens(server, WEB_APP, { scope: 'openid' }, ALICE);
      assert.equal(next.status, 200);
    });
  });

  describe('redirect and /continue', () => {
    /** Signs terms@ in: the answer is the redirect to the external page. */
    async function signInToRedirect(browser: Browser, params: Record<string, string> = {}) {
      const { verifier, challenge } = pkcePair();
      const response = await authorizeInBrowser(browser, server.issuer, authorizeParams(WEB_APP, { scope: 'openid', ...params }, challenge), TERMS);
      assert.equal(response.status, 303);
      const target = new URL(response.location!);
      assert.equal(`${target.origin}${target.pathname}`, `${externalUrl}terms`);
      assert.equal(target.searchParams.get('lang'), 'en');
      const state = target.searchParams.get('state')!;
      return { target, state, verifier };
    }

    it('refuses a tampered, foreign or replayed state, and resumes the same transaction with the genuine one', async () => {
      const browser = new Browser();
      const { target, state, verifier } = await signInToRedirect(browser);
      const [header, payload, signature] = state.split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
      assert.equal(JSON.parse(Buffer.from(header, 'base64url').toString()).typ, 'latchkey-continue+jwt');

      // The consent page (or the code) cannot be reached while the action waits.
      const early = await browser.get(`${server.issuer}u/consent?state=${claims.interaction as string}`);
      assert.equal(early.status, 400);

      const refused = async (token: string, b = browser) => {
        const response = await b.get(`${server.issuer}continue?state=${encodeURIComponent(token)}&accepted=yes`);
        assert.equal(response.status, 400, `state ${token.slice(0, 40)}… was accepted`);
        assert.equal(response.location, undefined);
        assert.match(response.headers.get('content-type') ?? '', /text\/html/);
      };
      const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      await refused(`${header}.${encode({ ...claims, sub: 'auth0|someoneelse' })}.${signature}`);
      await refused(`${header}.${payload}.${signature.slice(0, -4)}AAAA`);
      await refused(`${encode({ alg: 'none', typ: 'latchkey-continue+jwt' })}.${payload}.`);
      await refused('not-a-token');
      // The genuine state from another browser (no session of this user) is refused too.
      await refused(state, new Browser());

      // The external page sends the browser back; the action's onContinuePostLogin runs.
      const page = await browser.get(target.href);
      assert.equal(page.status, 302);
      const back = await browser.get(page.location!);
      assert.equal(back.status, 302, back.text.slice(0, 300));
      const callback = new URL(back.location!);
      assert.equal(`${callback.origin}${callback.pathname}`, WEB_APP.callback);
      assert.equal(callback.searchParams.get('state'), 'state-1', 'the same authorization request');
      const tokens = await redeem(server, WEB_APP, callback.searchParams.get('code')!, verifier);
      assert.equal(tokens.status, 200);
      const id = decodeJwt(tokens.body.id_token as string).payload;
      assert.equal(id['https://example.test/terms'], 'accepted');
      assert.equal(id.nonce, 'nonce-1');
      // The actions after the one that redirected ran after /continue.
      assert.deepEqual(id['https://example.test/roles'], []);
      assert.equal((await server.storage.users.findByEmail(TERMS.email))!.app_metadata?.terms_accepted, true);

      await refused(state); // used once
    });

    it('answers interaction_required for prompt=none when an action needs the user', async () => {
      await server.storage.users.updateMetadata((await server.storage.users.findByEmail(TERMS.email))!.user_id, { user_metadata: {}, app_metadata: {} }, 0);
      const browser = new Browser();
      await signInToRedirect(browser);
      // Signed in (the session exists), but the action would redirect again.
      const silent = await browser.get(
        `${server.issuer}authorize?${new URLSearchParams(authorizeParams(WEB_APP, { scope: 'openid', prompt: 'none' }, pkcePair().challenge))}`,
      );
      assert.equal(silent.status, 302);
      const location = new URL(silent.location!);
      assert.equal(location.searchParams.get('error'), 'interaction_required');
    });

    it('denies when the action refuses the answer brought back', async () => {
      await server.storage.users.updateMetadata((await server.storage.users.findByEmail(TERMS.email))!.user_id, { user_metadata: {}, app_metadata: {} }, 0);
      const browser = new Browser();
      const { state } = await signInToRedirect(browser);
      const back = await browser.get(`${server.issuer}continue?state=${encodeURIComponent(state)}&accepted=no`);
      assert.equal(back.status, 302);
      assert.equal(new URL(back.location!).searchParams.get('error'), 'access_denied');
      assert.equal(new URL(back.location!).searchParams.get('error_description'), 'the terms were not accepted');
    });
  });

  describe('credentials-exchange', () => {
    it('adds the custom claims to client credentials tokens', async () => {
      const response = await postToken(server, { grant_type: 'client_credentials', audience: API }, { authorization: basicAuth(M2M.client_id, M2M.client_secret) });
      assert.equal(response.status, 200, JSON.stringify(response.body));
      const access = decodeJwt(response.body.access_token as string).payload;
      assert.equal(access['https://example.test/service'], 'Billing service');
      assert.deepEqual(access['https://example.test/scopes'], ['read:messages']);
      assert.equal(access.sub, 'm2m@clients');
      assert.equal(access.gty, 'client-credentials');
    });

    it('answers the error code the action denied with', async () => {
      const response = await postToken(server, { grant_type: 'client_credentials', audience: API }, { authorization: basicAuth(SUSPENDED.client_id, SUSPENDED.client_secret) });
      assert.equal(response.status, 400);
      assert.deepEqual(response.body, { error: 'invalid_request', error_description: 'this client is suspended' });
      assert.ok(log.lines.some((l) => l.fields.action === 'm2m-claims' && l.fields.trigger === 'credentials-exchange'));
    });
  });

  describe('user registration', () => {
    it('runs pre-user-registration (metadata) and post-user-registration (after the user exists)', async () => {
      const { user, afterRegistration } = await registerUser(server.ctx, { email: 'New.Person@example.test', password: 'a long new passphrase' });
      await afterRegistration;
      const stored = (await server.storage.users.findByEmail('new.person@example.test'))!;
      assert.equal(stored.user_id, user.user_id);
      assert.deepEqual(stored.app_metadata, { plan: 'trial' });
      assert.deepEqual(stored.user_metadata, { signed_up_with: 'Username-Password-Authentication' });
      assert.deepEqual(external.hooks, [{ user_id: user.user_id, plan: 'trial' }]);

      // The new user signs in with the password given.
      const tokens = await signInForTokens(server, WEB_APP, { scope: 'openid email' }, { email: 'new.person@example.test', password: 'a long new passphrase' });
      assert.equal(tokens.id?.email, 'new.person@example.test');
    });

    it('refuses a registration a pre-user-registration action denies, and stores nothing', async () => {
      await assert.rejects(
        registerUser(server.ctx, { email: 'bot@spam.test', password: 'a long new passphrase' }),
        (error: unknown) => error instanceof RegistrationDeniedError && error.reason === 'spam domain' && error.userMessage === 'Sign-ups from this domain are closed.',
      );
      assert.equal(await server.storage.users.findByEmail('bot@spam.test'), undefined);
    });
  });
});

