import type { ProtocolContext } from '../context.js';
import { OAuthError } from '../errors.js';
import type { Client, ResourceServer } from '../model.js';
import { clientEvent } from './events.js';
import { applyTokenCommand, emptyCustomization } from './token-customization.js';

export interface CredentialsExchangeInput {
  client: Client;
  api: ResourceServer;
  /** The scopes the token will carry (already checked against the client grant). */
  scope: readonly string[];
}

/**
 * Runs the credentials-exchange actions (Auth0 Actions, M2M trigger) before a client credentials
 * token is issued, and returns the custom claims they set. `api.access.deny(code, reason)` answers
 * that OAuth error; a throw, a timeout or a crash answers access_denied (and is logged by name).
 */
export async function runCredentialsExchange(ctx: ProtocolContext, input: CredentialsExchangeInput): Promise<Record<string, unknown>> {
  const actions = ctx.actions?.list('credentials-exchange') ?? [];
  let customization = emptyCustomization();
  for (const action of actions) {
    const event = {
      tenant: { id: new URL(ctx.settings.issuer).host },
      client: clientEvent(input.client),
      resource_server: { identifier: input.api.identifier },
      transaction: { requested_scopes: [...input.scope] },
      accessToken: { scope: [...input.scope], customClaims: { ...customization.access_token_claims } },
      request: {},
    };
    const result = await ctx.actions!.run(action, 'onExecuteCredentialsExchange', event);
    if (!result.ok) throw new OAuthError('access_denied', `the action ${action.name} failed`);
    for (const command of result.commands) {
      if (command.type === 'deny') {
        const code = command.code === 'invalid_scope' || command.code === 'invalid_request' ? command.code : 'server_error';
        throw new OAuthError(code, command.reason || `denied by the action ${action.name}`);
      }
      if (command.type === 'accessToken.setCustomClaim') {
        try {
          customization = applyTokenCommand(customization, command);
        } catch {
          throw new OAuthError('access_denied', `the action ${action.name} set an invalid claim`);
        }
      }
    }
  }
  return customization.access_token_claims;
}
