import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { latchkeyTenant } from '../fixture.js';
import type { BenchFixture } from '../fixture.js';
import { discover } from '../oidc/client.js';
import { freePort } from '../process/free-port.js';
import { repoRoot } from '../process/repo-root.js';
import { startServerProcess } from '../process/server-process.js';
import type { RunningTarget, Target } from './target.js';

/** The server's command line entry, built by `npm run build` (tsc -b). */
export function latchkeyMain(): string {
  return join(repoRoot(), 'packages', 'server', 'dist', 'src', 'cli', 'main.js');
}

let starts = 0;

/** Latchkey as its users run it: `latchkey serve` with a tenant file, on a fresh SQLite file. */
export const latchkey: Target = {
  name: 'latchkey',
  label: 'Latchkey (SQLite)',
  audienceParameter: 'audience',
  userinfoWithAudience: true,
  async start(fixture: BenchFixture, workDir: string): Promise<RunningTarget> {
    const main = latchkeyMain();
    if (!existsSync(main)) throw new Error(`Latchkey is not built (${main} is missing): run npm run build`);
    const id = ++starts;
    const tenantFile = join(workDir, `latchkey-tenant-${id}.json`);
    await writeFile(tenantFile, JSON.stringify(latchkeyTenant(fixture), null, 2));
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}/`;
    const server = await startServerProcess({
      name: 'Latchkey',
      args: [main, 'serve'],
      cwd: workDir,
      env: {
        PORT: String(port),
        LATCHKEY_ISSUER: issuer,
        LATCHKEY_DATABASE: `sqlite:${join(workDir, `latchkey-${id}.db`)}`,
        LATCHKEY_TENANT_FILE: tenantFile,
        // The peer writes no log line per request; neither does Latchkey here (its access log is
        // on by default in production and costs a share of throughput: see bench/README.md).
        LATCHKEY_LOG_LEVEL: 'warn',
      },
      logFile: join(workDir, `latchkey-${id}.log`),
    });
    try {
      const metadata = await discover(issuer);
      return { origin: `http://127.0.0.1:${port}`, metadata, pid: server.pid, stop: server.stop };
    } catch (error) {
      await server.stop();
      throw error;
    }
  },
};
