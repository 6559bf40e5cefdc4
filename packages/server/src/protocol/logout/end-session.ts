import type { ProtocolContext } from '../context.js';
import type { LoginSession } from '../model.js';
import { endSession } from '../session/login-sessions.js';
import type { LogoutNotifier } from './backchannel-delivery.js';
import { signLogoutToken } from './logout-token.js';

/**
 * Ends the browser's login session (the next prompt=none answers login_required) and notifies, by
 * back-channel, every client the session signed in to that registered a backchannel_logout_uri
 * (Back-Channel Logout 1.0 §2.5). The user waits at most `waitMs` for those first attempts, so a
 * slow or broken client never holds them up; retries go on in the background.
 */
export async function endLoginSession(
  ctx: ProtocolContext,
  cookieValue: string | undefined,
  notifier: LogoutNotifier,
  waitMs: number,
): Promise<LoginSession | undefined> {
  const session = await endSession(ctx, cookieValue);
  if (!session) return undefined;
  const deliveries: Promise<boolean>[] = [];
  for (const clientId of await ctx.storage.sessionClients.list(session.sid)) {
    const client = await ctx.storage.clients.findById(clientId);
    if (!client?.backchannel_logout_uri) continue;
    const token = await signLogoutToken(ctx, { clientId, sub: session.user_id, sid: session.sid });
    deliveries.push(notifier.deliver(client.backchannel_logout_uri, token));
  }
  if (deliveries.length > 0) await settledWithin(deliveries, waitMs);
  return session;
}

async function settledWithin(promises: Promise<unknown>[], ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref();
  });
  await Promise.race([Promise.allSettled(promises), timeout]);
  clearTimeout(timer);
}
