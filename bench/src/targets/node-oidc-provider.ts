import { join } from 'node:path';
import type { BenchFixture } from '../fixture.js';
import { discover } from '../oidc/client.js';
import { childEntry } from '../process/child-entry.js';
import { freePort } from '../process/free-port.js';
import { startServerProcess } from '../process/server-process.js';
import type { RunningTarget, Target } from './target.js';

let starts = 0;

/** node-oidc-provider (in-memory storage) configured like Latchkey's tenant; see peer/server-main.ts. */
export const nodeOidcProvider: Target = {
  name: 'node-oidc-provider',
  key: 'node-oidc-provider',
  label: 'node-oidc-provider (memory)',
  audienceParameter: 'resource',
  userinfoWithAudience: false,
  async start(fixture: BenchFixture, workDir: string): Promise<RunningTarget> {
    const entry = childEntry('targets/peer/server-main');
    const port = await freePort();
    const server = await startServerProcess({
      name: 'node-oidc-provider',
      args: [...entry.execArgv, entry.file],
      env: { BENCH_PEER_CONFIG: JSON.stringify({ port, fixture }) },
      logFile: join(workDir, `node-oidc-provider-${++starts}.log`),
    });
    try {
      const metadata = await discover(`http://127.0.0.1:${port}`);
      return { origin: `http://127.0.0.1:${port}`, metadata, pid: server.pid, stop: server.stop };
    } catch (error) {
      await server.stop();
      throw error;
    }
  },
};
