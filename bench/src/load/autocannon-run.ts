import autocannon from 'autocannon';
import { FailureTally, withWarmupFailures } from './failures.js';
import type { AutocannonJob, Expectation, LoadResult, RequestPlan } from './jobs.js';
import { withMeasuredCpu } from './measured-cpu.js';

/** Hands out request bodies and learns from responses; the same source serves warm-up and run. */
interface BodySource {
  /** The next body, or undefined when the pre-minted codes or tokens ran out. */
  next(): string | undefined;
  onSuccess(body: string): void;
}

function bodySource(plan: RequestPlan): BodySource | undefined {
  switch (plan.kind) {
    case 'fixed':
      return undefined;
    case 'each-once': {
      let index = 0;
      return { next: () => plan.bodies[index++], onSuccess: () => {} };
    }
    case 'refresh-rotation': {
      const pool = [...plan.tokens];
      return {
        next() {
          const token = pool.pop();
          return token === undefined ? undefined : new URLSearchParams({ ...plan.form, refresh_token: token }).toString();
        },
        onSuccess(body) {
          let token: unknown;
          try {
            token = (JSON.parse(body) as { refresh_token?: unknown }).refresh_token;
          } catch {
            return; // a 200 without JSON: the chain ends, a spare token takes over
          }
          if (typeof token === 'string') pool.push(token);
        },
      };
    }
  }
}

function isSuccess(expect: Expectation, status: number, headers: Record<string, unknown>): boolean {
  switch (expect.type) {
    case 'status':
      return status === expect.status;
    case 'redirect': {
      const location = headers['location'] ?? headers['Location'];
      if ((status !== 302 && status !== 303) || typeof location !== 'string') return false;
      const target = new URL(location, 'http://invalid/');
      return target.href.startsWith(expect.location) && target.searchParams.has(expect.param);
    }
  }
}

interface Phase {
  successes: number;
  failures: FailureTally;
  exhaustedAt: number | undefined;
}

/** Runs autocannon for a warm-up (not measured) and then for the measured duration. */
export async function runAutocannon(job: AutocannonJob): Promise<LoadResult> {
  const source = bodySource(job.plan);
  const warmup = job.warmupSeconds > 0 ? await runPhase(job, source, job.warmupSeconds) : undefined;
  const result = await withMeasuredCpu(job.serverPid, () => runPhase(job, source, job.durationSeconds));
  return withWarmupFailures(result, warmup);
}

async function runPhase(job: AutocannonJob, source: BodySource | undefined, seconds: number): Promise<LoadResult> {
  const phase: Phase = { successes: 0, failures: new FailureTally(), exhaustedAt: undefined };
  const { plan } = job;
  let instance: autocannon.Instance | undefined;

  const onResponse = (status: number, body: string, _context: object, headers: autocannon.Request['headers']) => {
    if (isSuccess(job.expect, status, headers ?? {})) {
      phase.successes++;
      source?.onSuccess(body);
    } else if (phase.exhaustedAt === undefined) {
      phase.failures.status(status, body.slice(0, 200));
    }
  };
  const request: autocannon.Request =
    plan.kind === 'fixed'
      ? { method: plan.method, path: plan.path, headers: { ...plan.headers }, ...(plan.body === undefined ? {} : { body: plan.body }), onResponse }
      : {
          method: 'POST',
          path: plan.path,
          headers: { ...plan.headers },
          setupRequest(req) {
            const body = source?.next();
            if (body === undefined) {
              // Out of codes or tokens: stop here; what is sent meanwhile is not counted.
              phase.exhaustedAt ??= Date.now();
              instance?.stop();
              return req;
            }
            return { ...req, body };
          },
          onResponse,
        };

  const startedAt = Date.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(
      {
        url: job.origin,
        connections: job.connections,
        duration: seconds,
        timeout: 10,
        // autocannon ends a run on its sampling tick: sample often so it ends on time.
        sampleInt: 100,
        requests: [request],
      },
      (error: unknown, done: autocannon.Result) => (error ? reject(error) : resolve(done)),
    );
    // Ran out while autocannon was still setting up its connections.
    if (phase.exhaustedAt !== undefined) instance.stop();
  });
  phase.failures.errors += result.errors - result.timeouts;
  phase.failures.timeouts += result.timeouts;
  const measured = phase.exhaustedAt !== undefined ? (phase.exhaustedAt - startedAt) / 1000 : result.duration;
  return {
    rate: measured > 0 ? phase.successes / measured : 0,
    successes: phase.successes,
    seconds: measured,
    latency: { p50: result.latency.p50, p99: result.latency.p99, mean: result.latency.average },
    failures: phase.failures.summary(),
    exhausted: phase.exhaustedAt !== undefined,
    notes: {},
  };
}
