import type { KeySet } from '../crypto/keys.js';
import type { Storage } from '../storage/storage.js';
import type { ActionExecutor } from './actions/action-executor.js';

/** Seconds since the epoch. Injected everywhere so tests freeze or move time instead of sleeping. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Math.floor(Date.now() / 1000) };

/** The protocol settings, all in seconds. */
export interface ProtocolSettings {
  /** The issuer identifier, with its trailing slash; every published URL derives from it. */
  issuer: string;
  /** RFC 6749 §4.1.2: short-lived; at most 60 s here (ASVS 10.4.3 L3 asks for 1 min). */
  authorizationCodeTtl: number;
  /** Lifetime of a login transaction waiting for the user. */
  interactionTtl: number;
  idTokenTtl: number;
  /** Access tokens without an API (`audience`), good for /userinfo only. */
  userinfoAccessTokenTtl: number;
  sessionIdleTtl: number;
  sessionAbsoluteTtl: number;
}

/** What the protocol endpoints need: storage behind its interface, keys, time and settings. */
export interface ProtocolContext {
  readonly storage: Storage;
  readonly keys: KeySet;
  readonly clock: Clock;
  readonly settings: ProtocolSettings;
  /** The tenant's actions (rules and hooks); absent when it has none. */
  readonly actions?: ActionExecutor;
}

export function endpointUrl(issuer: string, path: string): string {
  const key = `${issuer} ${path}`;
  let url = endpointUrls.get(key);
  if (url === undefined) {
    url = new URL(path.replace(/^\//, ''), issuer).href;
    // An issuer has a few dozen endpoints; the bound only guards against a caller passing input.
    if (endpointUrls.size >= 1000) endpointUrls.clear();
    endpointUrls.set(key, url);
  }
  return url;
}

/** URLs worked out once: every token names the userinfo endpoint, and parsing a URL is not free. */
const endpointUrls = new Map<string, string>();
