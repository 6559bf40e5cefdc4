import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { flagChosenByOperator } from './operator-flags.js';

/**
 * The largest semi-space a serving process lets V8's young generation reach, in MiB: half of V8's
 * default on a 64-bit machine (16 MiB).
 */
export const YOUNG_SEMI_SPACE_MIB = 8;

const SEMI_SPACE_FLAG = /^--(max|min)[-_]semi[-_]space[-_]size(=|$)|^--semi[-_]space[-_]growth[-_]factor(=|$)/;

/** Whether the operator sized the young generation (a `node` flag or NODE_OPTIONS): theirs stands. */
export function youngGenerationChosenByOperator(execArgv: readonly string[], nodeOptions: string | undefined): boolean {
  return flagChosenByOperator(SEMI_SPACE_FLAG, execArgv, nodeOptions);
}

/** The size of one semi-space of the young generation now, in bytes (the new space holds two). */
export function semiSpaceBytes(): number {
  const newSpace = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
  return newSpace === undefined ? 0 : newSpace.space_size / 2;
}

/*
 * Why: V8 doubles a semi-space, up to 16 MiB, whenever much of it survives a scavenge. Loading the
 * server's modules and importing a tenant file take it there before the first request: two 16 MiB
 * semi-spaces, all resident. At 8 MiB the benchmark measured a resident set 15 MiB smaller under
 * load and no loss of throughput, since a request's objects die young either way.
 *
 * V8 reads `--max-semi-space-size` only when the process starts, so it would have to be on every
 * command line that starts `node`. The growth factor it reads at every growth: the `latchkey`
 * launcher sets it to 1 (no growth) before the modules load, and once the server listens it is 2
 * while doubling stays within the cap and 1 from there on. V8 raises a factor under 2 back to 2
 * whenever it creates an isolate, so the factor is set again when a worker thread (the SQLite
 * checkpointer, an action runner) comes online, and after every collection. That check runs on
 * the event loop, after the collection; a growth needs more than a semi-space of survivors since
 * the last one, which is hundreds of requests, each a short turn of the loop, so the cap holds.
 */
let cap: number | undefined;
let observer: PerformanceObserver | undefined;

function wantedGrowthFactor(): number {
  return cap !== undefined && semiSpaceBytes() * 2 <= cap ? 2 : 1;
}

function enforceGrowthFactor(): void {
  setFlagsFromString(`--semi-space-growth-factor=${wantedGrowthFactor()}`);
}

/** Sets the growth factor again where V8 may have reset it: when a worker thread comes online. */
export function keepYoungGenerationCap(): void {
  if (observer !== undefined) enforceGrowthFactor();
}

/**
 * Stops the young generation from growing, unless the operator sized it. For the launcher, before
 * the server's modules load. Returns whether it did.
 */
export function holdYoungGeneration(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS): boolean {
  if (observer !== undefined) return true;
  if (youngGenerationChosenByOperator(execArgv, nodeOptions)) return false;
  cap = undefined;
  enforceGrowthFactor();
  observer = new PerformanceObserver(enforceGrowthFactor);
  observer.observe({ entryTypes: ['gc'] });
  return true;
}

/**
 * Lets a held young generation grow again, up to `semiSpaceMiB` per semi-space: for a process that
 * has started serving. Without a hold (the operator's flags, or a server started otherwise than by
 * the launcher) it does nothing and returns false.
 */
export function growYoungGenerationToCap(semiSpaceMiB = YOUNG_SEMI_SPACE_MIB): boolean {
  if (observer === undefined) return false;
  cap = semiSpaceMiB * 1024 * 1024;
  enforceGrowthFactor();
  return true;
}

/** Stops watching collections and gives V8 its default growth back (for tests). */
export function releaseYoungGeneration(): void {
  observer?.disconnect();
  observer = undefined;
  cap = undefined;
  setFlagsFromString('--semi-space-growth-factor=2');
}
