import type { BenchFixture } from '../fixture.js';
import type { ServerMetadata } from '../oidc/client.js';

export type TargetName = 'latchkey' | 'node-oidc-provider';

/** A server under test, started fresh (its own process, its own storage) for every measurement. */
export interface Target {
  /** The product under test. */
  readonly name: TargetName;
  /**
   * Unique within a run: the product and its variant (`latchkey`, `latchkey-seeded`,
   * `latchkey-workers-2`), so one product can run in several set-ups side by side.
   */
  readonly key: string;
  /** For the table: what runs, on which storage. */
  readonly label: string;
  /** The variant this one is compared with, e.g. the seeded database with the empty one. */
  readonly baseline?: Baseline;
  /**
   * The authorization / token request parameter naming the API: Auth0's `audience` for
   * Latchkey, RFC 8707's `resource` for node-oidc-provider.
   */
  readonly audienceParameter: 'audience' | 'resource';
  /**
   * Whether an access token for the userinfo endpoint is asked for with the API's audience.
   * Latchkey's API tokens also name the userinfo URL (Auth0's behaviour); node-oidc-provider
   * serves userinfo only with a token issued without a resource (opaque, looked up in storage).
   */
  readonly userinfoWithAudience: boolean;
  start(fixture: BenchFixture, workDir: string, options?: StartOptions): Promise<RunningTarget>;
}

export interface StartOptions {
  /** Run the server under node --cpu-prof, writing its profiles here (Latchkey only; others ignore it). */
  readonly cpuProfileDir?: string;
}

export interface Baseline {
  /** The `key` of the target compared with. */
  readonly key: string;
  /** What the ratio of the rates means, e.g. `seeded ÷ empty`. */
  readonly meaning: string;
  /** When the comparison has a goal: the ratio should stay within 1 ± tolerance (0.15 is 15 %). */
  readonly tolerance?: number;
}

export interface RunningTarget {
  /** http://127.0.0.1:<port> */
  readonly origin: string;
  readonly metadata: ServerMetadata;
  readonly pid: number;
  /** Stops the server; resolves to its peak resident set in bytes (undefined without /proc). */
  stop(): Promise<number | undefined>;
}
