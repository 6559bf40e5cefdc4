import { constants, existsSync } from 'node:fs';
import { copyFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { latchkeyTenant } from '../fixture.js';
import type { BenchFixture } from '../fixture.js';
import { discover } from '../oidc/client.js';
import { cpuProfileArgs } from '../process/cpu-profile.js';
import { freePort } from '../process/free-port.js';
import { repoRoot } from '../process/repo-root.js';
import { startServerProcess } from '../process/server-process.js';
import { createScratchDatabase } from './postgres-database.js';
import type { RunningTarget, StartOptions, Target } from './target.js';

/** The server's command line entry, built by `npm run build` (tsc -b). */
export function latchkeyMain(): string {
  return join(repoRoot(), 'packages', 'server', 'dist', 'src', 'cli', 'main.js');
}

/** The `latchkey` command users run (`npx latchkey serve`): the launcher in front of the built entry. */
export function latchkeyCommand(): string {
  return join(repoRoot(), 'packages', 'server', 'bin', 'latchkey.js');
}

export type LatchkeyStore =
  | { readonly kind: 'sqlite' }
  /** A copy of this seeded SQLite file for every start (see src/seed/). */
  | { readonly kind: 'sqlite-seeded'; readonly template: string }
  /** A new database created through `adminUrl` for every start, dropped after. */
  | { readonly kind: 'postgres'; readonly adminUrl: string };

export interface LatchkeySetup {
  readonly store: LatchkeyStore;
  /** `latchkey serve --workers N`; 1 is a single process. */
  readonly workers: number;
  /** Whether the label names the worker count even for 1 (when several counts run side by side). */
  readonly labelWorkers: boolean;
  readonly baseline?: Target['baseline'];
}

let starts = 0;

/** Latchkey as its users run it: `latchkey serve` with a tenant file, on a fresh database per start. */
export function latchkeyTarget(setup: LatchkeySetup): Target {
  const { store, workers } = setup;
  const parts = [store.kind === 'postgres' ? 'PostgreSQL' : 'SQLite'];
  if (store.kind === 'sqlite-seeded') parts.push('seeded');
  if (workers > 1 || setup.labelWorkers) parts.push(workers === 1 ? '1 process' : `${workers} workers`);
  const key = ['latchkey', ...(store.kind === 'postgres' ? ['postgres'] : []), ...(store.kind === 'sqlite-seeded' ? ['seeded'] : []), ...(workers > 1 ? [`workers-${workers}`] : [])].join('-');
  return {
    name: 'latchkey',
    key,
    label: `Latchkey (${parts.join(', ')})`,
    ...(setup.baseline && { baseline: setup.baseline }),
    audienceParameter: 'audience',
    userinfoWithAudience: true,
    start: (fixture, workDir, options) => startLatchkey(setup, fixture, workDir, options),
  };
}

/** Latchkey on a fresh, empty SQLite file, one process: the default target. */
export const latchkey: Target = latchkeyTarget({ store: { kind: 'sqlite' }, workers: 1, labelWorkers: false });

/**
 * How long a profiled server gets to exit after SIGTERM: its own drain bound
 * (LATCHKEY_SHUTDOWN_TIMEOUT, 10 s by default, then 5 s more before it forces the exit) and the
 * writing of the profile. Killed instead, it writes none.
 */
const PROFILED_STOP_GRACE_MS = 30_000;

async function startLatchkey(setup: LatchkeySetup, fixture: BenchFixture, workDir: string, options: StartOptions = {}): Promise<RunningTarget> {
  const main = latchkeyMain();
  if (!existsSync(main)) throw new Error(`Latchkey is not built (${main} is missing): run npm run build`);
  const id = ++starts;
  const tenantFile = join(workDir, `latchkey-tenant-${id}.json`);
  // The tenant file is imported at every start, into the seeded copy too: the bench's own
  // clients, API and user exist beside the seeded ones.
  await writeFile(tenantFile, JSON.stringify(latchkeyTenant(fixture), null, 2));
  const database = await openStore(setup.store, workDir, id);
  try {
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}/`;
    const server = await startServerProcess({
      name: 'Latchkey',
      args: [...(options.cpuProfileDir === undefined ? [] : cpuProfileArgs(options.cpuProfileDir)), latchkeyCommand(), 'serve'],
      cwd: workDir,
      env: {
        PORT: String(port),
        LATCHKEY_ISSUER: issuer,
        LATCHKEY_DATABASE: database.url,
        LATCHKEY_TENANT_FILE: tenantFile,
        LATCHKEY_WORKERS: String(setup.workers),
        // The peer writes no log line per request; neither does Latchkey here (its access log is
        // on by default in production and costs a share of throughput: see bench/README.md).
        LATCHKEY_LOG_LEVEL: 'warn',
      },
      logFile: join(workDir, `latchkey-${id}.log`),
      // A cluster starts N processes; a seeded file is large. Neither fits the default wait.
      startTimeoutMs: 60_000 + 15_000 * setup.workers,
      ...(options.cpuProfileDir !== undefined && { stopGraceMs: PROFILED_STOP_GRACE_MS }),
    });
    const stop = async () => {
      try {
        return await server.stop();
      } finally {
        await database.remove();
      }
    };
    try {
      const metadata = await discover(issuer);
      return { origin: `http://127.0.0.1:${port}`, metadata, pid: server.pid, stop };
    } catch (error) {
      await stop();
      throw error;
    }
  } catch (error) {
    await database.remove().catch(() => {});
    throw error;
  }
}

interface OpenStore {
  readonly url: string;
  /** Deletes the file or drops the database, once the server has stopped. */
  remove(): Promise<void>;
}

async function openStore(store: LatchkeyStore, workDir: string, id: number): Promise<OpenStore> {
  switch (store.kind) {
    case 'sqlite':
    case 'sqlite-seeded': {
      const file = join(workDir, `latchkey-${id}.db`);
      // A copy-on-write clone where the file system has them, a plain copy elsewhere.
      if (store.kind === 'sqlite-seeded') await copyFile(store.template, file, constants.COPYFILE_FICLONE);
      const remove = async () => {
        for (const suffix of ['', '-wal', '-shm', '-journal']) await rm(`${file}${suffix}`, { force: true });
      };
      return { url: `sqlite:${file}`, remove };
    }
    case 'postgres': {
      const database = await createScratchDatabase(store.adminUrl, `latchkey_bench_${process.pid}_${id}`);
      let dropped = false;
      return {
        url: database.url,
        remove: async () => {
          if (dropped) return;
          dropped = true;
          await database.drop();
        },
      };
    }
  }
}
