// What the load process is asked to do and what it reports back (sent over the IPC channel).
import type { UserPool } from '../fixture.js';
import type { ServerCpu } from '../process/cpu-time.js';

/** What counts as a successful response. */
export type Expectation =
  | { readonly type: 'status'; readonly status: number }
  /** A redirect (302/303) to `location` carrying `param`, e.g. an authorization response with a code. */
  | { readonly type: 'redirect'; readonly location: string; readonly param: string };

export type RequestPlan =
  /** The same request every time. */
  | {
      readonly kind: 'fixed';
      readonly method: 'GET' | 'POST';
      readonly path: string;
      readonly headers: Readonly<Record<string, string>>;
      readonly body?: string;
    }
  /** POST each body once, in order (authorization codes); the run stops early if they run out. */
  | {
      readonly kind: 'each-once';
      readonly path: string;
      readonly headers: Readonly<Record<string, string>>;
      readonly bodies: readonly string[];
    }
  /**
   * Refresh token rotation: a pool of refresh tokens, each request takes one and puts back the
   * `refresh_token` of its response (RFC 6749 §6), so every token is used exactly once.
   */
  | {
      readonly kind: 'refresh-rotation';
      readonly path: string;
      readonly headers: Readonly<Record<string, string>>;
      readonly form: Readonly<Record<string, string>>;
      readonly tokens: readonly string[];
    };

export interface AutocannonJob {
  readonly type: 'autocannon';
  /** http://127.0.0.1:<port> */
  readonly origin: string;
  readonly connections: number;
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  readonly plan: RequestPlan;
  readonly expect: Expectation;
  /** The server's process, whose CPU time is read around the measured run. */
  readonly serverPid?: number;
}

/** Complete sign-ins by a handful of concurrent users (scenario 7), each with a fresh browser. */
export interface FlowJob {
  readonly type: 'flows';
  readonly concurrency: number;
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  /** The authorization request every flow starts with. */
  readonly authorizationUrl: string;
  readonly tokenEndpoint: string;
  readonly client: { readonly client_id: string; readonly client_secret: string; readonly redirect_uri: string };
  readonly codeVerifier: string;
  /** Each flow signs in the next user of the pool (poolUser), so no two flows in progress share one. */
  readonly users: UserPool;
  /** The server's process, whose CPU time is read around the measured run. */
  readonly serverPid?: number;
}

export type LoadJob = AutocannonJob | FlowJob;

export interface LoadResult {
  /** Successful requests (or complete flows) per second over the measured time. */
  readonly rate: number;
  readonly successes: number;
  readonly seconds: number;
  /** Milliseconds. */
  readonly latency: { readonly p50: number; readonly p99: number; readonly mean: number };
  /** Everything that was not a success: HTTP statuses by code, connection errors, timeouts. */
  readonly failures: {
    readonly total: number;
    readonly statuses: Readonly<Record<string, number>>;
    readonly errors: number;
    readonly timeouts: number;
    /** First failure messages or response bodies, to say why. */
    readonly samples: readonly string[];
  };
  /** The run ran out of pre-minted codes or tokens and stopped before its duration. */
  readonly exhausted: boolean;
  /** Scenario-specific counts (e.g. consent pages seen per flow). */
  readonly notes: Readonly<Record<string, number>>;
  /** CPU time spent during the measured run (not the warm-up), in milliseconds. */
  readonly cpu?: MeasuredCpu;
}

export interface MeasuredCpu {
  /** The server's threads; null without /proc or without a `serverPid`. */
  readonly server: ServerCpu | null;
  /** The load generator's own process. */
  readonly loadGeneratorMs: number;
}
