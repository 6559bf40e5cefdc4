import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Latchkey's Prometheus metrics (`GET /metrics`). One registry per process, apart from
 * prom-client's global one so an application embedding Latchkey keeps its own. Counters are
 * module-level: any part of the server increments them by importing them.
 */
export const registry = new Registry();

export const httpRequests = new Counter({
  name: 'latchkey_http_requests_total',
  help: 'HTTP requests answered, by method, route (the pattern, not the path) and status code',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [registry],
});

export const httpRequestDuration = new Histogram({
  name: 'latchkey_http_request_duration_seconds',
  help: 'Time to answer an HTTP request, by method, route and status code',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

export const tokensIssued = new Counter({
  name: 'latchkey_tokens_issued_total',
  help: 'Successful token endpoint exchanges, by grant type',
  labelNames: ['grant_type'] as const,
  registers: [registry],
});

export const signIns = new Counter({
  name: 'latchkey_sign_ins_total',
  help: 'Sign-ins with a password, by result (succeeded, failed)',
  labelNames: ['result'] as const,
  registers: [registry],
});

export const securityEvents = new Counter({
  name: 'latchkey_security_events_total',
  help: 'Entries written to the security event log, by Auth0 event type code',
  labelNames: ['type'] as const,
  registers: [registry],
});

/**
 * Runs of the tenant's actions: increment with the trigger (`post-login`, `credentials-exchange`)
 * and the outcome (`success`, `denied`, `error`, `timeout`).
 */
export const actionRuns = new Counter({
  name: 'latchkey_action_runs_total',
  help: 'Runs of the tenant actions, by trigger and outcome',
  labelNames: ['trigger', 'outcome'] as const,
  registers: [registry],
});

/** Connection counts of a database pool: all, idle, and callers waiting for one. */
export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

const pools = new Set<() => PoolStats | undefined>();

/** Reports a pool's use while it is open; call the returned function when it closes. */
export function observePool(stats: () => PoolStats | undefined): () => void {
  pools.add(stats);
  return () => pools.delete(stats);
}

new Gauge({
  name: 'latchkey_db_pool_connections',
  help: 'Database pool connections, by state (total, idle, waiting = requests queued for a connection)',
  labelNames: ['state'] as const,
  registers: [registry],
  collect() {
    const sum: PoolStats = { total: 0, idle: 0, waiting: 0 };
    for (const stats of pools) {
      const current = stats();
      if (!current) continue;
      sum.total += current.total;
      sum.idle += current.idle;
      sum.waiting += current.waiting;
    }
    for (const state of ['total', 'idle', 'waiting'] as const) this.set({ state }, sum[state]);
  },
});

let processMetrics = false;

/** Adds the process metrics (CPU, memory, event loop lag, GC) once; `latchkey serve` turns them on. */
export function collectProcessMetrics(): void {
  if (processMetrics) return;
  processMetrics = true;
  collectDefaultMetrics({ register: registry });
}
