import type { FastifyInstance } from 'fastify';
import { MalformedFormError, parseForm } from './form-parsing.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The body as text, refusing bytes that are not UTF-8 rather than replacing them with U+FFFD. */
function decodeUtf8(body: Buffer): string {
  try {
    return utf8.decode(body);
  } catch {
    throw new MalformedFormError();
  }
}

/**
 * The two body types OAuth requests come in: application/x-www-form-urlencoded (RFC 6749 §3.2)
 * and JSON (as Auth0 accepts it). Both are read as bytes and decoded strictly: invalid UTF-8 is an
 * invalid_request (B15.2), never silently turned into other characters that then take part in a
 * lookup or a comparison. JSON keeps Fastify's own parser (with its prototype-poisoning checks).
 */
export function addBodyParsers(app: FastifyInstance, bodyLimit: number): void {
  const json = app.getDefaultJsonParser(app.initialConfig.onProtoPoisoning ?? 'error', app.initialConfig.onConstructorPoisoning ?? 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit }, (request, body, done) => {
    let text: string;
    try {
      text = decodeUtf8(body as Buffer);
    } catch (error) {
      done(error as Error, undefined);
      return;
    }
    json(request, text, done);
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer', bodyLimit }, (_request, body, done) => {
    try {
      done(null, parseForm(decodeUtf8(body as Buffer)));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}
