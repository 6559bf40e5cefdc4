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

/**
 * The headers every response gets, set directly (no per-request work beyond two assignments):
 * no MIME sniffing, and HSTS when the issuer is https. Pages get helmet's full set on top.
 */
export function apiSecurityHeaders(reply: FastifyReply, secure: boolean): void {
  reply.header('x-content-type-options', 'nosniff');
  if (secure) reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
}
