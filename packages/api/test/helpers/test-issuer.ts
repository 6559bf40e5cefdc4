/**
 * A real, minimal issuer for the tests: an HTTP server on 127.0.0.1 that serves a discovery
 * document and a JSON Web Key Set of keys generated with jose, counts how often each is fetched,
 * and signs access tokens with those keys.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { CryptoKey, JWK, JWTPayload } from 'jose';

export const AUDIENCE = 'https://api.example.test/';

export interface SigningKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export interface TokenOptions {
  /** Claims merged over the defaults; a claim set to `undefined` is left out. */
  claims?: Record<string, unknown>;
  /** Protected header merged over `{ alg, kid, typ: 'at+jwt' }`; `undefined` leaves a member out. */
  header?: Record<string, unknown>;
  /** The key to sign with; default the issuer's first key. */
  key?: SigningKey;
  /** "Now" in seconds for `iat` and `exp`; default the current time. */
  now?: number;
}

export interface TestIssuer {
  /** The issuer identifier, with a trailing slash, e.g. `http://127.0.0.1:41234/`. */
  issuer: string;
  jwksUri: string;
  /** How many times the key set / the discovery document was requested. */
  readonly jwksRequests: number;
  readonly discoveryRequests: number;
  /** When set, the key set and discovery answer with this HTTP status instead. */
  failWith: number | undefined;
  /** Overrides the `issuer` of the discovery document. */
  discoveryIssuer: string | undefined;
  keys: SigningKey[];
  /** Generates a key; publishes it in the key set unless `publish` is false. */
  addKey(options?: { alg?: 'RS256' | 'ES256' | 'PS256'; publish?: boolean }): Promise<SigningKey>;
  sign(options?: TokenOptions): Promise<string>;
  close(): Promise<void>;
}

export async function generateSigningKey(alg: 'RS256' | 'ES256' | 'PS256' = 'RS256'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const kid = randomUUID();
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateKey, publicJwk };
}

/** Builds a compact JWS by hand, for tokens jose refuses to produce (`alg: none`). */
export function unsignedToken(header: Record<string, unknown>, payload: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part(header)}.${part(payload)}.`;
}

function withoutUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

export async function startTestIssuer(): Promise<TestIssuer> {
  const published: JWK[] = [];
  let jwksRequests = 0;
  let discoveryRequests = 0;

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/jwks.json') jwksRequests++;
    else if (path === '/.well-known/openid-configuration') discoveryRequests++;
    else {
      res.writeHead(404).end();
      return;
    }
    if (state.failWith !== undefined) {
      res.writeHead(state.failWith, { 'content-type': 'text/plain' }).end('unavailable');
      return;
    }
    const body =
      path === '/jwks.json'
        ? { keys: published }
        : { issuer: state.discoveryIssuer ?? state.issuer, jwks_uri: state.jwksUri };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const state: TestIssuer = {
    issuer: `http://127.0.0.1:${port}/`,
    jwksUri: `http://127.0.0.1:${port}/jwks.json`,
    get jwksRequests() {
      return jwksRequests;
    },
    get discoveryRequests() {
      return discoveryRequests;
    },
    failWith: undefined,
    discoveryIssuer: undefined,
    keys: [],
    async addKey({ alg = 'RS256', publish = true } = {}) {
      const key = await generateSigningKey(alg);
      state.keys.push(key);
      if (publish) published.push(key.publicJwk);
      return key;
    },
    async sign({ claims = {}, header = {}, key = state.keys[0]!, now = Math.floor(Date.now() / 1000) } = {}) {
      const payload = withoutUndefined({
        iss: state.issuer,
        sub: 'user-1',
        aud: AUDIENCE,
        client_id: 'client-1',
        iat: now,
        exp: now + 600,
        jti: randomUUID(),
        scope: 'openid read:messages',
        ...claims,
      });
      const protectedHeader = withoutUndefined({ alg: key.alg, kid: key.kid, typ: 'at+jwt', ...header });
      return new SignJWT(payload as JWTPayload)
        .setProtectedHeader(protectedHeader as { alg: string })
        .sign(key.privateKey);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
  await state.addKey();
  return state;
}
