import type { ActionHandlerName, ActionRunResult, ActionTrigger } from '../../protocol/actions/action-executor.js';

/** Main thread → worker: run one handler of one action. */
export interface JobMessage {
  id: number;
  action: {
    name: string;
    /** CommonJS source, already transpiled. */
    code: string;
    /** Where the action came from, for stack traces and `require`. */
    filename: string;
    /** Identifies this version of the code: a worker compiles each version once. */
    hash: string;
  };
  trigger: ActionTrigger;
  handler: ActionHandlerName;
  event: Record<string, unknown>;
}

/** Worker → main thread. */
export type WorkerMessage = { type: 'ready' } | ({ type: 'result'; id: number } & ActionRunResult);
