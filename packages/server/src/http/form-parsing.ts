/**
 * Parses application/x-www-form-urlencoded text (query strings and form bodies) strictly:
 * malformed percent-encoding or invalid UTF-8 is an error rather than something silently kept,
 * and a repeated name keeps every value so the protocol can refuse it (RFC 6749 §3.1).
 */
export class MalformedFormError extends Error {
  constructor() {
    super('malformed percent-encoding or invalid UTF-8 in the request parameters');
    this.name = 'MalformedFormError';
  }
}

export function parseForm(text: string): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = Object.create(null);
  if (text === '') return result;
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decode(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : decode(pair.slice(eq + 1));
    const previous = result[name];
    if (previous === undefined) result[name] = value;
    else if (Array.isArray(previous)) previous.push(value);
    else result[name] = [previous, value];
  }
  return result;
}

function decode(component: string): string {
  // Most names and many values (grant types, client ids) need no decoding at all.
  if (!component.includes('%') && !component.includes('+')) return component;
  try {
    return decodeURIComponent(component.replace(/\+/g, ' '));
  } catch {
    throw new MalformedFormError();
  }
}

/** Set on a parsed query that could not be decoded; checked once the route is known. */
export const MALFORMED = Symbol('malformed query');

/**
 * The query-string parser for the router. It must not throw (the router cannot report it), so a
 * malformed query yields an empty object flagged with MALFORMED, refused by a request hook.
 */
export function parseQuery(text: string): Record<string, string | string[]> {
  try {
    return parseForm(text);
  } catch {
    return Object.assign(Object.create(null) as Record<string, string | string[]>, { [MALFORMED]: true });
  }
}
