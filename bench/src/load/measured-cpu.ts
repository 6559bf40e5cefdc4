import { cpuBetween, readServerCpu } from '../process/cpu-time.js';
import type { LoadResult } from './jobs.js';

/**
 * Runs one measured phase and adds the CPU time it cost: the server's threads (read from /proc
 * before and after) and this load generator's own process, so a figure can be told apart from
 * the machine it shares.
 */
export async function withMeasuredCpu(serverPid: number | undefined, run: () => Promise<LoadResult>): Promise<LoadResult> {
  const serverBefore = serverPid === undefined ? undefined : readServerCpu(serverPid);
  const ownBefore = process.cpuUsage();
  const result = await run();
  const own = process.cpuUsage(ownBefore);
  const server = serverPid === undefined ? undefined : cpuBetween(serverBefore, readServerCpu(serverPid));
  return { ...result, cpu: { server: server ?? null, loadGeneratorMs: (own.user + own.system) / 1000 } };
}
