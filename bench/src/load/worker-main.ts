// The load generator's own process: runs one load job received over IPC and replies with the result.
import { serveOnce } from '../process/run-child.js';
import { runAutocannon } from './autocannon-run.js';
import { runFlows } from './flow-run.js';
import type { LoadJob, LoadResult } from './jobs.js';

serveOnce<LoadJob, LoadResult>((job) => (job.type === 'autocannon' ? runAutocannon(job) : runFlows(job)));
