import { availableParallelism } from 'node:os';
import type {
  ActionExecutor,
  ActionFailure,
  ActionHandlerName,
  ActionRunResult,
  ActionTrigger,
  RegisteredAction,
} from '../protocol/actions/action-executor.js';
import type { LoadedAction } from './action-source.js';
import { ActionWorkerPool } from './worker-pool.js';

/** Where action runs are reported: a pino-style logger (the server's). */
export interface ActionLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

/** How a run ended, for metrics: `denied` is a clean run whose action called access.deny. */
export type ActionOutcome = 'success' | 'denied' | ActionFailure;

export interface ActionRunnerOptions {
  /** Time limit of one handler run, in milliseconds. Default 5000 (Auth0's 20 s is for whole flows). */
  timeoutMs?: number;
  /** Heap limit of an action thread (V8 old generation), in MiB. Default 128. */
  memoryMb?: number;
  /** Threads that may run actions at once. Default: the number of CPUs, at most 4. */
  poolSize?: number;
  logger?: ActionLogger;
  /** Called after every run (for a metrics counter). */
  onRun?: (action: RegisteredAction, outcome: ActionOutcome, seconds: number) => void;
}

/** The outcome as the `latchkey_action_runs_total` counter labels it. */
export function metricOutcome(outcome: ActionOutcome): 'success' | 'denied' | 'timeout' | 'error' {
  return outcome === 'success' || outcome === 'denied' || outcome === 'timeout' ? outcome : 'error';
}

export const DEFAULT_ACTION_TIMEOUT_MS = 5000;
export const DEFAULT_ACTION_MEMORY_MB = 128;

const silentLogger: ActionLogger = { info: () => {}, warn: () => {} };

/** Runs the tenant's actions on a worker-thread pool, with limits, and logs every failure by name. */
export class ActionRunner implements ActionExecutor {
  private readonly byName: Map<string, LoadedAction>;
  private readonly pool: ActionWorkerPool;
  private readonly timeoutMs: number;
  logger: ActionLogger;
  onRun: ActionRunnerOptions['onRun'];

  constructor(
    private readonly actions: readonly LoadedAction[],
    options: ActionRunnerOptions = {},
  ) {
    this.byName = new Map(actions.map((a) => [a.name, a]));
    this.timeoutMs = options.timeoutMs ?? DEFAULT_ACTION_TIMEOUT_MS;
    this.logger = options.logger ?? silentLogger;
    this.onRun = options.onRun;
    const memoryMb = options.memoryMb ?? DEFAULT_ACTION_MEMORY_MB;
    this.pool = new ActionWorkerPool({
      size: options.poolSize ?? Math.min(4, availableParallelism()),
      resourceLimits: { maxOldGenerationSizeMb: memoryMb, maxYoungGenerationSizeMb: Math.max(4, Math.ceil(memoryMb / 8)), stackSizeMb: 4 },
    });
  }

  list(trigger: ActionTrigger): readonly RegisteredAction[] {
    return this.actions.filter((a) => a.trigger === trigger);
  }

  async run(action: RegisteredAction, handler: ActionHandlerName, event: Record<string, unknown>): Promise<ActionRunResult> {
    const loaded = this.byName.get(action.name);
    if (!loaded) return { ok: false, failure: 'no-handler', message: `no action named ${action.name}` };
    const started = performance.now();
    const result = await this.pool.run(
      {
        action: { name: loaded.name, code: loaded.code, filename: loaded.filename, hash: loaded.hash },
        trigger: loaded.trigger,
        handler,
        event: { ...event, secrets: { ...loaded.secrets } },
      },
      this.timeoutMs,
    );
    const seconds = (performance.now() - started) / 1000;
    const fields = { action: loaded.name, trigger: loaded.trigger, handler };
    let outcome: ActionOutcome;
    if (!result.ok) {
      outcome = result.failure;
      this.logger.warn({ ...fields, failure: result.failure, detail: result.message }, `action "${loaded.name}" failed (${result.failure}): ${firstLine(result.message)}`);
    } else {
      const deny = result.commands.find((c) => c.type === 'deny');
      outcome = deny ? 'denied' : 'success';
      if (deny) this.logger.warn({ ...fields, reason: deny.reason }, `action "${loaded.name}" denied access: ${deny.reason}`);
    }
    this.onRun?.(action, outcome, seconds);
    return result;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.slice(0, 300);
}
