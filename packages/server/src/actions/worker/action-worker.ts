import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { compileFunction } from 'node:vm';
import { parentPort } from 'node:worker_threads';
import { createActionApi } from './action-api.js';
import type { JobMessage, WorkerMessage } from './messages.js';

/**
 * The worker thread that runs actions: one job at a time, each action module compiled once per
 * version and kept (so module-level state may survive between runs, as in Auth0). The main
 * thread enforces the time limit by terminating this thread, and the memory limit is the
 * thread's resourceLimits.
 */
const port = parentPort;
if (!port) throw new Error('the action worker runs in a worker thread');

const modules = new Map<string, Record<string, unknown>>();

function load(action: JobMessage['action']): Record<string, unknown> {
  const key = `${action.name}\0${action.hash}`;
  let exports = modules.get(key);
  if (!exports) {
    const module = { exports: {} as Record<string, unknown> };
    const run = compileFunction(action.code, ['exports', 'require', 'module', '__filename', '__dirname'], { filename: action.filename });
    run(module.exports, createRequire(action.filename), module, action.filename, dirname(action.filename));
    exports = module.exports;
    modules.set(key, exports);
  }
  return exports;
}

function describe(error: unknown): string {
  if (error instanceof Error) return (error.stack ?? `${error.name}: ${error.message}`).split('\n').slice(0, 6).join('\n');
  return String(error);
}

const send = (message: WorkerMessage) => port.postMessage(message);

port.on('message', async (job: JobMessage) => {
  try {
    const handler = load(job.action)[job.handler];
    if (typeof handler !== 'function') {
      send({ type: 'result', id: job.id, ok: false, failure: 'no-handler', message: `the module exports no ${job.handler} function` });
      return;
    }
    const { api, commands } = createActionApi(job.trigger, job.handler);
    await handler(job.event, api);
    send({ type: 'result', id: job.id, ok: true, commands });
  } catch (error) {
    send({ type: 'result', id: job.id, ok: false, failure: 'threw', message: describe(error) });
  }
});

// A promise an action forgot to await must not take the worker (and the next login) down.
process.on('unhandledRejection', () => {});

send({ type: 'ready' });
