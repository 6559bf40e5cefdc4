import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { AggregatorRegistry } from 'prom-client';
import type { MetricsSource } from '../http/routes/metrics.js';
import { registry } from './metrics.js';

/** Set by `latchkey serve --workers` in its workers' environment. */
export const CLUSTER_WORKER_ENV = 'LATCHKEY_CLUSTER_WORKER';
const REQUEST = 'latchkey:metrics-request';
const RESPONSE = 'latchkey:metrics-response';

interface MetricsMessage {
  type: string;
  id: string;
  text?: string;
  error?: string;
}

/**
 * Where /metrics gets its text: this process's registry, or, in a worker of `latchkey serve
 * --workers N`, every worker's metrics added up by the primary process (whichever worker a scrape
 * reaches, it sees the whole server).
 */
export function metricsSource(): MetricsSource {
  if (!cluster.isWorker || process.env[CLUSTER_WORKER_ENV] !== '1') return { text: () => registry.metrics(), contentType: registry.contentType };
  // Answers the primary's requests for this worker's metrics (prom-client's cluster protocol).
  AggregatorRegistry.setRegistries([registry]);
  new AggregatorRegistry();
  return {
    contentType: registry.contentType,
    text: () =>
      new Promise<string>((resolve, reject) => {
        const id = randomUUID();
        const timer = setTimeout(() => {
          process.off('message', listener);
          reject(new Error('the primary process did not send the metrics'));
        }, 5_000);
        const listener = (message: MetricsMessage) => {
          if (message?.type !== RESPONSE || message.id !== id) return;
          clearTimeout(timer);
          process.off('message', listener);
          if (message.error !== undefined) reject(new Error(message.error));
          else resolve(message.text ?? '');
        };
        process.on('message', listener);
        process.send!({ type: REQUEST, id });
      }),
  };
}

/** In the primary process: answers the workers' requests with every worker's metrics aggregated. */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: MetricsMessage) => {
    if (message?.type !== REQUEST) return;
    aggregator.clusterMetrics().then(
      (text) => worker.isConnected() && worker.send({ type: RESPONSE, id: message.id, text }),
      (error: unknown) => worker.isConnected() && worker.send({ type: RESPONSE, id: message.id, error: String(error) }),
    );
  });
}
