import { fileURLToPath } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { buildSync } from 'esbuild';
import type { ActionRunResult } from '../protocol/actions/action-executor.js';
import { keepYoungGenerationCap } from '../runtime/young-generation.js';
import type { JobMessage, WorkerMessage } from './worker/messages.js';

export interface WorkerPoolOptions {
  /** Most threads running actions at once; further runs wait their turn. */
  size: number;
  /** Per-thread V8 limits; the old generation size is the memory limit of an action. */
  resourceLimits: ResourceLimits;
}

interface Job {
  message: Omit<JobMessage, 'id'>;
  timeoutMs: number;
  resolve(result: ActionRunResult): void;
}

interface PooledWorker {
  worker: Worker;
  ready: boolean;
  job: (Job & { id: number; timer: NodeJS.Timeout }) | undefined;
}

/**
 * A small pool of worker threads for actions. Measured on a 2-core machine under Node 20: a new
 * worker per run costs about 25 ms before the action starts, a pooled one about 0.07 ms per
 * round trip, so threads are kept and reused. A run that overstays its time limit gets its
 * thread terminated (which stops even `while (true) {}`) and a fresh thread takes its place; a
 * thread that dies (memory limit, uncaught exception) fails only the run it had.
 */
export class ActionWorkerPool {
  private readonly workers = new Set<PooledWorker>();
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  private script: { source: string | URL; eval: boolean } | undefined;

  constructor(private readonly options: WorkerPoolOptions) {}

  run(message: Omit<JobMessage, 'id'>, timeoutMs: number): Promise<ActionRunResult> {
    if (this.closed) return Promise.resolve({ ok: false, failure: 'crashed', message: 'the action runtime is shut down' });
    return new Promise((resolve) => {
      this.queue.push({ message, timeoutMs, resolve });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.resolve({ ok: false, failure: 'crashed', message: 'the action runtime is shut down' });
    await Promise.all([...this.workers].map((w) => this.retire(w, 'the action runtime is shut down')));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const idle = [...this.workers].find((w) => w.ready && !w.job);
      if (!idle) {
        if (this.workers.size < this.options.size) this.spawn();
        return;
      }
      this.assign(idle, this.queue.shift()!);
    }
  }

  private assign(pooled: PooledWorker, job: Job): void {
    const id = this.nextId++;
    // The time limit counts from the hand-over to a ready thread: waiting in line or for a
    // thread to start is not the action's time.
    const timer = setTimeout(() => {
      if (pooled.job?.id !== id) return;
      pooled.job = undefined;
      job.resolve({ ok: false, failure: 'timeout', message: `did not finish within ${job.timeoutMs} ms` });
      void this.retire(pooled);
    }, job.timeoutMs);
    pooled.job = { ...job, id, timer };
    pooled.worker.postMessage({ ...job.message, id } satisfies JobMessage);
  }

  private spawn(): void {
    this.script ??= workerScript();
    const worker = new Worker(this.script.source, { eval: this.script.eval, resourceLimits: this.options.resourceLimits });
    worker.unref();
    worker.once('online', keepYoungGenerationCap);
    const pooled: PooledWorker = { worker, ready: false, job: undefined };
    this.workers.add(pooled);

    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'ready') {
        pooled.ready = true;
      } else if (pooled.job?.id === message.id) {
        const job = pooled.job;
        pooled.job = undefined;
        clearTimeout(job.timer);
        const { type: _type, id: _id, ...result } = message;
        job.resolve(result);
      }
      this.dispatch();
    });
    const fail = (reason: string) => {
      if (!this.workers.delete(pooled)) return;
      const job = pooled.job;
      pooled.job = undefined;
      if (job) {
        clearTimeout(job.timer);
        job.resolve({ ok: false, failure: 'crashed', message: reason });
      } else if (!pooled.ready && this.queue.length > 0) {
        // A thread that cannot even start would be replaced forever: fail the next run instead.
        this.queue.shift()!.resolve({ ok: false, failure: 'crashed', message: `the action thread did not start: ${reason}` });
      }
      if (!this.closed) this.dispatch();
    };
    worker.on('error', (error: Error & { code?: string }) =>
      fail(error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'exceeded the memory limit' : `the action thread failed: ${error.message}`),
    );
    worker.on('exit', (code) => fail(`the action thread exited (code ${code})`));
  }

  private async retire(pooled: PooledWorker, reason = 'retired'): Promise<void> {
    this.workers.delete(pooled);
    if (pooled.job) {
      clearTimeout(pooled.job.timer);
      pooled.job.resolve({ ok: false, failure: 'crashed', message: reason });
      pooled.job = undefined;
    }
    await pooled.worker.terminate();
    if (!this.closed) this.dispatch();
  }
}

/**
 * The worker's entry: the compiled module next to this one; or, when the server runs from its
 * TypeScript sources (the tests), the worker's sources bundled on the fly, since a worker thread
 * does not inherit the TypeScript loader of its parent.
 */
function workerScript(): { source: string | URL; eval: boolean } {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return { source: new URL('./worker/action-worker.js', here), eval: false };
  const built = buildSync({
    entryPoints: [fileURLToPath(new URL('./worker/action-worker.ts', here))],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    logLevel: 'silent',
  });
  return { source: built.outputFiles[0]!.text, eval: true };
}
