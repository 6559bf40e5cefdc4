import type { IncomingMessage, ServerResponse } from 'node:http';
import { verify } from '@node-rs/argon2';
import type Provider from 'oidc-provider';

export interface PeerAccount {
  readonly accountId: string;
  readonly email: string;
  readonly passwordHash: string;
}

/**
 * The login and consent pages node-oidc-provider delegates to (its documented
 * interactionDetails / interactionFinished API), as small as a real deployment's: an email and
 * password form checked with argon2id, and a consent form with accept / deny buttons.
 */
export function interactionHandler(provider: Provider, accounts: ReadonlyMap<string, PeerAccount>) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const [, , uid, action] = url.pathname.split('/');
    if (uid === undefined) return send(res, 404, 'not found');
    const interaction = await provider.interactionDetails(req, res);

    if (req.method === 'GET' && action === undefined) {
      switch (interaction.prompt.name) {
        case 'login':
          return send(res, 200, loginPage(uid, ''));
        case 'consent':
          return send(res, 200, consentPage(uid, String(interaction.params['client_id'])));
        default:
          return send(res, 400, `unsupported prompt ${interaction.prompt.name}`);
      }
    }
    if (req.method !== 'POST') return send(res, 405, 'method not allowed');
    const form = new URLSearchParams(await readBody(req));

    if (action === 'login') {
      const account = accounts.get(form.get('email') ?? '');
      const ok = account !== undefined && (await verify(account.passwordHash, form.get('password') ?? ''));
      if (!ok) return send(res, 400, loginPage(uid, 'Wrong email or password.'));
      return provider.interactionFinished(req, res, { login: { accountId: account.accountId } }, { mergeWithLastSubmission: false });
    }

    if (action === 'consent') {
      if (form.get('action') !== 'accept') {
        return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'The user denied access.' }, { mergeWithLastSubmission: false });
      }
      const { prompt, params, session, grantId } = interaction;
      const accountId = session?.accountId;
      if (accountId === undefined) return send(res, 400, 'no session');
      const grant = grantId !== undefined
        ? await provider.Grant.find(grantId)
        : new provider.Grant({ accountId, clientId: String(params['client_id']) });
      if (grant === undefined) return send(res, 400, 'grant not found');
      const details = prompt.details as {
        missingOIDCScope?: string[];
        missingOIDCClaims?: string[];
        missingResourceScopes?: Record<string, string[]>;
      };
      if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
      if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
      for (const [resource, scopes] of Object.entries(details.missingResourceScopes ?? {})) {
        grant.addResourceScope(resource, scopes.join(' '));
      }
      const savedGrantId = await grant.save();
      return provider.interactionFinished(req, res, { consent: grantId === undefined ? { grantId: savedGrantId } : {} }, { mergeWithLastSubmission: true });
    }
    return send(res, 404, 'not found');
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', status < 300 ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(body);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function loginPage(uid: string, error: string): string {
  return `<!doctype html><title>Sign in</title>
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<label>Email <input type="email" name="email" autocomplete="username"></label>
<label>Password <input type="password" name="password" autocomplete="current-password"></label>
<button type="submit">Continue</button>
</form>`;
}

function consentPage(uid: string, clientId: string): string {
  return `<!doctype html><title>Authorize</title>
<form method="post" action="/interaction/${escapeHtml(uid)}/consent">
<p>${escapeHtml(clientId)} wants to access your account.</p>
<button type="submit" name="action" value="accept">Accept</button>
<button type="submit" name="action" value="deny">Deny</button>
</form>`;
}
