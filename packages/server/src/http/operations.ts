import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { httpRequestDuration, httpRequests } from '../metrics/metrics.js';
import { OAuthError } from '../protocol/errors.js';
import { logsAt, redactUrl } from './logging.js';
import { healthRoutes, type ReadinessReport } from './routes/health.js';
import { metricsRoutes, type MetricsSource } from './routes/metrics.js';

/** Per client IP over all endpoints but the operational ones; shared through Redis when configured. */
export interface HttpRateLimit {
  max: number;
  /** Seconds. */
  window: number;
  redis?: Redis | undefined;
  /** Prefix of the Redis keys. */
  prefix: string;
}

export interface OperationsOptions {
  readiness: () => Promise<ReadinessReport>;
  metrics: MetricsSource;
  metricsToken?: string | undefined;
  rateLimit?: HttpRateLimit | undefined;
}

/** Probed and scraped all the time: never rate-limited, never logged per request. */
const OPERATIONS_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);
const routeOf = (request: FastifyRequest) => request.routeOptions.url ?? 'unmatched';

/**
 * What running Latchkey in production adds to the application, before its routes: the request id
 * echoed to the caller, one log line and the metrics per request, the HTTP rate limit, and the
 * health, readiness and metrics endpoints.
 */
export async function addOperations(app: FastifyInstance, options: OperationsOptions): Promise<void> {
  // Callback hooks rather than async ones: they run on every request, the hot paths included.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('X-Request-Id', request.id);
    done();
  });
  // Once shutting down, a response ends its connection, so a kept-alive client reconnects
  // elsewhere instead of holding this instance open until its keep-alive timeout.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('Connection', 'close');
    done(null, payload);
  });
  app.addHook('onResponse', (request, reply, done) => {
    const route = routeOf(request);
    const labels = { method: request.method, route, status: String(reply.statusCode) };
    httpRequests.inc(labels);
    httpRequestDuration.observe(labels, reply.elapsedTime / 1000);
    // The line's fields (the redacted URL, the client address) cost a little to work out: only
    // when the line is written.
    if (!OPERATIONS_ROUTES.has(route) && logsAt(request.log, 'info')) {
      request.log.info(
        { method: request.method, url: redactUrl(request.url), route, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10, ip: request.ip },
        'request completed',
      );
    }
    done();
  });

  if (options.rateLimit) {
    const { max, window, redis, prefix } = options.rateLimit;
    await app.register(fastifyRateLimit, {
      global: true,
      max,
      timeWindow: window * 1000,
      ...(redis && { redis, nameSpace: `${prefix}http-rate:` }),
      // Redis unreachable: serve without the limit rather than refuse everyone.
      skipOnError: true,
      allowList: (request: FastifyRequest) => OPERATIONS_ROUTES.has(routeOf(request)),
      // Rendered by the application's error handler in each endpoint's own shape (JSON, page).
      errorResponseBuilder: (_request, context) =>
        new OAuthError('temporarily_unavailable', `too many requests; retry in ${context.after}`, { status: context.statusCode }),
    });
  }

  await app.register(healthRoutes, { readiness: options.readiness });
  await app.register(metricsRoutes, { source: options.metrics, token: options.metricsToken });
}
