import { fork } from 'node:child_process';
import { childEntry } from './child-entry.js';

export type ChildReply<T> = { readonly ok: true; readonly result: T } | { readonly ok: false; readonly error: string };

/**
 * Runs a module of the bench (relative to src, without extension) in its own process: sends it
 * one input over IPC and waits for its one reply (see `serveOnce`).
 */
export async function runChild<I, O>(relativeToSrc: string, input: I): Promise<O> {
  const entry = childEntry(relativeToSrc);
  const child = fork(entry.file, [], { execArgv: entry.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise<O>((resolve, reject) => {
    let settled = false;
    child.once('message', (message: ChildReply<O>) => {
      settled = true;
      if (message.ok) resolve(message.result);
      else reject(new Error(`${relativeToSrc} failed: ${message.error}`));
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (!settled) reject(new Error(`${relativeToSrc} exited (${code ?? signal}) without a result`));
    });
    child.send(input as object);
  });
}

/** The child's side of `runChild`: handles the one input and exits after replying. */
export function serveOnce<I, O>(handle: (input: I) => Promise<O>): void {
  process.once('message', (input: I) => {
    const reply = (message: ChildReply<O>) => process.send?.(message, () => process.exit(0));
    handle(input).then(
      (result) => reply({ ok: true, result }),
      (error: unknown) => reply({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
  });
}
