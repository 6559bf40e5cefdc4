import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import type { FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';
import { logsAt, REDACTED_PATHS, requestLogger } from '../../src/http/logging.js';

function capture(level: string) {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const logger = pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, stream);
  let children = 0;
  const child = logger.child.bind(logger);
  logger.child = ((...args: Parameters<typeof child>) => {
    children++;
    return child(...args);
  }) as typeof logger.child;
  return { logger: logger as unknown as FastifyBaseLogger, lines, children: () => children };
}

describe("a request's logger", () => {
  it('is not made when nothing is written at an enabled level', () => {
    const { logger, lines, children } = capture('warn');
    const log = requestLogger(logger, { reqId: 'r1' }, {});
    log.info({ route: '/oauth/token' }, 'request completed');
    log.debug('details');
    assert.equal(children(), 0);
    assert.equal(lines.length, 0);
    assert.equal(log.level, 'warn');
  });

  it('writes with the request id, redacted, once something is logged', async () => {
    const { logger, lines, children } = capture('info');
    const log = requestLogger(logger, { reqId: 'r2' }, {});
    log.info({ body: { client_secret: 's3cret' } }, 'first');
    log.error('second');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(children(), 1, 'one child, made on first use');
    assert.deepEqual(
      lines.map((line) => [line.msg, line.reqId]),
      [
        ['first', 'r2'],
        ['second', 'r2'],
      ],
    );
    assert.deepEqual(lines[0]!.body, { client_secret: '[redacted]' });
  });

  it('is made at once when the route sets its own options', () => {
    const { logger, children } = capture('warn');
    const log = requestLogger(logger, { reqId: 'r3' }, { level: 'debug' });
    assert.equal(children(), 1);
    assert.equal(log.level, 'debug');
  });

  it('with logging off is Fastify\'s null logger, which writes at no level', () => {
    const silent = { fatal() {}, error() {}, warn() {}, info() {}, debug() {}, trace() {}, silent() {}, level: 'silent', child: () => silent };
    const log = requestLogger(silent as unknown as FastifyBaseLogger, { reqId: 'r4' }, {});
    assert.equal(log, silent);
    assert.equal(logsAt(log, 'info'), false);
    assert.equal(logsAt(log, 'fatal'), false);
  });
});
