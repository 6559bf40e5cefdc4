// Measures the machine's cryptographic limits in a process of its own: jose JWT signing
// throughput (RS256, ES256, EdDSA) and argon2id password verification throughput.
import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { SignJWT, generateKeyPair } from 'jose';
import { ARGON2ID_OPTIONS } from '../argon2-params.js';
import { serveOnce } from '../process/run-child.js';
import { measureThroughput } from './throughput.js';
import type { CryptoLimits, CryptoLimitsInput, SigningAlgorithm } from './crypto-limits.js';

const ALGORITHMS: readonly SigningAlgorithm[] = ['RS256', 'ES256', 'EdDSA'];

serveOnce<CryptoLimitsInput, CryptoLimits>(async ({ seconds }) => {
  const signing = {} as Record<SigningAlgorithm, { sequential: number; parallel: number }>;
  for (const alg of ALGORITHMS) {
    const { privateKey } = await generateKeyPair(alg);
    const kid = randomBytes(8).toString('hex');
    // An access token as RFC 9068 shapes it.
    const sign = () =>
      new SignJWT({ client_id: 'bench-web', scope: 'openid profile email read:messages' })
        .setProtectedHeader({ alg, typ: 'at+jwt', kid })
        .setIssuer('http://127.0.0.1:4000/')
        .setSubject('bench-user')
        .setAudience(['https://api.bench.test/', 'http://127.0.0.1:4000/userinfo'])
        .setIssuedAt()
        .setExpirationTime('1h')
        .setJti(randomBytes(16).toString('hex'))
        .sign(privateKey);
    signing[alg] = await measureThroughput(sign, seconds, 64);
  }
  const passwordHash = await hash('correct horse battery staple', ARGON2ID_OPTIONS);
  const argon2id = await measureThroughput(() => verify(passwordHash, 'correct horse battery staple'), seconds, 8);
  return { signing, argon2id, threadPoolSize: Number(process.env['UV_THREADPOOL_SIZE'] ?? 4) };
});
