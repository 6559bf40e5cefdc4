import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, SignJWT, type JWK, type JWTPayload } from 'jose';
import type { SigningKeyRepository, StoredSigningKey } from '../storage/storage.js';

export type SigningAlg = 'RS256' | 'ES256' | 'EdDSA';
export const SUPPORTED_SIGNING_ALGS: readonly SigningAlg[] = ['RS256', 'ES256', 'EdDSA'];

/** A key as jose imports it from a JWK (CryptoKey; never a symmetric secret here). */
type ImportedKey = Exclude<Awaited<ReturnType<typeof importJWK>>, Uint8Array>;

interface LoadedKey {
  kid: string;
  alg: SigningAlg;
  privateKey: ImportedKey;
  publicKey: ImportedKey;
  publicJwk: JWK;
  retiredAt: number | null;
}

/**
 * The server's signing keys, loaded once from storage and kept parsed in memory: the token endpoint
 * signs with a ready key and JWKS answers from a prepared string.
 */
export class KeySet {
  private keys: LoadedKey[] = [];
  private jwksJson = '{"keys":[]}';

  constructor(private readonly repository: SigningKeyRepository) {}

  /** Loads the stored keys and creates a key for `alg` if none signs with it yet. */
  async load(defaultAlg: SigningAlg = 'RS256'): Promise<void> {
    let stored = await this.repository.list();
    if (!stored.some((k) => k.alg === defaultAlg && k.retired_at === null)) {
      await this.repository.insert(await generateStoredKey(defaultAlg));
      stored = await this.repository.list();
    }
    this.keys = await Promise.all(stored.map(loadKey));
    this.jwksJson = JSON.stringify({ keys: this.keys.map((k) => k.publicJwk) });
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
    for (let i = this.keys.length - 1; i >= 0; i--) {
      const key = this.keys[i]!;
      if (key.alg === alg && key.retiredAt === null) return key;
    }
    throw new Error(`no active signing key for ${alg}`);
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

  algorithms(): SigningAlg[] {
    return [...new Set(this.keys.map((k) => k.alg))];
  }

  async sign(payload: JWTPayload, options: { typ?: string; alg?: SigningAlg } = {}): Promise<string> {
    const key = this.current(options.alg);
    return new SignJWT(payload)
      .setProtectedHeader({ alg: key.alg, kid: key.kid, ...(options.typ ? { typ: options.typ } : {}) })
      .sign(key.privateKey);
  }
}

async function loadKey(stored: StoredSigningKey): Promise<LoadedKey> {
  const privateJwk = JSON.parse(stored.private_jwk) as JWK;
  const privateKey = (await importJWK(privateJwk, stored.alg)) as ImportedKey;
  const publicJwk = JSON.parse(stored.public_jwk) as JWK;
  const publicKey = (await importJWK(publicJwk, stored.alg)) as ImportedKey;
  return {
    kid: stored.kid,
    alg: stored.alg as SigningAlg,
    privateKey,
    publicKey,
    publicJwk,
    retiredAt: stored.retired_at,
  };
}

export async function generateStoredKey(alg: SigningAlg, now = Math.floor(Date.now() / 1000)): Promise<StoredSigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, {
    extractable: true,
    ...(alg === 'RS256' ? { modulusLength: 2048 } : {}),
    ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}),
  });
  const publicJwk = await exportJWK(publicKey);
  // RFC 7638 thumbprint: a kid is never reused for different key material.
  const kid = await calculateJwkThumbprint(publicJwk);
  const privateJwk = await exportJWK(privateKey);
  return {
    kid,
    alg,
    private_jwk: JSON.stringify({ ...privateJwk, kid, alg }),
    public_jwk: JSON.stringify({ ...publicJwk, kid, alg, use: 'sig' }),
    created_at: now,
    retired_at: null,
  };
}
