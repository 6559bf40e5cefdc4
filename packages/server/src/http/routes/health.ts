import type { FastifyInstance } from 'fastify';

/** What readiness found: each dependency `ok`, or why not. */
export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, string>;
}

/**
 * GET /healthz: the process answers (liveness; restart it when this fails).
 * GET /readyz: the database is reachable and migrated, and Redis (when configured) answers
 * (readiness; send it traffic only while this succeeds). While shutting down both answer 503.
 */
export async function healthRoutes(app: FastifyInstance, { readiness }: { readiness: () => Promise<ReadinessReport> }) {
  const config = { errorStyle: 'json' };
  app.get('/healthz', { config }, async (_request, reply) =>
    reply.header('Cache-Control', 'no-store').type('application/json').send('{"status":"ok"}'),
  );
  app.get('/readyz', { config }, async (_request, reply) => {
    const report = await readiness();
    return reply
      .code(report.ready ? 200 : 503)
      .header('Cache-Control', 'no-store')
      .type('application/json')
      .send(JSON.stringify({ status: report.ready ? 'ready' : 'not ready', checks: report.checks }));
  });
}
