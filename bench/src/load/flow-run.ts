import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { poolUser } from '../fixture.js';
import type { UserFixture } from '../fixture.js';
import { tokenRequest } from '../oidc/client.js';
import { CookieJar } from '../oidc/cookie-jar.js';
import { authorize } from '../oidc/user-agent.js';
import { percentile } from '../report/stats.js';
import { FailureTally, withWarmupFailures } from './failures.js';
import type { FlowJob, LoadResult } from './jobs.js';
import { withMeasuredCpu } from './measured-cpu.js';

interface FlowTally {
  successes: number;
  durations: number[];
  loginPages: number;
  consentPages: number;
  failures: FailureTally;
}

/**
 * Complete sign-ins, each by a new browser: authorization request → login page → password
 * (argon2id on the server) → consent → code → token request. `concurrency` loops run for the
 * duration; a flow started before the end is waited for and counted. Each flow signs in the next
 * user of the pool.
 */
export async function runFlows(job: FlowJob): Promise<LoadResult> {
  const nextUser = userRotation(job);
  const warmup = job.warmupSeconds > 0 ? await runPhase(job, nextUser, job.warmupSeconds) : undefined;
  const result = await withMeasuredCpu(job.serverPid, () => runPhase(job, nextUser, job.durationSeconds));
  return withWarmupFailures(result, warmup);
}

/**
 * The pool's users in turn, shared by every loop of this process (the only one a flow job runs
 * in), through the warm-up and the measured run: flows in progress at once never share a user.
 */
function userRotation(job: FlowJob): () => UserFixture {
  let next = 0;
  return () => poolUser(job.users, next++);
}

async function runPhase(job: FlowJob, nextUser: () => UserFixture, seconds: number): Promise<LoadResult> {
  const tally: FlowTally = { successes: 0, durations: [], loginPages: 0, consentPages: 0, failures: new FailureTally() };
  const startedAt = performance.now();
  const deadline = startedAt + seconds * 1000;
  const user = async () => {
    while (performance.now() < deadline) {
      const began = performance.now();
      try {
        await signInOnce(job, nextUser(), tally);
        tally.successes++;
        tally.durations.push(performance.now() - began);
      } catch (error) {
        tally.failures.error(error instanceof Error ? error.message : String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, user));
  const elapsed = (performance.now() - startedAt) / 1000;
  const sorted = tally.durations.sort((a, b) => a - b);
  const mean = sorted.length === 0 ? Number.NaN : sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
  const perFlow = (count: number) => (tally.successes === 0 ? 0 : count / tally.successes);
  return {
    rate: tally.successes / elapsed,
    successes: tally.successes,
    seconds: elapsed,
    latency: { p50: percentile(sorted, 50), p99: percentile(sorted, 99), mean },
    failures: tally.failures.summary(),
    exhausted: false,
    notes: { loginPagesPerFlow: perFlow(tally.loginPages), consentPagesPerFlow: perFlow(tally.consentPages) },
  };
}

async function signInOnce(job: FlowJob, user: UserFixture, tally: FlowTally): Promise<void> {
  const url = new URL(job.authorizationUrl);
  url.searchParams.set('state', randomBytes(16).toString('base64url'));
  url.searchParams.set('nonce', randomBytes(16).toString('base64url'));
  const result = await authorize({ url: url.href, redirectUri: job.client.redirect_uri, user, jar: new CookieJar() });
  tally.loginPages += result.loginPages;
  tally.consentPages += result.consentPages;
  const tokens = await tokenRequest(job.tokenEndpoint, job.client, {
    grant_type: 'authorization_code',
    code: result.code,
    redirect_uri: job.client.redirect_uri,
    code_verifier: job.codeVerifier,
  });
  if (tokens.id_token === undefined) throw new Error('token response without id_token');
}
