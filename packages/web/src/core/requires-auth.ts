/**
 * Whether an unauthenticated request should be sent to the login page (a browser navigating to a
 * page) or answered 401 (a form post, a fetch call, an API client): a redirect is only useful
 * when the browser will render the provider's login page and can come back with a GET.
 */
export function shouldRedirectToLogin(
  method: string,
  headers: { accept?: string | undefined; 'x-requested-with'?: string | string[] | undefined },
): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false;
  if (headers['x-requested-with'] !== undefined) return false;
  const accept = headers.accept?.toLowerCase();
  if (!accept) return true;
  if (accept.includes('text/html')) return true;
  if (accept.includes('application/json')) return false;
  return accept.includes('*/*');
}
