import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface TestCertificates {
  /** The CA that signed the server certificate (PEM file), for NODE_EXTRA_CA_CERTS or `ca`. */
  caFile: string;
  ca: string;
  certFile: string;
  keyFile: string;
  /** SHA-256 fingerprint of the server certificate, as Node's X509Certificate prints it. */
  fingerprint256: string;
}

/**
 * A certificate authority made for the test and a server certificate it signed for localhost and
 * 127.0.0.1, written as PEM files in `dir` (names prefixed by `name`).
 */
export async function makeCertificates(dir: string, name = 'server', ca?: { key: string; cert: string }): Promise<TestCertificates & { caKey: string }> {
  const notAfterDate = new Date(Date.now() + 86_400_000);
  const authority =
    ca ??
    (await (async () => {
      const made = await generate([{ name: 'commonName', value: 'Latchkey test CA' }], {
        keyType: 'ec',
        algorithm: 'sha256',
        notAfterDate,
        extensions: [
          { name: 'basicConstraints', cA: true, critical: true },
          { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
        ],
      });
      return { key: made.private, cert: made.cert };
    })());
  const server = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notAfterDate,
    ca: authority,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
    ],
  });
  const caFile = join(dir, `${name}-ca.pem`);
  const certFile = join(dir, `${name}-cert.pem`);
  const keyFile = join(dir, `${name}-key.pem`);
  writeFileSync(caFile, authority.cert);
  writeFileSync(certFile, server.cert);
  writeFileSync(keyFile, server.private, { mode: 0o600 });
  const { X509Certificate } = await import('node:crypto');
  return {
    caFile,
    ca: authority.cert,
    caKey: authority.key,
    certFile,
    keyFile,
    fingerprint256: new X509Certificate(server.cert).fingerprint256,
  };
}
