import { readdirSync, readFileSync } from 'node:fs';
import { serverProcesses } from './memory.js';

/** CPU time a server has used, split by where it ran, in milliseconds. */
export interface ServerCpu {
  /** The JavaScript thread of each process (the event loop): HTTP, routing, protocol, storage calls. */
  readonly eventLoopMs: number;
  /** Every other thread: libuv's pool (signing, argon2id), V8's helpers, worker threads. */
  readonly otherThreadsMs: number;
}

/**
 * Linux reports thread times in clock ticks of USER_HZ, which is 100 on every architecture
 * Node runs on (proc(5): "sysconf(_SC_CLK_TCK)").
 */
const MS_PER_TICK = 10;

/**
 * The CPU time used so far by a process and its direct children (the workers of
 * `latchkey serve --workers N`), from /proc/<pid>/task/<tid>/stat. A process's main thread has
 * the process's id. Undefined where /proc is not available.
 */
export function readServerCpu(pid: number): ServerCpu | undefined {
  let eventLoopMs = 0;
  let otherThreadsMs = 0;
  let found = false;
  for (const process of serverProcesses(pid)) {
    for (const [tid, ms] of threadTimes(process)) {
      found = true;
      if (tid === process) eventLoopMs += ms;
      else otherThreadsMs += ms;
    }
  }
  return found ? { eventLoopMs, otherThreadsMs } : undefined;
}

/** The CPU used between two readings; undefined if either is missing. */
export function cpuBetween(before: ServerCpu | undefined, after: ServerCpu | undefined): ServerCpu | undefined {
  if (before === undefined || after === undefined) return undefined;
  return { eventLoopMs: after.eventLoopMs - before.eventLoopMs, otherThreadsMs: after.otherThreadsMs - before.otherThreadsMs };
}

function threadTimes(pid: number): Map<number, number> {
  const times = new Map<number, number>();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return times;
  }
  for (const tid of tids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // the thread ended between the listing and the read
    }
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 (utime) and 15 (stime) of proc(5), i.e. 12th and 13th after the name.
    times.set(Number(tid), (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK);
  }
  return times;
}
