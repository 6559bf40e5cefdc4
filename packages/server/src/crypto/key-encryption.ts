import { hkdfSync } from 'node:crypto';
import { CompactEncrypt, compactDecrypt } from 'jose';

/** A stored private key that the configured LATCHKEY_SECRET cannot open. */
export class KeyDecryptionError extends Error {
  constructor(kid: string, options?: { cause?: unknown }) {
    super(`signing key ${kid} cannot be decrypted: LATCHKEY_SECRET is not the one it was encrypted with`, options);
    this.name = 'KeyDecryptionError';
  }
}

/** Shortest LATCHKEY_SECRET accepted: it is meant to be random (e.g. `openssl rand -base64 32`). */
export const MIN_SECRET_LENGTH = 32;

// HKDF (RFC 5869) turns the secret into a key for this one purpose; another purpose gets another `info`.
const HKDF_SALT = 'latchkey';
const HKDF_INFO = 'latchkey signing key encryption v1';

/**
 * Encrypts private signing keys at rest with a key derived from LATCHKEY_SECRET. The stored form is
 * a compact JWE (RFC 7516) with `dir` and A256GCM: AES-256-GCM with the derived key, and the key's
 * `kid` in the authenticated header, so a ciphertext moved to another key row does not decrypt.
 */
export class KeyEncryption {
  private constructor(private readonly key: Uint8Array) {}

  static fromSecret(secret: string): KeyEncryption {
    if (secret.length < MIN_SECRET_LENGTH) throw new Error(`LATCHKEY_SECRET must be at least ${MIN_SECRET_LENGTH} characters`);
    return new KeyEncryption(new Uint8Array(hkdfSync('sha256', secret, HKDF_SALT, HKDF_INFO, 32)));
  }

  encrypt(plaintext: string, kid: string): Promise<string> {
    return new CompactEncrypt(new TextEncoder().encode(plaintext))
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid, cty: 'jwk+json' })
      .encrypt(this.key);
  }

  async decrypt(stored: string, kid: string): Promise<string> {
    let result;
    try {
      result = await compactDecrypt(stored, this.key, {
        keyManagementAlgorithms: ['dir'],
        contentEncryptionAlgorithms: ['A256GCM'],
      });
    } catch (cause) {
      throw new KeyDecryptionError(kid, { cause });
    }
    if (result.protectedHeader.kid !== kid) throw new KeyDecryptionError(kid);
    return new TextDecoder().decode(result.plaintext);
  }
}

/** Whether a stored private JWK is encrypted (a JWE) rather than JSON in clear (an earlier version's). */
export function isEncryptedJwk(stored: string): boolean {
  return !stored.trimStart().startsWith('{');
}
