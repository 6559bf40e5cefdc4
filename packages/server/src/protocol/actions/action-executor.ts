/**
 * What the protocol needs from the action runtime: the actions of a trigger, and running one
 * handler of one of them against an event. The runtime (src/actions) runs them off the event
 * loop, fenced by a time and memory limit; the protocol only ever sees the recorded commands.
 */
export type ActionTrigger = 'post-login' | 'credentials-exchange' | 'pre-user-registration' | 'post-user-registration';

/** The exported function each trigger calls, named as Auth0 names them. */
export const ACTION_HANDLERS = {
  'post-login': ['onExecutePostLogin', 'onContinuePostLogin'],
  'credentials-exchange': ['onExecuteCredentialsExchange'],
  'pre-user-registration': ['onExecutePreUserRegistration'],
  'post-user-registration': ['onExecutePostUserRegistration'],
} as const satisfies Record<ActionTrigger, readonly string[]>;

export type ActionHandlerName = (typeof ACTION_HANDLERS)[ActionTrigger][number];

/** One call an action made on its `api` object, in order. */
export type ActionCommand =
  | { type: 'deny'; reason: string; code?: string; userMessage?: string }
  | { type: 'idToken.setCustomClaim'; name: string; value: unknown }
  | { type: 'accessToken.setCustomClaim'; name: string; value: unknown }
  | { type: 'accessToken.addScope'; scope: string }
  | { type: 'accessToken.removeScope'; scope: string }
  | { type: 'user.setUserMetadata'; name: string; value: unknown }
  | { type: 'user.setAppMetadata'; name: string; value: unknown }
  | { type: 'redirect.sendUserTo'; url: string }
  | { type: 'validation.error'; code: string; message: string };

/** Why an action did not finish: it threw, ran out of time or memory, or lacks the handler. */
export type ActionFailure = 'threw' | 'timeout' | 'crashed' | 'no-handler';

export type ActionRunResult =
  | { ok: true; commands: ActionCommand[] }
  | { ok: false; failure: ActionFailure; message: string };

export interface RegisteredAction {
  readonly name: string;
  readonly trigger: ActionTrigger;
}

export interface ActionExecutor {
  /** The actions bound to a trigger, in the order they run. */
  list(trigger: ActionTrigger): readonly RegisteredAction[];
  /**
   * Runs one handler of one action. Never rejects: a throw, a timeout or a crash comes back as
   * `ok: false`, already logged with the action's name.
   */
  run(action: RegisteredAction, handler: ActionHandlerName, event: Record<string, unknown>): Promise<ActionRunResult>;
}
