import { customClaimProblem } from '../../protocol/actions/custom-claims.js';
import type { ActionCommand, ActionHandlerName, ActionTrigger } from '../../protocol/actions/action-executor.js';

/**
 * The `api` object handed to an action, in the shape of Auth0 Actions for each trigger. Every
 * method only records a command (and returns `api`, so calls chain); the main thread applies
 * them once the handler has finished. Misuse throws at the call, so the action's stack trace
 * points at the line at fault.
 */
export function createActionApi(trigger: ActionTrigger, handler: ActionHandlerName): { api: Record<string, unknown>; commands: ActionCommand[] } {
  const commands: ActionCommand[] = [];
  const api: Record<string, unknown> = {};
  const record = (command: ActionCommand) => {
    commands.push(command);
    return api;
  };

  const setClaim = (type: 'idToken.setCustomClaim' | 'accessToken.setCustomClaim') => (name: unknown, value: unknown) => {
    const problem = customClaimProblem(name);
    if (problem) throw new TypeError(`${type}: ${problem}`);
    return record({ type, name: name as string, value: jsonValue(value, `${type}(${String(name)})`) });
  };
  const setMetadata = (type: 'user.setUserMetadata' | 'user.setAppMetadata') => (name: unknown, value: unknown) => {
    if (typeof name !== 'string' || name.length === 0) throw new TypeError(`${type}: the name must be a non-empty string`);
    return record({ type, name, value: value === undefined ? null : jsonValue(value, `${type}(${name})`) });
  };
  const scopeCommand = (type: 'accessToken.addScope' | 'accessToken.removeScope') => (scope: unknown) => {
    if (typeof scope !== 'string' || !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(scope)) throw new TypeError(`${type}: not a scope token (RFC 6749 §3.3)`);
    return record({ type, scope });
  };

  switch (trigger) {
    case 'post-login':
      api.access = { deny: (reason?: unknown) => record({ type: 'deny', reason: text(reason) }) };
      api.idToken = { setCustomClaim: setClaim('idToken.setCustomClaim') };
      api.accessToken = {
        setCustomClaim: setClaim('accessToken.setCustomClaim'),
        addScope: scopeCommand('accessToken.addScope'),
        removeScope: scopeCommand('accessToken.removeScope'),
      };
      api.user = { setUserMetadata: setMetadata('user.setUserMetadata'), setAppMetadata: setMetadata('user.setAppMetadata') };
      api.redirect = {
        sendUserTo: (url: unknown, options?: { query?: Record<string, unknown> }) => {
          if (handler !== 'onExecutePostLogin' && handler !== 'onContinuePostLogin') throw new TypeError('redirect is not available here');
          return record({ type: 'redirect.sendUserTo', url: redirectTarget(url, options?.query) });
        },
      };
      break;
    case 'credentials-exchange':
      api.access = {
        deny: (code: unknown, reason?: unknown) => {
          const allowed = ['invalid_scope', 'invalid_request', 'server_error'];
          if (typeof code !== 'string' || !allowed.includes(code)) throw new TypeError(`access.deny: code must be one of ${allowed.join(', ')}`);
          return record({ type: 'deny', code, reason: text(reason) });
        },
      };
      api.accessToken = { setCustomClaim: setClaim('accessToken.setCustomClaim') };
      break;
    case 'pre-user-registration':
      api.access = {
        deny: (reason?: unknown, userMessage?: unknown) =>
          record({ type: 'deny', reason: text(reason), ...(userMessage !== undefined && { userMessage: text(userMessage) }) }),
      };
      api.user = { setUserMetadata: setMetadata('user.setUserMetadata'), setAppMetadata: setMetadata('user.setAppMetadata') };
      api.validation = {
        error: (code: unknown, message: unknown) => record({ type: 'validation.error', code: text(code), message: text(message) }),
      };
      break;
    case 'post-user-registration':
      break;
  }
  return { api, commands };
}

function text(value: unknown): string {
  return value === undefined || value === null ? '' : String(value).slice(0, 1000);
}

/** A copy the main thread can store: JSON only (no functions, cycles, dates turned to strings). */
function jsonValue(value: unknown, where: string): unknown {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (cause) {
    throw new TypeError(`${where}: the value cannot be serialised as JSON`, { cause });
  }
  if (json === undefined) throw new TypeError(`${where}: the value cannot be serialised as JSON`);
  if (json.length > 16_384) throw new TypeError(`${where}: the value is larger than 16 KiB`);
  return JSON.parse(json);
}

function redirectTarget(url: unknown, query: Record<string, unknown> | undefined): string {
  let target: URL;
  try {
    target = new URL(String(url));
  } catch {
    throw new TypeError('redirect.sendUserTo: the URL must be absolute');
  }
  if (target.protocol !== 'https:' && target.protocol !== 'http:') throw new TypeError('redirect.sendUserTo: the URL must be http(s)');
  for (const [name, value] of Object.entries(query ?? {})) {
    if (name === 'state') throw new TypeError('redirect.sendUserTo: the state parameter is set by the server');
    target.searchParams.set(name, String(value));
  }
  return target.href;
}
