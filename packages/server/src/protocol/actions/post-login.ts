import type { ProtocolContext } from '../context.js';
import type { AuthorizationRequest, Client, LoginSession, ResourceServer, TokenCustomization, User } from '../model.js';
import type { ActionCommand, ActionHandlerName } from './action-executor.js';
import { postLoginEvent, type RequestInfo } from './events.js';
import { applyTokenCommand, emptyCustomization } from './token-customization.js';

export interface PostLoginInput {
  /** The authorization request, its scopes already narrowed to what the user may get. */
  request: AuthorizationRequest;
  requestedScopes: readonly string[];
  client: Client;
  user: User;
  session: LoginSession;
  api: ResourceServer | undefined;
  interactionId: string | undefined;
  info: RequestInfo | undefined;
}

export type PostLoginResult =
  /** Every action ran: `customization` goes with the code (null when no action is registered). */
  | { kind: 'done'; customization: TokenCustomization | null }
  /** An action called api.redirect.sendUserTo: the flow pauses until /continue. */
  | { kind: 'redirect'; actionIndex: number; actionName: string; url: string; customization: TokenCustomization }
  /** An action denied access, threw, timed out or crashed (already logged with its name). */
  | { kind: 'denied'; actionName: string; reason: string };

export interface PostLoginStart {
  index: number;
  handler: ActionHandlerName;
  customization: TokenCustomization;
  /** The query the browser brought back to /continue (`event.request.query` there). */
  continueInfo?: RequestInfo | undefined;
}

export function hasPostLoginActions(ctx: ProtocolContext): boolean {
  return (ctx.actions?.list('post-login').length ?? 0) > 0;
}

/**
 * Runs the post-login actions in their order (Auth0 Actions, post-login trigger), from the start
 * or — after a redirect — from the action that redirected, with its onContinuePostLogin. Each
 * action sees the metadata the previous ones set. The first deny or failure ends the flow; a
 * redirect pauses it after the action that asked. Metadata is saved when the flow pauses or
 * completes, not when it is denied.
 */
export async function runPostLoginActions(ctx: ProtocolContext, input: PostLoginInput, start?: PostLoginStart): Promise<PostLoginResult> {
  const actions = ctx.actions?.list('post-login') ?? [];
  if (actions.length === 0) return { kind: 'done', customization: null };
  const from = start ?? { index: 0, handler: 'onExecutePostLogin', customization: emptyCustomization() };

  let customization = from.customization;
  const user: User = { ...input.user, user_metadata: { ...input.user.user_metadata }, app_metadata: { ...input.user.app_metadata } };
  let metadataChanged = false;
  const roles = await ctx.storage.roles.ofUser(user.user_id);
  const tenant = new URL(ctx.settings.issuer).host;

  for (let index = from.index; index < actions.length; index++) {
    const action = actions[index]!;
    const resuming = index === from.index && from.handler === 'onContinuePostLogin';
    const event = postLoginEvent({
      ...input,
      user,
      roles,
      transactionId: input.interactionId,
      info: resuming ? from.continueInfo : input.info,
      tenant,
    });
    const result = await ctx.actions!.run(action, resuming ? 'onContinuePostLogin' : 'onExecutePostLogin', event);
    if (!result.ok) return { kind: 'denied', actionName: action.name, reason: `the action ${action.name} failed` };

    let redirect: string | undefined;
    for (const command of result.commands) {
      switch (command.type) {
        case 'deny':
          return { kind: 'denied', actionName: action.name, reason: command.reason || `denied by the action ${action.name}` };
        case 'user.setUserMetadata':
        case 'user.setAppMetadata':
          setMetadata(user, command);
          metadataChanged = true;
          break;
        case 'redirect.sendUserTo':
          redirect = command.url;
          break;
        default:
          try {
            customization = applyTokenCommand(customization, command);
          } catch {
            return { kind: 'denied', actionName: action.name, reason: `the action ${action.name} set an invalid claim` };
          }
      }
    }
    if (redirect !== undefined) {
      if (metadataChanged) await saveMetadata(ctx, user);
      return { kind: 'redirect', actionIndex: index, actionName: action.name, url: redirect, customization };
    }
  }
  if (metadataChanged) await saveMetadata(ctx, user);
  return { kind: 'done', customization };
}

/** Auth0 semantics: set one top-level key; null or undefined removes it. */
export function setMetadata(user: User, command: Extract<ActionCommand, { type: 'user.setUserMetadata' | 'user.setAppMetadata' }>): void {
  const key = command.type === 'user.setUserMetadata' ? 'user_metadata' : 'app_metadata';
  const metadata = { ...user[key] };
  if (command.value === null || command.value === undefined) delete metadata[command.name];
  else metadata[command.name] = command.value;
  user[key] = metadata;
}

async function saveMetadata(ctx: ProtocolContext, user: User): Promise<void> {
  await ctx.storage.users.updateMetadata(
    user.user_id,
    { user_metadata: user.user_metadata ?? {}, app_metadata: user.app_metadata ?? {} },
    ctx.clock.now(),
  );
}
