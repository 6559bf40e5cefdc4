/** What the delivery reports, for the server's log (never the token itself). */
export interface DeliveryEvent {
  level: 'info' | 'warn' | 'error';
  message: string;
  uri: string;
  attempt: number;
  status?: number;
  error?: string;
}

export interface BackchannelDeliveryOptions {
  /** Time allowed for each POST, in milliseconds. */
  timeoutMs: number;
  /** Delays before each retry after a failure, in milliseconds; their sum stays under the token's two minutes. */
  retryDelaysMs: readonly number[];
  log(event: DeliveryEvent): void;
}

export const DEFAULT_BACKCHANNEL_DELIVERY = { timeoutMs: 5_000, retryDelaysMs: [2_000, 10_000, 60_000] } as const;

/** Sends logout tokens to clients. */
export interface LogoutNotifier {
  /** Resolves with the outcome of the first attempt; failures are retried in the background. */
  deliver(uri: string, logoutToken: string): Promise<boolean>;
}

/**
 * Back-Channel Logout 1.0 §2.5: POSTs `logout_token` as a form to the client's
 * backchannel_logout_uri; a 2xx is success (§2.8 asks for 200). A failure never reaches the user:
 * it is logged and retried after each delay in turn, then given up and logged as an error.
 */
export class BackchannelDelivery implements LogoutNotifier {
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly options: BackchannelDeliveryOptions) {}

  deliver(uri: string, logoutToken: string): Promise<boolean> {
    const first = this.attempt(uri, logoutToken, 1);
    void first.then((ok) => {
      if (!ok) this.retry(uri, logoutToken, 0);
    });
    return first;
  }

  /** Stops pending retries (at shutdown). */
  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private retry(uri: string, logoutToken: string, index: number): void {
    const delay = this.options.retryDelaysMs[index];
    if (this.closed) return;
    if (delay === undefined) {
      this.options.log({ level: 'error', message: 'back-channel logout not delivered: giving up', uri, attempt: index + 1 });
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(uri, logoutToken, index + 2).then((ok) => {
        if (!ok) this.retry(uri, logoutToken, index + 1);
      });
    }, delay);
    timer.unref();
    this.timers.add(timer);
  }

  private async attempt(uri: string, logoutToken: string, attempt: number): Promise<boolean> {
    try {
      const response = await fetch(uri, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ logout_token: logoutToken }).toString(),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      await response.body?.cancel();
      if (response.ok) {
        if (attempt > 1) this.options.log({ level: 'info', message: 'back-channel logout delivered after a retry', uri, attempt });
        return true;
      }
      this.options.log({ level: 'warn', message: 'back-channel logout refused', uri, attempt, status: response.status });
    } catch (error) {
      this.options.log({ level: 'warn', message: 'back-channel logout failed', uri, attempt, error: (error as Error).message });
    }
    return false;
  }
}
