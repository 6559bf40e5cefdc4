import type { ActionRunResult } from '../protocol/actions/action-executor.js';

/** What one run of an action would change, as `latchkey actions test` prints it. */
export interface ActionRunReport {
  outcome: 'allowed' | 'denied' | 'redirect' | 'failed';
  denied?: { reason: string; code?: string; userMessage?: string };
  failure?: { kind: string; message: string };
  idToken: { customClaims: Record<string, unknown> };
  accessToken: { customClaims: Record<string, unknown>; addedScopes: string[]; removedScopes: string[] };
  /** Keys set (or, with null, removed) in the user's metadata. */
  user: { user_metadata: Record<string, unknown>; app_metadata: Record<string, unknown> };
  redirect?: string;
  validationError?: { code: string; message: string };
}

export function describeActionRun(result: ActionRunResult): ActionRunReport {
  const report: ActionRunReport = {
    outcome: 'allowed',
    idToken: { customClaims: {} },
    accessToken: { customClaims: {}, addedScopes: [], removedScopes: [] },
    user: { user_metadata: {}, app_metadata: {} },
  };
  if (!result.ok) return { ...report, outcome: 'failed', failure: { kind: result.failure, message: result.message } };
  for (const command of result.commands) {
    switch (command.type) {
      case 'deny':
        report.outcome = 'denied';
        report.denied = { reason: command.reason, ...(command.code && { code: command.code }), ...(command.userMessage && { userMessage: command.userMessage }) };
        break;
      case 'validation.error':
        report.outcome = 'denied';
        report.validationError = { code: command.code, message: command.message };
        break;
      case 'idToken.setCustomClaim':
        report.idToken.customClaims[command.name] = command.value;
        break;
      case 'accessToken.setCustomClaim':
        report.accessToken.customClaims[command.name] = command.value;
        break;
      case 'accessToken.addScope':
        report.accessToken.removedScopes = report.accessToken.removedScopes.filter((s) => s !== command.scope);
        if (!report.accessToken.addedScopes.includes(command.scope)) report.accessToken.addedScopes.push(command.scope);
        break;
      case 'accessToken.removeScope':
        report.accessToken.addedScopes = report.accessToken.addedScopes.filter((s) => s !== command.scope);
        if (!report.accessToken.removedScopes.includes(command.scope)) report.accessToken.removedScopes.push(command.scope);
        break;
      case 'user.setUserMetadata':
        report.user.user_metadata[command.name] = command.value;
        break;
      case 'user.setAppMetadata':
        report.user.app_metadata[command.name] = command.value;
        break;
      case 'redirect.sendUserTo':
        if (report.outcome === 'allowed') report.outcome = 'redirect';
        report.redirect = command.url;
        break;
    }
  }
  return report;
}
