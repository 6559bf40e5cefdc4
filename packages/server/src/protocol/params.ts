import { invalidRequest } from './errors.js';

/** Longest value accepted for any single parameter: generous for `state` and JWT hints, bounded for memory. */
export const MAX_PARAMETER_LENGTH = 4096;

export type Params = Readonly<Record<string, string>>;

/**
 * Reads request parameters as single strings.
 * RFC 6749 §3.1 / §3.2: parameters MUST NOT be included more than once, and parameters sent
 * without a value MUST be treated as if they were omitted.
 */
export function readParams(raw: unknown): Params {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw invalidRequest('request parameters must be an object');
  const params: Record<string, string> = Object.create(null);
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    if (Array.isArray(value)) throw invalidRequest(`parameter ${printable(name)} is repeated`);
    if (value === undefined || value === null || value === '') continue;
    if (typeof value !== 'string') throw invalidRequest(`parameter ${printable(name)} must be a string`);
    if (value.length > MAX_PARAMETER_LENGTH) throw invalidRequest(`parameter ${printable(name)} is too long`);
    if (value.includes('\u0000')) throw invalidRequest(`parameter ${printable(name)} contains a NUL character`);
    params[name] = value;
  }
  return params;
}

/** Whether the raw value of one parameter is present more than once. */
export function isRepeated(raw: unknown, name: string): boolean {
  return typeof raw === 'object' && raw !== null && Array.isArray((raw as Record<string, unknown>)[name]);
}

function printable(name: string): string {
  return name.replace(/[^\x20-\x7e]/g, '?').slice(0, 40);
}
