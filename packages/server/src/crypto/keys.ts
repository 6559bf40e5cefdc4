import { calculateJwkThumbprint, CompactSign, exportJWK, generateKeyPair, importJWK, type JWK, type JWTPayload } from 'jose';
import type { SigningKeyRepository, StoredSigningKey } from '../storage/storage.js';
import { isEncryptedJwk, type KeyEncryption } from './key-encryption.js';

const utf8 = new TextEncoder();

export type SigningAlg = 'RS256' | 'ES256' | 'EdDSA';
export const SUPPORTED_SIGNING_ALGS: readonly SigningAlg[] = ['RS256', 'ES256', 'EdDSA'];

export function isSigningAlg(value: string): value is SigningAlg {
  return (SUPPORTED_SIGNING_ALGS as readonly string[]).includes(value);
}

/** A key as jose imports it from a JWK (CryptoKey; never a symmetric secret here). */
type ImportedKey = Exclude<Awaited<ReturnType<typeof importJWK>>, Uint8Array>;

interface LoadedKey {
  kid: string;
  alg: SigningAlg;
  /** Only keys that still sign are decrypted: a retired key's private half never enters memory. */
  privateKey: ImportedKey | undefined;
  publicKey: ImportedKey;
  publicJwk: JWK;
  createdAt: number;
  retiredAt: number | null;
}

export interface KeySetOptions {
  /** Encrypts private keys at rest (LATCHKEY_SECRET); without it keys are stored in clear. */
  encryption?: KeyEncryption | undefined;
  /** Seconds since the epoch; injected so tests move time. */
  now?: () => number;
  /**
   * How long a retired key stays published and trusted, in seconds: the longest lifetime of a token
   * it may have signed. Asked again at every reload (APIs and their lifetimes can change).
   */
  retention?: () => number | Promise<number>;
  /** Fewest seconds between two reloads caused by a token naming a `kid` not loaded yet. */
  unknownKidReloadInterval?: number;
}

/**
 * The server's signing keys, kept parsed in memory: the token endpoint signs with a ready key and
 * JWKS answers from a prepared string. Keys added by another process (`latchkey keys rotate`, another
 * instance) are picked up by `reload()`, which the server calls periodically and on an unknown `kid`.
 * Every token names its `kid` (RFC 7515 §4.1.4); a retired key stays in JWKS until every token it
 * signed has expired (OpenID Connect Core §10.1.1).
 */
export class KeySet {
  private keys: LoadedKey[] = [];
  private jwksJson = '{"keys":[]}';
  private readonly encryption: KeyEncryption | undefined;
  private readonly now: () => number;
  private readonly retention: () => number | Promise<number>;
  private readonly unknownKidReloadInterval: number;
  private lastUnknownKidReload = Number.NEGATIVE_INFINITY;
  private readonly creating = new Map<SigningAlg, Promise<LoadedKey>>();
  /** Imported keys by kid, so a reload decrypts and parses only what is new. */
  private readonly cache = new Map<string, LoadedKey>();

  constructor(
    private readonly repository: SigningKeyRepository,
    options: KeySetOptions = {},
  ) {
    this.encryption = options.encryption;
    this.now = options.now ?? (() => Math.floor(Date.now() / 1000));
    this.retention = options.retention ?? (() => 86_400);
    this.unknownKidReloadInterval = options.unknownKidReloadInterval ?? 5;
  }

  /**
   * Loads the stored keys, encrypts any still stored in clear (from an earlier version), and creates
   * a key for each of `algs` that has none signing yet.
   */
  async load(algs: SigningAlg | readonly SigningAlg[] = 'RS256'): Promise<void> {
    let stored = await this.repository.list();
    if (this.encryption) {
      for (const key of stored.filter((k) => !isEncryptedJwk(k.private_jwk))) {
        await this.repository.updatePrivateJwk(key.kid, await this.encryption.encrypt(key.private_jwk, key.kid));
      }
    }
    for (const alg of typeof algs === 'string' ? [algs] : algs) {
      if (!stored.some((k) => k.alg === alg && k.retired_at === null)) {
        await this.repository.insert(await generateStoredKey(alg, this.now(), this.encryption));
        stored = await this.repository.list();
      }
    }
    await this.reload();
  }

  /** Reads the keys again: new keys sign and are published, expired retired keys are dropped. */
  async reload(): Promise<void> {
    const stored = await this.repository.list();
    const now = this.now();
    const retention = await this.retention();
    const live = stored.filter((k) => k.retired_at === null || k.retired_at + retention > now);
    const loaded: LoadedKey[] = [];
    for (const key of live) loaded.push(await this.loadKey(key));
    for (const kid of this.cache.keys()) if (!live.some((k) => k.kid === kid)) this.cache.delete(kid);
    this.keys = loaded;
    this.jwksJson = JSON.stringify({ keys: loaded.map((k) => k.publicJwk) });
  }

  /** The JWK Set document (RFC 7517 §5), public members only. */
  jwks(): string {
    return this.jwksJson;
  }

  publicJwks(): { keys: JWK[] } {
    return { keys: this.keys.map((k) => k.publicJwk) };
  }

  /** The newest active key of the algorithm. */
  current(alg: SigningAlg = 'RS256'): LoadedKey {
    const key = this.findCurrent(alg);
    if (!key) throw new Error(`no active signing key for ${alg}`);
    return key;
  }

  private findCurrent(alg: SigningAlg): LoadedKey | undefined {
    for (let i = this.keys.length - 1; i >= 0; i--) {
      const key = this.keys[i]!;
      if (key.alg === alg && key.retiredAt === null && key.privateKey) return key;
    }
    return undefined;
  }

  /**
   * The public key to verify one of our own tokens: found by `kid` only among our keys, and only
   * under the alg that key was made for (no `jku`/`jwk`/`x5u` header is ever followed).
   */
  verificationKey(kid: string | undefined, alg: string | undefined): { key: ImportedKey; alg: SigningAlg } | undefined {
    if (kid === undefined || alg === undefined) return undefined;
    const key = this.keys.find((k) => k.kid === kid);
    if (!key || key.alg !== alg) return undefined;
    return { key: key.publicKey, alg: key.alg };
  }

  /**
   * Like `verificationKey`, but a `kid` not loaded yet (a key another instance just added) reloads
   * the key set first, at most once per `unknownKidReloadInterval` seconds.
   */
  async resolveVerificationKey(
    kid: string | undefined,
    alg: string | undefined,
  ): Promise<{ key: ImportedKey; alg: SigningAlg } | undefined> {
    const found = this.verificationKey(kid, alg);
    if (found || kid === undefined || alg === undefined || !isSigningAlg(alg)) return found;
    if (this.keys.some((k) => k.kid === kid)) return undefined;
    const now = this.now();
    if (now - this.lastUnknownKidReload < this.unknownKidReloadInterval) return undefined;
    this.lastUnknownKidReload = now;
    await this.reload();
    return this.verificationKey(kid, alg);
  }

  algorithms(): SigningAlg[] {
    return [...new Set(this.keys.map((k) => k.alg))];
  }

  async sign(payload: JWTPayload, options: { typ?: string; alg?: SigningAlg } = {}): Promise<string> {
    const alg = options.alg ?? 'RS256';
    const key = this.findCurrent(alg) ?? (await this.createKey(alg));
    // A JWT is a JWS whose payload is the claims set (RFC 7519 §7.1). The claims are built by
    // Latchkey, never taken from a request, so jose's SignJWT would only copy and re-check them.
    return new CompactSign(utf8.encode(JSON.stringify(payload)))
      .setProtectedHeader({ alg: key.alg, kid: key.kid, ...(options.typ ? { typ: options.typ } : {}) })
      .sign(key.privateKey!);
  }

  /** The first token signed with an alg no key has yet (an API configured for ES256, say) makes its key. */
  private createKey(alg: SigningAlg): Promise<LoadedKey> {
    let pending = this.creating.get(alg);
    if (!pending) {
      pending = (async () => {
        await this.repository.insert(await generateStoredKey(alg, this.now(), this.encryption));
        await this.reload();
        return this.current(alg);
      })().finally(() => this.creating.delete(alg));
      this.creating.set(alg, pending);
    }
    return pending;
  }

  private async loadKey(stored: StoredSigningKey): Promise<LoadedKey> {
    const cached = this.cache.get(stored.kid);
    if (cached && cached.retiredAt === stored.retired_at) return cached;
    const alg = stored.alg as SigningAlg;
    const publicJwk = JSON.parse(stored.public_jwk) as JWK;
    const publicKey = cached?.publicKey ?? ((await importJWK(publicJwk, alg)) as ImportedKey);
    let privateKey: ImportedKey | undefined;
    if (stored.retired_at === null) {
      privateKey = cached?.privateKey ?? ((await importJWK(await openPrivateJwk(stored, this.encryption), alg)) as ImportedKey);
    }
    const key: LoadedKey = { kid: stored.kid, alg, privateKey, publicKey, publicJwk, createdAt: stored.created_at, retiredAt: stored.retired_at };
    this.cache.set(stored.kid, key);
    return key;
  }
}

/** The private JWK of a stored key, decrypted when it is encrypted. */
async function openPrivateJwk(stored: StoredSigningKey, encryption: KeyEncryption | undefined): Promise<JWK> {
  if (!isEncryptedJwk(stored.private_jwk)) return JSON.parse(stored.private_jwk) as JWK;
  if (!encryption) throw new Error(`signing key ${stored.kid} is encrypted: set LATCHKEY_SECRET`);
  return JSON.parse(await encryption.decrypt(stored.private_jwk, stored.kid)) as JWK;
}

export async function generateStoredKey(
  alg: SigningAlg,
  now = Math.floor(Date.now() / 1000),
  encryption?: KeyEncryption,
): Promise<StoredSigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, {
    extractable: true,
    ...(alg === 'RS256' ? { modulusLength: 2048 } : {}),
    ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}),
  });
  const publicJwk = await exportJWK(publicKey);
  // RFC 7638 thumbprint: a kid is never reused for different key material.
  const kid = await calculateJwkThumbprint(publicJwk);
  const privateJwk = JSON.stringify({ ...(await exportJWK(privateKey)), kid, alg });
  return {
    kid,
    alg,
    private_jwk: encryption ? await encryption.encrypt(privateJwk, kid) : privateJwk,
    public_jwk: JSON.stringify({ ...publicJwk, kid, alg, use: 'sig' }),
    created_at: now,
    retired_at: null,
  };
}

/**
 * Key rotation (`latchkey keys rotate`): adds a new key for `alg` and retires the previous ones
 * of that alg, which stay published until their tokens have expired. Refuses to add a key when
 * the existing ones cannot be opened with this secret (the server could not use them either).
 */
export async function rotateSigningKeys(
  repository: SigningKeyRepository,
  alg: SigningAlg,
  options: { encryption?: KeyEncryption | undefined; now?: number } = {},
): Promise<{ kid: string; retired: string[] }> {
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const stored = await repository.list();
  const previous = stored.filter((k) => k.alg === alg && k.retired_at === null);
  for (const key of previous) await openPrivateJwk(key, options.encryption);
  const key = await generateStoredKey(alg, now, options.encryption);
  await repository.rotate(key, now);
  return { kid: key.kid, retired: previous.map((k) => k.kid) };
}
