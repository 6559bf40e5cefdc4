import { latchkeyTarget } from './latchkey.js';
import type { LatchkeyStore } from './latchkey.js';
import { nodeOidcProvider } from './node-oidc-provider.js';
import type { Target, TargetName } from './target.js';

/** How Latchkey runs in a bench: its database, and the variants compared with the plain one. */
export interface LatchkeyOptions {
  readonly database: 'sqlite' | 'postgres';
  /** Where PostgreSQL databases are created and dropped (trust or password in the URL). */
  readonly postgresAdminUrl: string;
  /** Worker counts (> 1) run beside the single process, `latchkey serve --workers N`. */
  readonly workers: readonly number[];
  /** The seeded SQLite file to run beside the empty database; undefined: no such comparison. */
  readonly seedTemplate?: string;
}

/** The seeded run's goal, from the benchmark issue: within 15 % of the empty database. */
export const SEEDED_TOLERANCE = 0.15;

/**
 * The targets of a run: Latchkey (plain: one process, empty database) with its variants
 * (seeded database, N workers), each compared with the plain one, and node-oidc-provider.
 */
export function benchTargets(names: readonly TargetName[], options: LatchkeyOptions): Target[] {
  const targets: Target[] = [];
  for (const name of names) {
    if (name === 'node-oidc-provider') {
      targets.push(nodeOidcProvider);
      continue;
    }
    const store: LatchkeyStore = options.database === 'postgres' ? { kind: 'postgres', adminUrl: options.postgresAdminUrl } : { kind: 'sqlite' };
    const workers = [...new Set(options.workers.filter((n) => n > 1))].sort((a, b) => a - b);
    const labelWorkers = workers.length > 0;
    const plain = latchkeyTarget({ store, workers: 1, labelWorkers });
    targets.push(plain);
    if (options.seedTemplate !== undefined) {
      targets.push(
        latchkeyTarget({
          store: { kind: 'sqlite-seeded', template: options.seedTemplate },
          workers: 1,
          labelWorkers,
          baseline: { key: plain.key, meaning: 'seeded ÷ empty', tolerance: SEEDED_TOLERANCE },
        }),
      );
    }
    for (const n of workers) {
      targets.push(latchkeyTarget({ store, workers: n, labelWorkers, baseline: { key: plain.key, meaning: `${n} workers ÷ 1 process` } }));
    }
  }
  return targets;
}
