import type { FastifyBaseLogger } from 'fastify';
import type { RunningLatchkey } from '../server.js';

export interface ShutdownOptions {
  /** Seconds in-flight requests get to finish (LATCHKEY_SHUTDOWN_TIMEOUT). */
  timeoutSeconds: number;
  log: FastifyBaseLogger;
  exit?: (code: number) => void;
}

/**
 * Graceful shutdown on SIGTERM and SIGINT (and, in a worker, when the primary process goes away):
 * stop accepting connections (the listening socket closes; requests on kept-alive connections get
 * 503 and `Connection: close`), let in-flight requests finish for at most the timeout, then cut
 * what is left, close the database pool and Redis, and exit: 0 after a clean drain, 1 when
 * requests had to be cut. SIGHUP reloads the TLS certificate and key.
 */
export function handleSignals(server: RunningLatchkey, options: ShutdownOptions): () => Promise<void> {
  const { log, timeoutSeconds } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping: Promise<void> | undefined;

  const stop = (reason: string) => {
    stopping ??= (async () => {
      log.info({ reason, timeoutSeconds }, 'shutting down: refusing new connections, finishing in-flight requests');
      let cut = false;
      const force = setTimeout(() => {
        cut = true;
        log.warn(`in-flight requests still running after ${timeoutSeconds} s: closing their connections`);
        server.app.server.closeAllConnections();
      }, timeoutSeconds * 1000);
      // A last resort if closing the pools hangs too.
      const hard = setTimeout(() => {
        log.error('shutdown did not finish: exiting');
        exit(1);
      }, timeoutSeconds * 1000 + 5_000);
      hard.unref();
      try {
        await server.close();
      } catch (error) {
        log.error({ err: error }, 'shutdown failed');
        cut = true;
      }
      clearTimeout(force);
      clearTimeout(hard);
      log.info({ clean: !cut }, 'shut down');
      exit(cut ? 1 : 0);
    })();
    return stopping;
  };

  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGHUP', () => {
    if (!server.url.startsWith('https:')) {
      log.info('SIGHUP: not serving https, nothing to reload');
      return;
    }
    try {
      server.reloadTls();
      log.info('SIGHUP: TLS certificate and key reloaded');
    } catch (error) {
      log.error({ err: error }, 'SIGHUP: the TLS files could not be reloaded; the previous certificate stays in use');
    }
  });
  // A worker whose primary process is gone serves no one: its connections come through the primary.
  if (process.send) process.on('disconnect', () => void stop('primary process gone'));
  return () => stop('requested');
}
