import type { Adapter, AdapterPayload } from 'oidc-provider';

/**
 * node-oidc-provider's storage for the bench: plain Maps with expiry. Its built-in memory
 * adapter is an LRU capped at 1,000 entries, which would evict the codes and refresh tokens the
 * bench mints before a run, so it cannot be used here.
 */
interface Entry {
  readonly payload: AdapterPayload;
  readonly expiresAt: number;
}

const entries = new Map<string, Entry>();
const grantMembers = new Map<string, Set<string>>();
const sessionsByUid = new Map<string, string>();

/** Models whose entries belong to a grant and go with it (revokeByGrantId). */
const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);

// Sweep expired entries now and then so a long run does not only grow.
setInterval(() => {
  const now = Date.now();
  for (const [key, entry] of entries) if (entry.expiresAt <= now) entries.delete(key);
  for (const [grantId, members] of grantMembers) {
    for (const key of members) if (!entries.has(key)) members.delete(key);
    if (members.size === 0) grantMembers.delete(grantId);
  }
}, 5_000).unref();

export class MapAdapter implements Adapter {
  readonly #model: string;

  constructor(model: string) {
    this.#model = model;
  }

  #key(id: string): string {
    return `${this.#model}:${id}`;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const key = this.#key(id);
    entries.set(key, { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : Infinity });
    if (this.#model === 'Session' && payload.uid) sessionsByUid.set(payload.uid, id);
    if (payload.grantId && GRANTABLE.has(this.#model)) {
      let members = grantMembers.get(payload.grantId);
      if (members === undefined) grantMembers.set(payload.grantId, (members = new Set()));
      members.add(key);
    }
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const key = this.#key(id);
    const entry = entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= Date.now()) {
      entries.delete(key);
      return undefined;
    }
    return entry.payload;
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const id = sessionsByUid.get(uid);
    return id === undefined ? undefined : this.find(id);
  }

  async findByUserCode(): Promise<undefined> {
    return undefined;
  }

  async consume(id: string): Promise<void> {
    const entry = entries.get(this.#key(id));
    if (entry !== undefined) entry.payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id: string): Promise<void> {
    const key = this.#key(id);
    const entry = entries.get(key);
    if (entry?.payload.uid !== undefined && sessionsByUid.get(entry.payload.uid) === id) sessionsByUid.delete(entry.payload.uid);
    entries.delete(key);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    for (const key of grantMembers.get(grantId) ?? []) entries.delete(key);
    grantMembers.delete(grantId);
  }
}
