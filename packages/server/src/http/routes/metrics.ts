import type { FastifyInstance } from 'fastify';
import { secretMatchesHash, hashSecret } from '../../crypto/random.js';

export interface MetricsSource {
  /** The Prometheus text exposition of every metric (of every worker under `--workers`). */
  text(): Promise<string>;
  contentType: string;
}

/**
 * GET /metrics in Prometheus' text format. With `LATCHKEY_METRICS_TOKEN` set, a scrape must send
 * `Authorization: Bearer <token>` (Prometheus' `authorization` setting).
 */
export async function metricsRoutes(app: FastifyInstance, { source, token }: { source: MetricsSource; token?: string | undefined }) {
  const tokenHash = token === undefined ? undefined : hashSecret(token);
  app.get('/metrics', { config: { errorStyle: 'json' } }, async (request, reply) => {
    if (tokenHash !== undefined) {
      const presented = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
      if (presented === undefined || !secretMatchesHash(presented, tokenHash)) {
        return reply.code(401).header('WWW-Authenticate', 'Bearer realm="metrics"').type('application/json').send('{"error":"unauthorized"}');
      }
    }
    return reply.header('Cache-Control', 'no-store').type(source.contentType).send(await source.text());
  });
}
