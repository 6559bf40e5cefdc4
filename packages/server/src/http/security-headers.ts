import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { FORM_POST_SCRIPT, PAGE_STYLE } from './pages/templates.js';

/** A CSP hash-source (CSP Level 2 §4.2.4): the inline block with exactly this text may run. */
function hashSource(inline: string): string {
  return `'sha256-${createHash('sha256').update(inline, 'utf8').digest('base64')}'`;
}

/**
 * Helmet settings: no framing (RFC 9700 §4.16, RFC 6749 §10.13), no referrer carrying codes out
 * (RFC 9700 §4.2.4), inline scripts and styles only when their hash is listed. No `form-action`:
 * the sign-in form is redirected on to the client's callback, which that directive would block.
 * The header is the same for every response, so helmet works it out once: per-response nonces
 * had it build a new policy on every request to /authorize, redirects included.
 */
export function helmetOptions(secure: boolean) {
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'", hashSource(FORM_POST_SCRIPT)],
        styleSrc: ["'self'", hashSource(PAGE_STYLE)],
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
