import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

const cli = new URL('../../src/cli/main.ts', import.meta.url).pathname;
const root = new URL('../../../../', import.meta.url).pathname;

/** How a test starts the command: from the TypeScript sources (the default), or built. */
export const FROM_SOURCES: readonly string[] = ['--import', 'tsx', cli];
/** The `latchkey` launcher users run (`npx latchkey`), in front of the built command line. */
export const LAUNCHER: readonly string[] = [new URL('../../bin/latchkey.js', import.meta.url).pathname];
/** The built command line run directly with `node`, without the launcher. */
export const BUILT_MAIN: readonly string[] = [new URL('../../dist/src/cli/main.js', import.meta.url).pathname];

/** Runs a `latchkey` command to its end. */
export function runLatchkey(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
}

export interface LatchkeyProcess {
  readonly child: ChildProcess;
  /** The URL from the `listening on` line. */
  readonly url: string;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code and signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once `pattern` appears in the output (after what is there already). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  kill(signal?: NodeJS.Signals): void;
}

/** Starts `latchkey serve` (or another long-running command) and resolves once it listens. */
export async function startLatchkeyProcess(
  args: string[],
  env: Record<string, string>,
  timeoutMs = 30_000,
  entry: readonly string[] = FROM_SOURCES,
): Promise<LatchkeyProcess> {
  const child = spawn(process.execPath, [...entry, ...args], {
    cwd: root,
    env: { ...process.env, LATCHKEY_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const waiters = new Set<() => void>();
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    for (const waiter of waiters) waiter();
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      resolve({ code, signal });
      for (const waiter of waiters) waiter();
    }),
  );
  const waitFor = (pattern: RegExp, ms = timeoutMs) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out waiting for ${pattern} in:\n${output}`));
      }, ms);
      const check = () => {
        const match = pattern.exec(output);
        if (match) {
          clearTimeout(timer);
          waiters.delete(check);
          resolve(match);
        } else if (child.exitCode !== null || child.signalCode !== null) {
          clearTimeout(timer);
          waiters.delete(check);
          reject(new Error(`exited (${child.exitCode ?? child.signalCode}) before ${pattern}:\n${output}`));
        }
      };
      waiters.add(check);
      check();
    });
  try {
    const match = await waitFor(/listening on (\S+)/);
    return {
      child,
      url: match[1]!,
      output: () => output,
      exited,
      waitFor,
      kill: (signal = 'SIGTERM') => void child.kill(signal),
    };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}
