import { randomBytes } from 'node:crypto';
import type { BenchFixture } from '../fixture.js';
import type { AutocannonJob, LoadJob } from '../load/jobs.js';
import { authorizationUrl, basicAuthorization, pkcePair } from '../oidc/client.js';
import type { RunningTarget, Target } from '../targets/target.js';
import { inParallel, mintCodes, redeemCode, signIn } from './mint.js';

export const SCENARIO_IDS = [
  'discovery',
  'jwks',
  'client-credentials',
  'authorization-code',
  'refresh-token',
  'userinfo',
  'authorize-session',
  'sign-in-flow',
] as const;
export type ScenarioId = (typeof SCENARIO_IDS)[number];

export interface ScenarioSettings {
  readonly connections: number;
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  /** Concurrent users of the sign-in flow scenario. */
  readonly flowConcurrency: number;
}

export interface ScenarioContext {
  readonly target: Target;
  readonly server: RunningTarget;
  readonly fixture: BenchFixture;
  readonly settings: ScenarioSettings;
  /** The most this scenario can do per second here (its limit), to size what is minted beforehand. */
  readonly expectedRate: number;
}

export interface Scenario {
  readonly id: ScenarioId;
  readonly title: string;
  readonly unit: 'req/s' | 'flows/s';
  /** JWTs signed per request or flow (access token, ID token). */
  readonly signatures: number;
  /** argon2id password verifications per request or flow. */
  readonly passwordChecks: number;
  /** HTTP requests per request or flow, for the bare HTTP limit. */
  readonly httpRequests: number;
  /** Starts nothing: signs in and mints what the load needs, then describes the load. */
  prepare(context: ScenarioContext): Promise<LoadJob>;
}

const FORM = 'application/x-www-form-urlencoded';
const SCOPE = 'openid profile email';

function pathOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
}

function autocannonJob(context: ScenarioContext, plan: AutocannonJob['plan'], expect: AutocannonJob['expect']): AutocannonJob {
  const { settings } = context;
  return {
    type: 'autocannon',
    origin: context.server.origin,
    connections: settings.connections,
    durationSeconds: settings.durationSeconds,
    warmupSeconds: settings.warmupSeconds,
    plan,
    expect,
  };
}

/** The authorization request of the first-party web app for the API (OAuth 2.0 §4.1.1, PKCE S256). */
function webAppAuthorization(context: ScenarioContext, challenge: string, extra: Readonly<Record<string, string>> = {}) {
  const { fixture, target } = context;
  return {
    response_type: 'code',
    client_id: fixture.webApp.client_id,
    redirect_uri: fixture.webApp.redirect_uri,
    scope: `${SCOPE} ${fixture.api.scope}`,
    [target.audienceParameter]: fixture.api.identifier,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: randomBytes(12).toString('base64url'),
    nonce: randomBytes(12).toString('base64url'),
    ...extra,
  };
}

/** How many single-use codes a run may consume at most, with room to spare. */
/** The web app's user signed in once, and the prompt=none authorization URL that session answers. */
async function signedInWebApp(context: ScenarioContext) {
  const { fixture, server } = context;
  const pkce = pkcePair();
  const endpoint = server.metadata.authorization_endpoint;
  const session = await signIn(endpoint, webAppAuthorization(context, pkce.challenge), fixture.webApp, fixture.user);
  const url = authorizationUrl(endpoint, webAppAuthorization(context, pkce.challenge, { prompt: 'none' }));
  return { pkce, session, url };
}

function codesNeeded(context: ScenarioContext): number {
  const { settings } = context;
  const seconds = settings.durationSeconds + settings.warmupSeconds;
  return Math.min(500_000, Math.ceil(context.expectedRate * seconds * 1.25) + 2 * settings.connections);
}

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'discovery',
    title: 'GET /.well-known/openid-configuration',
    unit: 'req/s',
    signatures: 0,
    passwordChecks: 0,
    httpRequests: 1,
    async prepare(context) {
      const base = context.server.metadata.issuer.endsWith('/') ? context.server.metadata.issuer : `${context.server.metadata.issuer}/`;
      const path = pathOf(new URL('.well-known/openid-configuration', base).href);
      return autocannonJob(context, { kind: 'fixed', method: 'GET', path, headers: {} }, { type: 'status', status: 200 });
    },
  },
  {
    id: 'jwks',
    title: 'GET JWKS',
    unit: 'req/s',
    signatures: 0,
    passwordChecks: 0,
    httpRequests: 1,
    async prepare(context) {
      const path = pathOf(context.server.metadata.jwks_uri);
      return autocannonJob(context, { kind: 'fixed', method: 'GET', path, headers: {} }, { type: 'status', status: 200 });
    },
  },
  {
    id: 'client-credentials',
    title: 'client_credentials (client_secret_basic, audience)',
    unit: 'req/s',
    signatures: 1,
    passwordChecks: 0,
    httpRequests: 1,
    async prepare(context) {
      const { fixture, target, server } = context;
      const body = new URLSearchParams({
        grant_type: 'client_credentials',
        [target.audienceParameter]: fixture.api.identifier,
        scope: fixture.api.scope,
      }).toString();
      const headers = { authorization: basicAuthorization(fixture.machine), 'content-type': FORM };
      return autocannonJob(
        context,
        { kind: 'fixed', method: 'POST', path: pathOf(server.metadata.token_endpoint), headers, body },
        { type: 'status', status: 200 },
      );
    },
  },
  {
    id: 'authorization-code',
    title: 'authorization_code redemption (ID + access token)',
    unit: 'req/s',
    signatures: 2,
    passwordChecks: 0,
    httpRequests: 1,
    async prepare(context) {
      const { fixture, server } = context;
      const { pkce, session, url } = await signedInWebApp(context);
      const codes = [session.code, ...(await mintCodes(url, session.jar, fixture.webApp.redirect_uri, codesNeeded(context)))];
      const bodies = codes.map((code) =>
        new URLSearchParams({
          grant_type: 'authorization_code',
          code,
          redirect_uri: fixture.webApp.redirect_uri,
          code_verifier: pkce.verifier,
        }).toString(),
      );
      const headers = { authorization: basicAuthorization(fixture.webApp), 'content-type': FORM };
      return autocannonJob(
        context,
        { kind: 'each-once', path: pathOf(server.metadata.token_endpoint), headers, bodies },
        { type: 'status', status: 200 },
      );
    },
  },
  {
    id: 'refresh-token',
    title: 'refresh_token rotation (ID + access token)',
    unit: 'req/s',
    signatures: 2,
    passwordChecks: 0,
    httpRequests: 1,
    async prepare(context) {
      const { fixture, server, settings } = context;
      const pkce = pkcePair();
      const endpoint = server.metadata.authorization_endpoint;
      const session = await signIn(endpoint, webAppAuthorization(context, pkce.challenge), fixture.webApp, fixture.user);
      // offline_access is granted on a consent prompt (OpenID Connect Core §11), so ask for one.
      const params = () => webAppAuthorization(context, pkce.challenge, { scope: `${SCOPE} offline_access ${fixture.api.scope}`, prompt: 'consent' });
      // One refresh token chain per connection, and as many spare ones in case a chain breaks.
      // One at a time: concurrent interactions on one session trip node-oidc-provider's session checks.
      const tokens = await inParallel(2 * settings.connections, 1, async () => {
        const { code } = await signIn(endpoint, params(), fixture.webApp, fixture.user, session.jar);
        const response = await redeemCode(server.metadata.token_endpoint, fixture.webApp, code, pkce.verifier);
        if (response.refresh_token === undefined) throw new Error('no refresh_token issued for offline_access');
        return response.refresh_token;
      });
      const headers = { authorization: basicAuthorization(fixture.webApp), 'content-type': FORM };
      return autocannonJob(
        context,
        { kind: 'refresh-rotation', path: pathOf(server.metadata.token_endpoint), headers, form: { grant_type: 'refresh_token' }, tokens },
        { type: 'status', status: 200 },
      );
    },
  },
  {
    id: 'userinfo',
    title: 'GET /userinfo (bearer token)',
    unit: 'req/s',
    signatures: 0,
    passwordChecks: 0,
    httpRequests: 1,
    async prepare(context) {
      const { fixture, server, target } = context;
      const pkce = pkcePair();
      const params: Record<string, string> = webAppAuthorization(context, pkce.challenge);
      if (!target.userinfoWithAudience) {
        delete params[target.audienceParameter];
        params['scope'] = SCOPE;
      }
      const session = await signIn(server.metadata.authorization_endpoint, params, fixture.webApp, fixture.user);
      const tokens = await redeemCode(server.metadata.token_endpoint, fixture.webApp, session.code, pkce.verifier);
      const headers = { authorization: `Bearer ${tokens.access_token}` };
      return autocannonJob(
        context,
        { kind: 'fixed', method: 'GET', path: pathOf(server.metadata.userinfo_endpoint), headers },
        { type: 'status', status: 200 },
      );
    },
  },
  {
    id: 'authorize-session',
    title: 'authorization request with a session (prompt=none → 302 with code)',
    unit: 'req/s',
    signatures: 0,
    passwordChecks: 0,
    httpRequests: 1,
    async prepare(context) {
      const { fixture } = context;
      const { session, url } = await signedInWebApp(context);
      return autocannonJob(
        context,
        { kind: 'fixed', method: 'GET', path: pathOf(url), headers: { cookie: session.jar.header() ?? '' } },
        { type: 'redirect', location: fixture.webApp.redirect_uri, param: 'code' },
      );
    },
  },
  {
    id: 'sign-in-flow',
    title: 'full sign-in (authorize → login → argon2id → consent → code → token)',
    unit: 'flows/s',
    signatures: 2,
    passwordChecks: 1,
    httpRequests: 7,
    async prepare(context) {
      const { fixture, server, target, settings } = context;
      const pkce = pkcePair();
      const client = fixture.thirdPartyApp;
      // prompt=consent: every flow shows the consent page, as a first sign-in to a third-party app does.
      const url = authorizationUrl(server.metadata.authorization_endpoint, {
        response_type: 'code',
        client_id: client.client_id,
        redirect_uri: client.redirect_uri,
        scope: `${SCOPE} ${fixture.api.scope}`,
        [target.audienceParameter]: fixture.api.identifier,
        code_challenge: pkce.challenge,
        code_challenge_method: 'S256',
        prompt: 'consent',
      });
      return {
        type: 'flows',
        concurrency: settings.flowConcurrency,
        durationSeconds: settings.durationSeconds,
        warmupSeconds: settings.warmupSeconds,
        authorizationUrl: url,
        tokenEndpoint: server.metadata.token_endpoint,
        client,
        codeVerifier: pkce.verifier,
        users: fixture.flowUsers,
      };
    },
  },
];
