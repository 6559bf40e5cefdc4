import type { TokenCustomization } from '../model.js';
import type { ActionCommand } from './action-executor.js';
import { customClaimProblem } from './custom-claims.js';

export function emptyCustomization(): TokenCustomization {
  return { id_token_claims: {}, access_token_claims: {}, add_scopes: [], remove_scopes: [] };
}

/**
 * Applies one token command of an action, in call order: a later call wins over an earlier one
 * (removeScope after addScope of the same scope removes it). Claim names are checked again here,
 * whatever the worker said: the rule must hold for what reaches a token.
 */
export function applyTokenCommand(customization: TokenCustomization, command: ActionCommand): TokenCustomization {
  const c = customization;
  switch (command.type) {
    case 'idToken.setCustomClaim':
    case 'accessToken.setCustomClaim': {
      const problem = customClaimProblem(command.name);
      if (problem) throw new TypeError(problem);
      const key = command.type === 'idToken.setCustomClaim' ? 'id_token_claims' : 'access_token_claims';
      return { ...c, [key]: { ...c[key], [command.name]: command.value } };
    }
    case 'accessToken.addScope':
      return { ...c, add_scopes: union(c.add_scopes, [command.scope]), remove_scopes: c.remove_scopes.filter((s) => s !== command.scope) };
    case 'accessToken.removeScope':
      return { ...c, remove_scopes: union(c.remove_scopes, [command.scope]), add_scopes: c.add_scopes.filter((s) => s !== command.scope) };
    default:
      return c;
  }
}

/** The access token's scope once the actions' addScope and removeScope calls are applied. */
export function customizedAccessTokenScope(scope: readonly string[], customization: TokenCustomization | null | undefined): string[] {
  if (!customization) return [...scope];
  const removed = new Set(customization.remove_scopes);
  return union(scope, customization.add_scopes).filter((s) => !removed.has(s));
}

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])];
}
