import { performance } from 'node:perf_hooks';

/** Operations per second: one at a time, and in `batch`-sized Promise.all batches. */
export interface Throughput {
  readonly sequential: number;
  readonly parallel: number;
}

/**
 * Measures how many times per second `operation` completes, first one after the other, then
 * `batch` at a time (work that runs on libuv's thread pool, like WebCrypto signing and argon2,
 * goes faster in parallel up to the number of cores).
 */
export async function measureThroughput(operation: () => Promise<unknown>, seconds: number, batch: number): Promise<Throughput> {
  await Promise.all(Array.from({ length: batch }, operation)); // warm up
  const sequential = await timed(seconds, async () => {
    await operation();
    return 1;
  });
  const parallel = await timed(seconds, async () => {
    await Promise.all(Array.from({ length: batch }, operation));
    return batch;
  });
  return { sequential, parallel };
}

async function timed(seconds: number, step: () => Promise<number>): Promise<number> {
  const start = performance.now();
  const deadline = start + seconds * 1000;
  let done = 0;
  while (performance.now() < deadline) done += await step();
  return done / ((performance.now() - start) / 1000);
}
