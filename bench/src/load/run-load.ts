import { runChild } from '../process/run-child.js';
import type { LoadJob, LoadResult } from './jobs.js';

/** Runs a load job in a separate process, so the load generator never shares a thread with the bench. */
export async function runLoad(job: LoadJob): Promise<LoadResult> {
  return runChild<LoadJob, LoadResult>('load/worker-main', job);
}
