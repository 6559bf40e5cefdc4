import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { RssMonitor } from './memory.js';

export interface ServerProcessOptions {
  /** Shown in errors. */
  readonly name: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** The server's stdout and stderr go to this file, so a chatty logger never blocks on a full pipe. */
  readonly logFile: string;
  /** How long the server may take to print its `listening on http://...` line. */
  readonly startTimeoutMs?: number;
  /** How long the server may take to exit after SIGTERM before it gets SIGKILL (default 5 s). */
  readonly stopGraceMs?: number;
}

export interface ServerProcess {
  readonly name: string;
  readonly pid: number;
  /** The URL from the server's `listening on` line. */
  readonly listeningUrl: string;
  /** Stops the server and returns its peak resident set in bytes (undefined without /proc). */
  stop(): Promise<number | undefined>;
}

const LISTENING = /listening on (https?:\/\/\S+)/;

/** Starts a Node.js server as a child process and waits for it to say where it listens. */
export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const log = openSync(options.logFile, 'w');
  const child = spawn(process.execPath, [...options.args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', log, log],
  });
  closeSync(log);

  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    });
  });
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  await spawned;
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${options.name} did not start`);
  const rss = new RssMonitor(pid);

  const stop = async (): Promise<number | undefined> => {
    const peak = rss.stop();
    if (exited === undefined) {
      child.kill('SIGTERM');
      const grace = new AbortController();
      const killed = await Promise.race([exit.then(() => true), delay(options.stopGraceMs ?? 5_000, false, { signal: grace.signal }).catch(() => false)]);
      grace.abort();
      if (!killed) {
        child.kill('SIGKILL');
        await exit;
      }
    }
    return peak;
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  for (;;) {
    const output = readFileSync(options.logFile, 'utf8');
    const match = LISTENING.exec(output);
    if (match?.[1] !== undefined) return { name: options.name, pid, listeningUrl: match[1], stop };
    if (exited !== undefined || Date.now() > deadline) {
      await stop();
      const why = exited !== undefined ? `exited (${exited.code ?? exited.signal})` : 'did not report listening in time';
      throw new Error(`${options.name} ${why}; its output ends with:\n${tail(output)}`);
    }
    await delay(25);
  }
}

function tail(text: string, lines = 30): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
