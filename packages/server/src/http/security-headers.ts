import type { FastifyReply } from 'fastify';
import type { Nonces } from './pages/render.js';

/** The CSP nonces @fastify/helmet made for this response. */
export function nonces(reply: FastifyReply): Nonces {
  const nonce = (reply as FastifyReply & { cspNonce?: Nonces }).cspNonce;
  return nonce ?? { script: '', style: '' };
}

/**
 * Helmet settings: no framing (RFC 9700 §4.16, RFC 6749 §10.13), no referrer carrying codes out
 * (RFC 9700 §4.2.4), scripts and styles only with the response's nonce. No `form-action`: the
 * sign-in form is redirected on to the client's callback, which that directive would block.
 */
export function helmetOptions(secure: boolean) {
  return {
    enableCSPNonces: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
      },
    },
    frameguard: { action: 'deny' as const },
    referrerPolicy: { policy: 'no-referrer' as const },
    hsts: secure ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
  };
}
