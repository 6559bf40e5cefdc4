/**
 * Where to send the browser after login or logout. Only same-origin targets are kept, so a
 * crafted `returnTo` cannot turn the app into an open redirector; the result is always an
 * absolute URL on the app's origin (a path like `//evil.test` is never emitted as it is).
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.11
 */
export function sameOriginPath(value: unknown, baseURL: URL): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  let url: URL;
  try {
    url = new URL(value, baseURL);
  } catch {
    return undefined;
  }
  if (url.origin !== baseURL.origin) return undefined;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** Turns a path from {@link sameOriginPath} into an absolute URL on the app's origin. */
export function absoluteOnOrigin(path: string, baseURL: URL): URL {
  return new URL(`${baseURL.origin}${path.startsWith('/') ? path : `/${path}`}`);
}
