import * as oidc from 'openid-client';
import type { RequestCookies, ResponseCookies } from './cookies.js';
import { absoluteOnOrigin, sameOriginPath } from './return-to.js';
import type { Session } from './session/session.js';
import type { WebAuth } from './web-auth.js';

export interface LogoutOptions {
  /** Same-origin path or URL to land on after the logout; others fall back to `baseURL`. */
  returnTo?: string;
}

/**
 * Ends the app session, then, with `idpLogout`, the provider session too: the browser goes to the
 * provider's `end_session_endpoint` with `id_token_hint`, `post_logout_redirect_uri` and
 * `client_id`, and comes back to `returnTo` (which must be an allowed logout URL there).
 * @see https://openid.net/specs/openid-connect-rpinitiated-1_0.html#RPLogout
 */
export async function logout(
  auth: WebAuth,
  cookies: RequestCookies,
  response: ResponseCookies,
  session: Session | undefined,
  options: LogoutOptions = {},
): Promise<URL> {
  const { config } = auth;
  const path = sameOriginPath(options.returnTo, config.baseURL) ?? config.baseURL.pathname;
  const returnTo = absoluteOnOrigin(path, config.baseURL);
  await auth.sessions.destroy(response, cookies, session);
  if (!session || !config.idpLogout) return returnTo;

  const configuration = await auth.client.configuration();
  if (!configuration.serverMetadata().end_session_endpoint) return returnTo;
  return oidc.buildEndSessionUrl(configuration, {
    id_token_hint: session.data.id_token,
    post_logout_redirect_uri: returnTo.href,
    client_id: config.clientID,
  });
}
