import { join } from 'node:path';
import { childEntry } from '../process/child-entry.js';
import { freePort } from '../process/free-port.js';
import { startServerProcess } from '../process/server-process.js';
import type { ServerProcess } from '../process/server-process.js';

/** Starts the bare node:http server (the HTTP limit) in its own process. */
export async function startBareServer(workDir: string): Promise<ServerProcess & { readonly origin: string }> {
  const entry = childEntry('targets/bare/server-main');
  const port = await freePort();
  const server = await startServerProcess({
    name: 'bare node:http',
    args: [...entry.execArgv, entry.file],
    env: { BENCH_BARE_PORT: String(port) },
    logFile: join(workDir, 'bare.log'),
  });
  return { ...server, origin: `http://127.0.0.1:${port}` };
}
