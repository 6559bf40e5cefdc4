import { hkdfSync } from 'node:crypto';
import { EncryptJWT, jwtDecrypt, errors, type JWTPayload } from 'jose';

/**
 * Compact JWE (`alg: dir`, `enc: A256GCM`, RFC 7516) sealing the cookies: AES-GCM both hides and
 * authenticates the content, so a tampered or foreign cookie fails to decrypt and is ignored.
 * @see https://www.rfc-editor.org/rfc/rfc7518#section-4.5
 */
const ALG = 'dir';
const ENC = 'A256GCM';

/** What a key protects; each purpose gets its own key, so one cookie can never pass for another. */
export type KeyPurpose = 'session' | 'transaction';

export class CookieSealer {
  readonly #keys: readonly Uint8Array[];

  /** The first secret encrypts; all of them decrypt (rotation). */
  constructor(secrets: readonly string[], purpose: KeyPurpose) {
    this.#keys = secrets.map((secret) => deriveKey(secret, purpose));
  }

  async seal(payload: JWTPayload, issuedAt: number, expiresAt: number): Promise<string> {
    return new EncryptJWT(payload)
      .setProtectedHeader({ alg: ALG, enc: ENC })
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .encrypt(this.#keys[0]!);
  }

  /**
   * Opens a sealed value; `undefined` when it is malformed, tampered with, sealed with another
   * key, or expired at `now` (seconds).
   */
  async open(value: string, now: number): Promise<JWTPayload | undefined> {
    for (const key of this.#keys) {
      try {
        const { payload } = await jwtDecrypt(value, key, {
          keyManagementAlgorithms: [ALG],
          contentEncryptionAlgorithms: [ENC],
          currentDate: new Date(now * 1000),
          requiredClaims: ['iat', 'exp'],
        });
        return payload;
      } catch (error) {
        if (error instanceof errors.JWTExpired) return undefined;
        // Wrong key or tampered: try the next key.
      }
    }
    return undefined;
  }
}

/**
 * HKDF-SHA256 (RFC 5869) turns the app's secret into a 256-bit key per purpose.
 * @see https://www.rfc-editor.org/rfc/rfc5869
 */
function deriveKey(secret: string, purpose: KeyPurpose): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', secret, '', `@latchkey/web ${purpose} A256GCM`, 32));
}
